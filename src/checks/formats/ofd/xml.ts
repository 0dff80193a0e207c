/**
 * OFD XML as a small ordered tree. Bytes go through the project's XXE-safe `loadXml` first (size, depth,
 * encoding, no DTD entities), then a well-formedness check (fast-xml-parser's validator), then a parse
 * that keeps document order (text extraction needs it) and drops namespace prefixes (vendors use `ofd:`
 * or a default namespace). The root's namespace URI is read from its start tag and reported separately.
 * Does not validate against the GB/T 33190 XSD.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { loadXml, UnpackError } from '../../../packages/index.ts';
import type { FormatProblem } from '../model.ts';
import { err, fromUnpack } from './problems.ts';

export type XNode = { name: string; attrs: Record<string, string>; children: XNode[]; text: string };

export type ParsedXml = { root: XNode; namespace?: string };

export const OFD_NS = 'http://www.ofdspec.org/2016';
export const OFD_NS_LEGACY = 'http://www.ofdspec.org';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

type Ordered = Record<string, unknown>;

function build(name: string, body: unknown, attrs: unknown): XNode {
  const node: XNode = { name, attrs: {}, children: [], text: '' };
  if (attrs && typeof attrs === 'object') {
    for (const [k, v] of Object.entries(attrs as Record<string, unknown>)) if (typeof v === 'string') node.attrs[k] = v;
  }
  if (Array.isArray(body)) {
    for (const item of body as Ordered[]) {
      for (const [k, v] of Object.entries(item)) {
        if (k === ':@') continue;
        if (k === '#text') node.text += String(v);
        else node.children.push(build(k, v, item[':@']));
      }
    }
  }
  return node;
}

const rootNs = (text: string): string | undefined => {
  // the first start tag that is not a declaration, PI or comment
  const m = /<([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?((?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/.exec(text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, ''));
  if (!m) return undefined;
  const prefix = m[2] !== undefined ? m[1] : undefined;
  const attrs = m[3] ?? '';
  const re = prefix ? new RegExp(`\\sxmlns:${prefix.replace(/[.-]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`) : /\sxmlns\s*=\s*(?:"([^"]*)"|'([^']*)')/;
  const n = re.exec(attrs);
  return n ? (n[1] ?? n[2]) : undefined;
};

/** Parses XML bytes of entry `name`; a problem instead of a throw. */
export async function parseXml(bytes: Buffer, name: string, maxBytes = 32 * 1024 * 1024): Promise<ParsedXml | FormatProblem> {
  let text: string;
  try {
    text = (await loadXml(bytes, { name, maxBytes })).text;
  } catch (e) {
    if (e instanceof UnpackError) return fromUnpack(e);
    throw e;
  }
  const v = XMLValidator.validate(text);
  if (v !== true) {
    return err('ofd-xml-malformed', `条目“${name}”：XML 格式错误（第 ${v.err.line} 行）：${v.err.msg}`, `entry ${JSON.stringify(name)}: malformed XML (line ${v.err.line}): ${v.err.msg}`);
  }
  let out: unknown;
  try {
    out = parser.parse(text);
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    return err('ofd-xml-malformed', `条目“${name}”：XML 解析失败：${m}`, `entry ${JSON.stringify(name)}: XML parse failed: ${m}`);
  }
  const top = build('#document', out, undefined);
  const root = top.children[0];
  if (!root) return err('ofd-xml-malformed', `条目“${name}”：XML 没有根元素`, `entry ${JSON.stringify(name)}: the XML has no root element`);
  const ns = rootNs(text);
  return { root, ...(ns !== undefined ? { namespace: ns } : {}) };
}

export const isProblem = (x: unknown): x is FormatProblem => typeof x === 'object' && x !== null && 'code' in x && 'severity' in x;

/** First child with this local name. */
export const child = (n: XNode | undefined, name: string): XNode | undefined => n?.children.find((c) => c.name === name);
export const kids = (n: XNode | undefined, name: string): XNode[] => (n ? n.children.filter((c) => c.name === name) : []);
/** Trimmed text of the first child with this name. */
export const childText = (n: XNode | undefined, name: string): string | undefined => {
  const c = child(n, name);
  if (!c) return undefined;
  const t = c.text.trim();
  return t === '' ? undefined : t;
};
/** Every descendant with this local name, in document order. */
export function descendants(n: XNode, name: string, out: XNode[] = []): XNode[] {
  for (const c of n.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}
