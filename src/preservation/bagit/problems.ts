/**
 * Problems found in a BagIt bag (RFC 8493), each with a stable code and a message in Chinese and
 * English. Which codes are errors and which are warnings is decided where they are found (some depend
 * on the BagIt version the bag declares); see docs/offline-copies.md for the full table.
 */

export type Message = { zh: string; en: string };

export type BagProblemCode =
  // the bag declaration and layout
  | 'bag-not-found'
  | 'bagit-txt-missing'
  | 'bagit-txt-bom'
  | 'bagit-txt-malformed'
  | 'version-invalid'
  | 'version-unsupported'
  | 'version-old'
  | 'encoding-unsupported'
  | 'encoding-not-utf8'
  | 'payload-dir-missing'
  // manifests
  | 'manifest-missing'
  | 'algorithm-unsupported'
  | 'manifest-line-malformed'
  | 'md5sum-binary-marker'
  | 'blank-line'
  | 'percent-not-encoded'
  | 'path-outside-bag'
  | 'path-unsafe'
  | 'path-dot-prefix'
  | 'payload-outside-data'
  | 'tag-manifest-lists-payload'
  | 'duplicate-entry'
  | 'duplicate-entry-conflict'
  | 'case-collision'
  | 'normalization-collision'
  | 'name-normalization'
  // files
  | 'file-missing'
  | 'file-not-in-manifest'
  | 'not-regular-file'
  | 'digest-mismatch'
  | 'system-file'
  | 'read-failed'
  // tag files
  | 'tag-file-bom'
  | 'tag-file-undecodable'
  | 'line-too-long'
  | 'baginfo-malformed'
  | 'baginfo-separator'
  | 'oxum-malformed'
  | 'oxum-mismatch'
  | 'fetch-not-supported'
  | 'fetch-line-malformed'
  // importing a bag into the OCFL store
  | 'import-not-dangan'
  | 'import-not-ocfl'
  | 'import-id-mismatch'
  | 'import-conflict'
  | 'import-no-strong-digest';

export type BagProblem = { code: BagProblemCode; path?: string; message: Message };

type Args = Record<string, string | number | undefined>;
const q = (s: string | number | undefined): string => JSON.stringify(String(s ?? ''));

