/**
 * DA/T 48-2009 EEP (电子文件封装包): one XML file holding the DA/T 46 metadata of one record and its
 * documents as Base64 (文件数据/文档/文档数据/编码/编码数据). The whole XML is loaded (through loadXml,
 * capped at EEP_MAX_BYTES) but the Base64 text is cut out before parsing and decoded one embedded file
 * at a time, in 1 MiB windows, hashed and (optionally) written to `extractTo`. Signatures are reported
 * as present and not verified (the checks verify them). Element tree: digest §6.1 (🟡).
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MultiDigest } from '../../preservation/content-store.ts';
import type { IncomingFile, IncomingPackage, IncomingRecord, IncomingVolume, PackageProblem } from '../model.ts';
import { checkEntryPath, loadXml, resolveLimits } from '../unpack/index.ts';
import { childText, emptyPackage, err, fromUnpack, kid, kids, normalizeDate, parseLoaded, rootOf, text, warn, type XmlNode } from './common.ts';
import { classificationOf, retentionOf } from './vocab.ts';

export const EEP_NAMESPACE = 'http://www.saac.gov.cn/standards/ERM/encapsulation';
export const EEP_MAX_BYTES = 256 * 1024 * 1024;
export const EEP_ROOTS = ['电子文件封装包', '封装包'];
export type EepOptions = { /** write the decoded documents below this directory, at their model paths */ extractTo?: string; maxBytes?: number };
export type EmbeddedDigest = { path: string; size: number; sha256: string; sha512: string; sm3: string };

const WINDOW = 1 << 20;

/** Cuts every 编码数据 body out of the text (kept as offsets), so the parser never holds the Base64. */
function cutPayloads(text: string): { reduced: string; spans: [number, number][] } {
  const spans: [number, number][] = [];
  const parts: string[] = [];
  const open = /<([\w.-]+:)?编码数据(\s[^>]*)?>/g;
  let last = 0;
  for (let m = open.exec(text); m; m = open.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf(`</${m[1] ?? ''}编码数据>`, start);
    if (end === -1) break;
    parts.push(text.slice(last, start), `EEP-PAYLOAD-${spans.length}`);
    spans.push([start, end]);
    last = end;
    open.lastIndex = end;
  }
  parts.push(text.slice(last));
  return { reduced: parts.join(''), spans };
}

/** Decodes one Base64 span window by window; false when it is not valid Base64. */
async function decodeSpan(text: string, [start, end]: [number, number], sink: (b: Buffer) => Promise<void>): Promise<boolean> {
  let carry = '';
  let padded = false;
  for (let i = start; i < end; i += WINDOW) {
    const part = text.slice(i, Math.min(end, i + WINDOW)).replace(/\s+/g, '');
    if (part === '') continue;
    const chunk = carry + part;
    if (padded || !/^[A-Za-z0-9+/]*={0,2}$/.test(chunk)) return false;
    padded = chunk.endsWith('=');
    const usable = chunk.length - (chunk.length % 4);
    if (usable > 0) await sink(Buffer.from(chunk.slice(0, usable), 'base64'));
    carry = chunk.slice(usable);
  }
  return carry === '';
}

const first = (node: XmlNode | undefined, ...names: string[]): XmlNode | undefined => names.map((n) => kid(node, n)).find((x) => x !== undefined);

