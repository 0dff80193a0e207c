/**
 * Shared helpers of the foreign-package readers: bilingual problems, safe XML (always `loadXml` first,
 * then fast-xml-parser with entity processing off), small accessors over the parsed tree, hashing of
 * package entries in one pass, and date normalisation.
 */
import { createHash, type Hash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { IncomingPackage, PackageProblem } from '../model.ts';
import { loadXml, UnpackError, type LoadedXml, type PackageEntry } from '../unpack/index.ts';

export type Problems = PackageProblem[];

export function problem(code: string, severity: PackageProblem['severity'], zh: string, en: string, path?: string): PackageProblem {
  return { code, severity, ...(path !== undefined ? { path } : {}), message: { zh, en } };
}

export const err = (code: string, zh: string, en: string, path?: string): PackageProblem => problem(code, 'error', zh, en, path);
export const warn = (code: string, zh: string, en: string, path?: string): PackageProblem => problem(code, 'warning', zh, en, path);

/** An UnpackError (unsafe name, bomb, bad XML…) as a model problem; anything else is rethrown. */
export function fromUnpack(e: unknown, path?: string): PackageProblem {
  if (e instanceof UnpackError) {
    const where = e.entry ?? path;
    return { code: `unpack-${e.code}`, severity: 'error', ...(where !== undefined ? { path: where } : {}), message: e.bilingual };
  }
  throw e;
}

export function emptyPackage(format: IncomingPackage['source']['format'], path: string, version?: string): IncomingPackage {
  return { source: { format, path, ...(version ? { version } : {}) }, units: [], volumes: [], records: [], unclaimed: [], problems: [] };
}

/** A parsed XML element: attributes as '@name' (namespace prefixes removed), text as '#text'. */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

/** Decodes the five predefined entities and character references (loadXml refused every other one). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9A-Fa-f]+);/g, (_m, r: string) => {
    if (r === 'lt') return '<';
    if (r === 'gt') return '>';
    if (r === 'amp') return '&';
    if (r === 'quot') return '"';
    if (r === 'apos') return "'";
    const cp = r.startsWith('#x') ? parseInt(r.slice(2), 16) : parseInt(r.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
  });
}

export type ParsedXml = { loaded: LoadedXml; doc: XmlNode };

/**
 * loadXml (bounded, XXE-safe, decoded) then a well-formedness check and the parse. Throws UnpackError
 * (use `fromUnpack`) for anything unsafe or malformed.
 */
export async function parseXml(source: string | Buffer | AsyncIterable<Buffer>, name: string, maxBytes?: number): Promise<ParsedXml> {
  const loaded = await loadXml(source, { name, ...(maxBytes ? { maxBytes } : {}) });
  return { loaded, doc: parseLoaded(loaded.text, name) };
}

export function parseLoaded(text: string, name: string): XmlNode {
  const v = XMLValidator.validate(text);
  if (v !== true) {
    throw new UnpackError('xml-malformed', { zh: `条目“${name}”：XML 格式错误（第 ${v.err.line} 行）：${v.err.msg}`, en: `entry ${JSON.stringify(name)}: malformed XML (line ${v.err.line}): ${v.err.msg}` }, name);
  }
  return parser.parse(text) as XmlNode;
}

const isNode = (v: XmlValue | undefined): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The child elements called `name` (always an array; text-only children become `{ '#text' }`). */
export function kids(node: XmlValue | undefined, name: string): XmlNode[] {
  if (!isNode(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (isNode(x) ? x : { '#text': typeof x === 'string' ? x : '' }));
}

export const kid = (node: XmlValue | undefined, name: string): XmlNode | undefined => kids(node, name)[0];

/** An attribute's decoded value (prefix removed: `xlink:href` is `href`). */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@${name}`];
  return typeof v === 'string' ? decodeEntities(v) : undefined;
}

/** The element's own decoded, trimmed text ('' when empty). */
export function text(node: XmlNode | undefined): string {
  const t = node?.['#text'];
  if (typeof t === 'string') return decodeEntities(t).trim();
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string').map(decodeEntities).join('').trim();
  return '';
}

/** Text of the first child called `name`, undefined when absent or empty. */
export function childText(node: XmlNode | undefined, name: string): string | undefined {
  const t = text(kid(node, name));
  return t === '' ? undefined : t;
}

/** The root element of a parsed document: its local name and node. */
export function rootOf(doc: XmlNode): { name: string; node: XmlNode } | undefined {
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('@') && !k.startsWith('#') && !k.startsWith('?')) return { name: k, node: kids(doc, k)[0] ?? { '#text': String(v) } };
  return undefined;
}

/** Normalises 2022-03-05, 2022.3.5, 20220305, 2022年3月5日, 2022-03-05T… or an ISO range to YYYY-MM-DD. */
export function normalizeDate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const s = raw.trim();
  let m = /^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})(?!\d)/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dt = new Date(Date.UTC(y, mo - 1, d));
    if (dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d) return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return undefined;
  }
  m = /^(\d{4})(?:[-/]\d{4})?$/.exec(s);
  return m ? `${m[1]}-01-01` : undefined;
}

export type Variant = { digest: string; size: number };
export type EntryDigests = {
  size: number; sha256: string; sha512: string; sm3: string; extra: Record<string, string>; bytes?: Buffer;
  /** the digest and size the bytes would have with LF → CRLF and with CRLF → LF (only when asked) */
  variants?: { crlf: Variant; lf: Variant };
  variantAlg?: string;
};

/** Line-ending conversion of a stream, chunk by chunk (a CR at a chunk's end waits for the next one). */
class LineEndings {
  private lastCr = false;
  readonly size = { crlf: 0, lf: 0 };
  constructor(readonly crlf: Hash, readonly lf: Hash) {}
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const outC: Buffer[] = [];
    const outL: Buffer[] = [];
    if (this.lastCr && chunk[0] !== 0x0a) outL.push(CR);
    let sC = 0;
    let sL = 0;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) {
      const prevCr = i > 0 ? chunk[i - 1] === 0x0d : this.lastCr;
      if (!prevCr) {
        outC.push(chunk.subarray(sC, i), CR);
        sC = i;
      } else if (i > 0) {
        outL.push(chunk.subarray(sL, i - 1));
        sL = i;
      }
    }
    this.lastCr = chunk[chunk.length - 1] === 0x0d;
    outC.push(chunk.subarray(sC));
    outL.push(chunk.subarray(sL, this.lastCr ? chunk.length - 1 : chunk.length));
    for (const c of outC) this.put('crlf', c);
    for (const c of outL) this.put('lf', c);
  }
  finish(): { crlf: Variant; lf: Variant } {
    if (this.lastCr) this.put('lf', CR);
    return { crlf: { digest: this.crlf.digest('hex'), size: this.size.crlf }, lf: { digest: this.lf.digest('hex'), size: this.size.lf } };
  }
  private put(k: 'crlf' | 'lf', c: Buffer): void {
    this[k].update(c);
    this.size[k] += c.length;
  }
}
const CR = Buffer.from([0x0d]);

/**
 * Reads an entry once: SHA-256/SHA-512/SM3 always (the reader's own hasher), other Node hash
 * algorithms (md5, sha1, sha384) only when asked; keeps the bytes when the entry is at most `keep`
 * bytes; with `lineEndings` (a hash name) also hashes the LF→CRLF and CRLF→LF forms, to explain a
 * mismatch caused by a transfer tool that converted line endings.
 */
export async function hashEntry(entry: PackageEntry, extra: Iterable<string> = [], keep = 0, lineEndings?: string): Promise<EntryDigests> {
  const s = entry.open({ digest: true });
  const hashes: [string, Hash][] = [...new Set(extra)].map((a) => [a, createHash(a)]);
  const chunks: Buffer[] | undefined = entry.size <= keep ? [] : undefined;
  const le = lineEndings ? new LineEndings(createHash(lineEndings), createHash(lineEndings)) : undefined;
  for await (const chunk of s as AsyncIterable<Buffer>) {
    for (const [, h] of hashes) h.update(chunk);
    chunks?.push(chunk);
    le?.feed(chunk);
  }
  const d = s.digests();
  const out: EntryDigests = { size: d.size, sha256: d.sha256, sha512: d.sha512, sm3: d.sm3, extra: {} };
  for (const [a, h] of hashes) out.extra[a] = h.digest('hex');
  if (chunks) out.bytes = Buffer.concat(chunks);
  if (le) {
    out.variants = le.finish();
    out.variantAlg = lineEndings;
  }
  return out;
}

/** Reads an entry fully into memory (only for small metadata files; bounded by `max`). */
export async function readEntryBytes(entry: PackageEntry, max: number): Promise<Buffer> {
  if (entry.size > max) throw new UnpackError('xml-too-large', { zh: `条目“${entry.path}”超过 ${max} 字节`, en: `entry ${JSON.stringify(entry.path)} is larger than ${max} bytes` }, entry.path);
  const chunks: Buffer[] = [];
  for await (const c of entry.open() as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

export const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
export const dirnameOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