const TEXT: Record<BagProblemCode, (a: Args) => Message> = {
  'bag-not-found': (a) => ({ zh: `${q(a.dir)} 不是目录，无法作为 BagIt 包校验`, en: `${q(a.dir)} is not a directory; it cannot be a bag` }),
  'bagit-txt-missing': () => ({ zh: '缺少必备的 bagit.txt 声明文件', en: 'the required bagit.txt declaration is missing' }),
  'bagit-txt-bom': () => ({ zh: 'bagit.txt 以 UTF-8 字节顺序标记（BOM）开头，规范禁止', en: 'bagit.txt starts with a UTF-8 byte order mark (BOM), which is forbidden' }),
  'bagit-txt-malformed': (a) => ({ zh: `bagit.txt 格式不符：${a.zh}`, en: `bagit.txt is malformed: ${a.en}` }),
  'version-invalid': (a) => ({ zh: `BagIt-Version ${q(a.value)} 不是 M.N 形式的版本号`, en: `BagIt-Version ${q(a.value)} is not a version of the form M.N` }),
  'version-unsupported': (a) => ({ zh: `不支持的 BagIt 版本 ${a.value}（支持 0.97 与 1.0）`, en: `unsupported BagIt version ${a.value} (0.97 and 1.0 are supported)` }),
  'version-old': (a) => ({ zh: `BagIt 版本 ${a.value} 是 0.97 之前的草案，按 0.97 规则校验`, en: `BagIt version ${a.value} is a draft older than 0.97; checked by the 0.97 rules` }),
  'encoding-unsupported': (a) => ({ zh: `无法识别的标签文件字符编码 ${q(a.value)}，标签文件未能读取`, en: `unknown tag file character encoding ${q(a.value)}; the tag files could not be read` }),
  'encoding-not-utf8': (a) => ({ zh: `标签文件字符编码为 ${a.value}，规范建议使用 UTF-8`, en: `tag files are encoded as ${a.value}; UTF-8 is recommended` }),
  'payload-dir-missing': () => ({ zh: '缺少载荷目录 data/', en: 'the payload directory data/ is missing' }),
  'manifest-missing': () => ({ zh: '没有任何载荷清单（manifest-<算法>.txt）', en: 'there is no payload manifest (manifest-<algorithm>.txt)' }),
  'algorithm-unsupported': (a) => ({ zh: `清单 ${a.file} 使用了不支持的摘要算法 ${q(a.alg)}，无法校验`, en: `${a.file} uses the unsupported digest algorithm ${q(a.alg)}; it cannot be checked` }),
  'manifest-line-malformed': (a) => ({ zh: `${a.file} 第 ${a.line} 行格式不符：${a.zh}`, en: `${a.file} line ${a.line} is malformed: ${a.en}` }),
  'md5sum-binary-marker': (a) => ({ zh: `${a.file} 有 ${a.count} 行带 md5sum 二进制模式标记“*”（首见第 ${a.line} 行），已忽略该标记`, en: `${a.file} has the md5sum binary-mode marker "*" on ${a.count} line(s) (first on line ${a.line}); the marker was ignored` }),
  'blank-line': (a) => ({ zh: `${a.file} 第 ${a.line} 行为空行`, en: `${a.file} line ${a.line} is blank` }),
  'percent-not-encoded': (a) => ({ zh: `${a.file} 中的路径 ${q(a.path)} 含未编码的“%”（应写作 %25），按字面处理`, en: `path ${q(a.path)} in ${a.file} has a "%" that is not percent-encoded (should be %25); taken literally` }),
  'path-outside-bag': (a) => ({ zh: `${a.file} 中的路径 ${q(a.path)} 指向包外（${a.zh}）`, en: `path ${q(a.path)} in ${a.file} points outside the bag (${a.en})` }),
  'path-unsafe': (a) => ({ zh: `${a.file} 中的路径 ${q(a.path)} 不可移植（${a.zh}）`, en: `path ${q(a.path)} in ${a.file} is not portable (${a.en})` }),
  'path-dot-prefix': (a) => ({ zh: `${a.file} 中的路径 ${q(a.path)} 以“./”开头`, en: `path ${q(a.path)} in ${a.file} starts with "./"` }),
  'payload-outside-data': (a) => ({ zh: `载荷清单 ${a.file} 列出了 data/ 之外的文件 ${q(a.path)}`, en: `payload manifest ${a.file} lists ${q(a.path)}, which is not under data/` }),
  'tag-manifest-lists-payload': (a) => ({ zh: `标签清单 ${a.file} 列出了载荷文件 ${q(a.path)}`, en: `tag manifest ${a.file} lists the payload file ${q(a.path)}` }),
  'duplicate-entry': (a) => ({ zh: `${a.file} 重复列出 ${q(a.path)}（摘要相同）`, en: `${a.file} lists ${q(a.path)} more than once (same digest)` }),
  'duplicate-entry-conflict': (a) => ({ zh: `${a.file} 重复列出 ${q(a.path)}，且摘要不同`, en: `${a.file} lists ${q(a.path)} more than once with different digests` }),
  'case-collision': (a) => ({ zh: `${a.file} 中 ${a.paths} 仅大小写不同，在不区分大小写的文件系统（Windows、macOS、光盘）上是同一文件`, en: `${a.paths} in ${a.file} differ only in case and are one file on case-insensitive file systems (Windows, macOS, discs)` }),
  'normalization-collision': (a) => ({ zh: `${a.file} 中 ${a.paths} 仅 Unicode 规范化形式不同（NFC/NFD），是同一文件名`, en: `${a.paths} in ${a.file} differ only in Unicode normalization (NFC/NFD) and name the same file` }),
  'name-normalization': (a) => ({ zh: `清单中的 ${q(a.path)} 与磁盘上的 ${q(a.disk)} 仅 Unicode 规范化形式不同`, en: `${q(a.path)} in the manifest and ${q(a.disk)} on disk differ only in Unicode normalization` }),
  'file-missing': (a) => ({ zh: `${a.file} 列出的 ${q(a.path)} 不存在`, en: `${q(a.path)}, listed in ${a.file}, does not exist` }),
  'file-not-in-manifest': (a) => ({ zh: `载荷文件 ${q(a.path)} 未列入 ${a.file}`, en: `payload file ${q(a.path)} is not listed in ${a.file}` }),
  'not-regular-file': (a) => ({ zh: `${q(a.path)} 不是普通文件（符号链接、设备或其他）`, en: `${q(a.path)} is not a regular file (a link, a device or other)` }),
  'digest-mismatch': (a) => ({ zh: `${q(a.path)} 的 ${a.alg} 摘要不符：清单 ${a.expected}，实际 ${a.actual}`, en: `${q(a.path)} does not match its ${a.alg} digest: manifest ${a.expected}, actual ${a.actual}` }),
  'system-file': (a) => ({ zh: `${q(a.path)} 是操作系统生成的附属文件，通常不应归档`, en: `${q(a.path)} is an operating-system artefact that is not normally archived` }),
  'read-failed': (a) => ({ zh: `读取 ${q(a.path)} 失败：${a.detail}`, en: `could not read ${q(a.path)}: ${a.detail}` }),
  'tag-file-bom': (a) => ({ zh: `${a.file} 以字节顺序标记（BOM）开头，已忽略`, en: `${a.file} starts with a byte order mark (BOM); it was ignored` }),
  'tag-file-undecodable': (a) => ({ zh: `${a.file} 不是有效的 ${a.encoding} 文本`, en: `${a.file} is not valid ${a.encoding} text` }),
  'line-too-long': (a) => ({ zh: `${a.file} 中有超过 ${a.limit} 个字符的行`, en: `${a.file} has a line longer than ${a.limit} characters` }),
  'baginfo-malformed': (a) => ({ zh: `bag-info.txt 第 ${a.line} 行不是“标签: 值”形式，也不是续行`, en: `bag-info.txt line ${a.line} is neither "Label: value" nor a continuation line` }),
  'baginfo-separator': (a) => ({ zh: `bag-info.txt 第 ${a.line} 行的冒号前后空白不合规范（应为“标签: 值”）`, en: `bag-info.txt line ${a.line} has non-standard whitespace around the colon (should be "Label: value")` }),
  'oxum-malformed': (a) => ({ zh: `Payload-Oxum ${q(a.value)} 不是“字节数.文件数”形式`, en: `Payload-Oxum ${q(a.value)} is not of the form "octets.files"` }),
  'oxum-mismatch': (a) => ({ zh: `Payload-Oxum 为 ${a.value}，实际载荷为 ${a.actual}（字节数.文件数）`, en: `Payload-Oxum is ${a.value} but the payload is ${a.actual} (octets.files)` }),
  'fetch-not-supported': () => ({ zh: '包含 fetch.txt：脱机副本必须完整，不支持按网址补取文件', en: 'fetch.txt is present: offline copies must be complete, fetching files by URL is not supported' }),
  'fetch-line-malformed': (a) => ({ zh: `fetch.txt 第 ${a.line} 行不是“网址 长度 路径”形式`, en: `fetch.txt line ${a.line} is not "URL LENGTH FILENAME"` }),
  'import-not-dangan': (a) => ({ zh: `bag-info.txt 中 Dangan-OCFL-Id ${a.zh}`, en: `Dangan-OCFL-Id in bag-info.txt ${a.en}` }),
  'import-not-ocfl': (a) => ({ zh: `data/ 不是完整的 OCFL 对象：${a.zh}`, en: `data/ is not a complete OCFL object: ${a.en}` }),
  'import-id-mismatch': (a) => ({ zh: `data/inventory.json 的 id ${q(a.actual)} 与 Dangan-OCFL-Id ${q(a.expected)} 不同`, en: `data/inventory.json has id ${q(a.actual)}, not the Dangan-OCFL-Id ${q(a.expected)}` }),
  'import-conflict': (a) => ({ zh: `对象 ${a.id} 已存在于 ${a.where}，但${a.zh}；未写入任何内容`, en: `object ${a.id} already exists in ${a.where} but ${a.en}; nothing was written` }),
  'import-no-strong-digest': () => ({ zh: '包中没有 SHA-256、SHA-512 或 SM3 载荷清单，无法让存储核对写入的字节', en: 'the bag has no SHA-256, SHA-512 or SM3 payload manifest the storage could check the bytes against' }),
};

export function problem(code: BagProblemCode, path: string | undefined, args: Args = {}): BagProblem {
  const p: BagProblem = { code, message: TEXT[code]({ path, ...args }) };
  if (path !== undefined) p.path = path;
  return p;
}

/** Collects errors and warnings while a bag is read. */
export class Problems {
  readonly errors: BagProblem[] = [];
  readonly warnings: BagProblem[] = [];
  error(code: BagProblemCode, path?: string, args?: Args): void {
    this.errors.push(problem(code, path, args));
  }
  warn(code: BagProblemCode, path?: string, args?: Args): void {
    this.warnings.push(problem(code, path, args));
  }
  /** An error in BagIt 1.0 bags, a warning in older ones (rules that 1.0 made strict). */
  strictIn(v1: boolean, code: BagProblemCode, path?: string, args?: Args): void {
    if (v1) this.error(code, path, args);
    else this.warn(code, path, args);
  }
}