/** Reads a DA/T 48 EEP file into the model. */
export async function readEep(path: string, options: EepOptions = {}): Promise<IncomingPackage> {
  const pkg = emptyPackage('eep', path);
  const P: PackageProblem[] = pkg.problems;
  let text: string;
  let doc: XmlNode;
  let spans: [number, number][];
  try {
    text = (await loadXml(path, { maxBytes: options.maxBytes ?? EEP_MAX_BYTES, name: path })).text;
    const cut = cutPayloads(text);
    spans = cut.spans;
    doc = parseLoaded(cut.reduced, path);
  } catch (e) {
    P.push(fromUnpack(e, path));
    return pkg;
  }
  const root = rootOf(doc);
  if (!root || !EEP_ROOTS.includes(root.name)) {
    P.push(err('eep-root-invalid', `根元素“${root?.name ?? ''}”不是 电子文件封装包`, `the root element ${JSON.stringify(root?.name ?? '')} is not 电子文件封装包`));
    return pkg;
  }
  if (!text.slice(0, 4096).includes(EEP_NAMESPACE)) P.push(warn('eep-namespace-missing', `未声明 DA/T 48 命名空间 ${EEP_NAMESPACE}`, `the DA/T 48 namespace ${EEP_NAMESPACE} is not declared`));
  const signed = kid(root.node, '被签名对象');
  const version = childText(root.node, '版本');
  pkg.source.version = version ?? '';
  if (version !== '2009') P.push(warn('eep-version', `版本为“${version ?? ''}”，DA/T 48-2009 规定为 2009`, `版本 is ${JSON.stringify(version ?? '')}; DA/T 48-2009 requires 2009`));
  if (!signed) {
    P.push(err('eep-signed-object-missing', '缺少 被签名对象', 'there is no 被签名对象'));
    return pkg;
  }
  const type = childText(signed, '封装包类型');
  let content = kid(signed, '封装内容');
  if (type === '修改型' || (!content && kid(signed, '修改封装内容'))) {
    content = kid(kid(signed, '修改封装内容'), '修订内容');
    P.push(warn('eep-modified', '修改型封装包：只读取最新的修订内容，未读取原封装包各层', 'a modified EEP: only the latest 修订内容 was read, not the wrapped original layers'));
  }
  const entity = kid(kid(content, '文件实体块'), '文件实体');
  if (!entity) {
    P.push(err('eep-entity-missing', '缺少 文件实体块/文件实体', 'there is no 文件实体块/文件实体'));
    return pkg;
  }
  for (const sig of ['电子签名块', '锁定签名']) {
    const n = sig === '电子签名块' ? kids(kid(root.node, sig), '电子签名').length : kids(root.node, sig).length;
    if (n > 0) P.push(warn('eep-signature-not-verified', `有 ${n} 个${sig === '电子签名块' ? '电子签名' : '锁定签名'}，读取时未验证（由检测环节验证）`, `${n} ${sig === '电子签名块' ? 'signature(s)' : 'lock signature(s)'} present, not verified here (the checks verify them)`));
  }
  mapEntity(pkg, entity);
  await embedded(pkg, entity, text, spans, options);
  return pkg;
}

function mapEntity(pkg: IncomingPackage, e: XmlNode): void {
  const code = kid(e, '档号');
  const desc = kid(e, '内容描述');
  const codeParts = ['全宗号', '目录号', '年度', '保管期限', '机构或问题', '室编案卷号', '室编件号'].map((n) => childText(code, n)).filter((x): x is string => !!x);
  const volumeCode = ['全宗号', '目录号', '年度', '保管期限', '机构或问题', '室编案卷号'].map((n) => childText(code, n)).filter(Boolean).join('-');
  const retention = retentionOf(childText(code, '保管期限'), pkg.problems, '档号/保管期限');
  const classification = classificationOf(childText(desc, '密级'), pkg.problems, '内容描述/密级');
  const title = childText(desc, '题名');
  if (!title) pkg.problems.push(err('eep-title-missing', '内容描述 中缺少 题名', '内容描述 has no 题名'));
  const year = Number(childText(code, '年度'));
  const volume: IncomingVolume = { key: 'eep', title: title ?? '', ...(childText(code, '室编案卷号') ? { archivalCode: volumeCode } : {}), ...(Number.isInteger(year) && year > 0 ? { year } : {}), ...(retention ? { retention } : {}), ...(classification ? { classification } : {}) };
  pkg.volumes.push(volume);
  const unit = childText(kid(e, '来源'), '立档单位名称');
  if (unit) pkg.submitter = { name: unit };
  const rawDate = childText(desc, '日期');
  const date = normalizeDate(rawDate);
  if (rawDate && !date) pkg.problems.push(warn('eep-date-invalid', `日期“${rawDate}”无法识别`, `date ${JSON.stringify(rawDate)} is not recognised`));
  const pages = Number(childText(kid(e, '形式特征'), '页数'));
  const record: IncomingRecord = { key: childText(e, '电子文件号') ?? (codeParts.join('-') || 'eep'), volumeKey: 'eep', seq: Number(childText(code, '室编件号')) || 1, title: title ?? '', files: [] };
  const opt: [keyof IncomingRecord, string | number | undefined][] = [['author', childText(desc, '责任者')], ['date', date], ['docNumber', childText(desc, '文件编号')], ['pages', Number.isInteger(pages) && pages > 0 ? pages : undefined], ['remarks', kids(e, '附注').map((x) => text(x)).filter(Boolean).join('；') || undefined]];
  for (const [k, v] of opt) if (v !== undefined) Object.assign(record, { [k]: v });
  pkg.records.push(record);
}

