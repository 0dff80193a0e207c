/**
 * A bounded, XXE-safe loader for package metadata XML. No XML parser is a declared dependency yet,
 * so this is the safety layer that must run before any parser: it bounds the size, decodes the
 * declared encoding (UTF-8, GB18030, GBK, GB2312 — DA/T 93), and scans the markup once, refusing
 * any DOCTYPE that declares entities or names an external DTD (this stops XXE and "billion laughs"),
 * any entity reference other than the five predefined ones and character references, and nesting
 * deeper than the limit. The returned text can then be given to a parser with entity processing off.
 */
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import { unpackError } from './errors.ts';
import { decodeUtf8Strict } from './names.ts';

export type XmlLimits = { maxBytes: number; maxDepth: number };
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({ maxBytes: 32 * 1024 * 1024, maxDepth: 256 });
export type LoadedXml = { text: string; encoding: 'utf-8' | 'gb18030'; declaredEncoding?: string; root?: string };

/** Reads a file (or a stream such as a package entry) into bytes, refusing more than `maxBytes`. */
async function readBounded(source: string | AsyncIterable<Buffer>, maxBytes: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const it = typeof source === 'string' ? createReadStream(source) : source;
  for await (const c of it as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > maxBytes) {
      if ('destroy' in it && typeof it.destroy === 'function') it.destroy();
      throw unpackError('xml-too-large', name, `XML 超过 ${maxBytes} 字节上限`, `the XML is larger than ${maxBytes} bytes`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

function decode(bytes: Buffer, name: string): { text: string; encoding: LoadedXml['encoding']; declared?: string } {
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  else if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    throw unpackError('xml-encoding-unsupported', name, '不支持 UTF-16 编码的 XML（应为 UTF-8 或 GB18030）', 'UTF-16 XML is not accepted (use UTF-8 or GB18030)');
  }
  const head = body.subarray(0, 200).toString('latin1');
  const m = /^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  const declared = m?.[1];
  const enc = (declared ?? 'utf-8').toLowerCase();
  if (enc === 'utf-8' || enc === 'utf8') {
    const text = decodeUtf8Strict(body);
    if (text === undefined) throw unpackError('xml-encoding-invalid', name, 'XML 声明为 UTF-8，但内容不是有效的 UTF-8', 'the XML declares UTF-8 but is not valid UTF-8');
    return { text, encoding: 'utf-8', ...(declared ? { declared } : {}) };
  }
  if (['gb18030', 'gbk', 'gb2312', 'cp936', 'gb_2312-80', 'euc-cn'].includes(enc)) {
    const text = iconv.decode(body, 'gb18030');
    if (text.includes('\uFFFD')) throw unpackError('xml-encoding-invalid', name, `XML 声明为 ${declared}，但含无效字节`, `the XML declares ${declared} but contains invalid bytes`);
    return { text, encoding: 'gb18030', ...(declared ? { declared } : {}) };
  }
  throw unpackError('xml-encoding-unsupported', name, `不支持的编码 ${declared}（应为 UTF-8、GB18030 或 GB2312）`, `encoding ${declared} is not accepted (use UTF-8, GB18030 or GB2312)`);
}

const PREDEFINED = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

function checkRefs(text: string, name: string): void {
  for (const m of text.matchAll(/&([^;\s<&]*);?/g)) {
    const ref = m[1] ?? '';
    if (!m[0].endsWith(';')) throw unpackError('xml-malformed', name, '“&”未转义', 'an unescaped "&"');
    if (PREDEFINED.has(ref) || /^#(\d+|x[0-9A-Fa-f]+)$/.test(ref)) continue;
    throw unpackError('xml-entity-undefined', name, `引用了未定义的实体“&${ref};”`, `a reference to the undeclared entity "&${ref};"`);
  }
}

/** The single pass over the markup: DOCTYPE rules, entity references, nesting depth, root name. */
export function scanXml(text: string, name: string, maxDepth: number): { root?: string } {
  let depth = 0;
  let root: string | undefined;
  let i = 0;
  const n = text.length;
  const until = (s: string, from: number, what: string): number => {
    const j = text.indexOf(s, from);
    if (j === -1) throw unpackError('xml-malformed', name, `${what}未结束`, `an unterminated ${what}`);
    return j;
  };
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      checkRefs(text.slice(i), name);
      break;
    }
    checkRefs(text.slice(i, lt), name);
    if (text.startsWith('<!--', lt)) i = until('-->', lt + 4, 'comment') + 3;
    else if (text.startsWith('<![CDATA[', lt)) i = until(']]>', lt + 9, 'CDATA section') + 3;
    else if (text.startsWith('<?', lt)) i = until('?>', lt + 2, 'processing instruction') + 2;
    else if (/^<!DOCTYPE/i.test(text.slice(lt, lt + 9))) {
      const bracket = text.indexOf('[', lt);
      const close = text.indexOf('>', lt);
      if (close === -1) throw unpackError('xml-malformed', name, 'DOCTYPE 未结束', 'an unterminated DOCTYPE');
      const hasSubset = bracket !== -1 && bracket < close;
      const end = hasSubset ? until(']', bracket, 'DOCTYPE') : close;
      const decl = text.slice(lt, end + 1);
      if (/<!ENTITY/i.test(decl)) throw unpackError('xml-entity-declared', name, 'DOCTYPE 声明了实体（XXE 或“十亿笑声”攻击），拒绝处理', 'the DOCTYPE declares entities (an XXE or "billion laughs" attack); refused');
      const ext = hasSubset ? text.slice(lt, bracket) : decl;
      if (/\b(SYSTEM|PUBLIC)\b/.test(ext) || /<!(ELEMENT|ATTLIST|NOTATION)|%/i.test(decl)) {
        throw unpackError('xml-external-dtd', name, 'DOCTYPE 引用外部 DTD 或含参数实体/声明，拒绝处理', 'the DOCTYPE names an external DTD or carries declarations; refused');
      }
      i = text.indexOf('>', end) + 1;
      if (i === 0) throw unpackError('xml-malformed', name, 'DOCTYPE 未结束', 'an unterminated DOCTYPE');
    } else if (text.startsWith('<!', lt)) {
      throw unpackError(/^<!ENTITY/i.test(text.slice(lt, lt + 8)) ? 'xml-entity-declared' : 'xml-malformed', name, '文档中出现了声明', 'a declaration outside a DOCTYPE');
    } else {
      // A tag: skip quoted attribute values, which may contain '>'.
      let j = lt + 1;
      let quote = '';
      for (; j < n; j++) {
        const ch = text[j]!;
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') break;
      }
      if (j >= n) throw unpackError('xml-malformed', name, '标签未结束', 'an unterminated tag');
      const tag = text.slice(lt, j + 1);
      checkRefs(tag, name);
      if (tag.startsWith('</')) depth--;
      else if (!tag.endsWith('/>')) {
        depth++;
        root ??= /^<([^\s/>]+)/.exec(tag)?.[1];
        if (depth > maxDepth) throw unpackError('xml-too-deep', name, `元素嵌套超过 ${maxDepth} 层`, `elements are nested deeper than ${maxDepth} levels`);
      } else root ??= /^<([^\s/>]+)/.exec(tag)?.[1];
      if (depth < 0) throw unpackError('xml-malformed', name, '结束标签多于开始标签', 'more end tags than start tags');
      i = j + 1;
    }
  }
  return root === undefined ? {} : { root };
}

/**
 * Loads package metadata XML from a file path, a Buffer or a stream (e.g. `entry.open()`), safely.
 * `name` names the entry in messages.
 */
export async function loadXml(source: string | Buffer | AsyncIterable<Buffer>, options: Partial<XmlLimits> & { name?: string } = {}): Promise<LoadedXml> {
  const limits = { ...DEFAULT_XML_LIMITS, ...options };
  const name = options.name ?? (typeof source === 'string' ? source : 'XML');
  let bytes: Buffer;
  if (Buffer.isBuffer(source)) {
    if (source.length > limits.maxBytes) throw unpackError('xml-too-large', name, `XML 超过 ${limits.maxBytes} 字节上限`, `the XML is larger than ${limits.maxBytes} bytes`);
    bytes = source;
  } else bytes = await readBounded(source, limits.maxBytes, name);
  const { text, encoding, declared } = decode(bytes, name);
  const { root } = scanXml(text, name, limits.maxDepth);
  return { text, encoding, ...(declared ? { declaredEncoding: declared } : {}), ...(root ? { root } : {}) };
}