async function embedded(pkg: IncomingPackage, e: XmlNode, text: string, spans: [number, number][], options: EepOptions): Promise<void> {
  const record = pkg.records[0]!;
  const data = first(e, '文件数据', '电子文件数据');
  const docs = kids(data, '文档');
  if (docs.length === 0) pkg.problems.push(err('eep-no-document', '文件数据 中没有 文档', '文件数据 holds no 文档'));
  const limits = resolveLimits();
  const digests: EmbeddedDigest[] = [];
  for (const [di, d] of docs.entries()) {
    const docId = childText(d, '文档标识符') ?? `文档${di + 1}`;
    for (const [ci, enc] of kids(d, '文档数据').flatMap((x) => kids(x, '编码')).entries()) {
      const props = kid(enc, '电子属性');
      const ext = childText(enc, '反编码关键字')?.replace(/^\./, '');
      const name = childText(props, '计算机文件名') ?? `${docId}-${ci + 1}${ext ? `.${ext}` : ''}`;
      let path: string;
      try {
        path = checkEntryPath(`${docId}/${name}`, limits).path;
      } catch (x) {
        pkg.problems.push(fromUnpack(x, name));
        continue;
      }
      const span = spans[Number(/^EEP-PAYLOAD-(\d+)$/.exec(childText(enc, '编码数据') ?? '')?.[1] ?? NaN)];
      if (!span) {
        pkg.problems.push(err('eep-data-missing', `“${path}”没有 编码数据`, `${JSON.stringify(path)} has no 编码数据`, path));
        continue;
      }
      const h = new MultiDigest();
      const target = options.extractTo ? join(options.extractTo, path) : undefined;
      if (target) await mkdir(dirname(target), { recursive: true });
      const fh = target ? await open(target, 'w') : undefined;
      let ok: boolean;
      try {
        ok = await decodeSpan(text, span, async (b) => {
          h.feed(b);
          if (fh) await fh.write(b);
        });
      } finally {
        await fh?.close();
      }
      if (!ok) pkg.problems.push(err('eep-base64-invalid', `“${path}”的 编码数据 不是有效的 Base64`, `the 编码数据 of ${JSON.stringify(path)} is not valid Base64`, path));
      const declaredSize = Number(childText(props, '计算机文件大小'));
      if (ok && childText(props, '计算机文件大小') !== undefined && declaredSize !== h.size) {
        pkg.problems.push(err('eep-size-mismatch', `“${path}”解码后 ${h.size} 字节，计算机文件大小 声明 ${declaredSize}`, `${JSON.stringify(path)} decodes to ${h.size} bytes, 计算机文件大小 declares ${declaredSize}`, path));
      }
      const file: IncomingFile = { path, size: h.size, declared: {}, ...(childText(props, '格式信息') ? { format: childText(props, '格式信息')! } : {}) };
      record.files.push(file);
      digests.push({ path, size: h.size, ...h.digests() });
    }
  }
  eepDigests.set(pkg, digests);
}

/** The digests of the decoded embedded files (EEP declares none), for the package `readEep` returned. */
export const eepDigests = new WeakMap<IncomingPackage, EmbeddedDigest[]>();
