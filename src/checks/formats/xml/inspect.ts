/**
 * XML inspector: size cap, safe load, well-formedness, root element, namespace, declared encoding, and —
 * when a schema is given — XSD validation with libxml2 (xmllint-wasm, in its own worker, in-memory files only).
 *
 * Safety: the file goes through `loadXml` first (bounded read, UTF-8/GB18030 decoding, a single scan that
 * refuses any DOCTYPE declaring entities or naming an external DTD), so no entity is ever expanded and
 * nothing outside the file is ever read (XXE / billion laughs). Schemas pass the same loader. libxml2 runs
 * in WASM with an in-memory file system and no network: imports that are URLs are resolved only to a file of
 * the same name next to the importing schema (a local catalogue); anything else stays unresolved.
 * GB18030/GBK/GB2312 documents are decoded and handed to libxml2 as UTF-8 (declaration rewritten).
 *
 * Does not: validate against DTDs, RELAX NG or Schematron; fetch anything; validate above `maxValidateBytes`
 * ('schema-not-run'); cancel the libxml2 worker on timeout (the result is abandoned, the worker ends by itself).
 * Never throws.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { loadXml } from '../../../packages/index.ts';
import type { FormatProblem, InspectionBase } from '../model.ts';
import { withTimeout } from '../deadline.ts';

export type XmlInspection = InspectionBase & {
  root?: string;
  /** the root element's namespace URI ('' when it has none) */
  namespace?: string;
  /** the encoding the bytes were decoded with */
  encoding?: 'utf-8' | 'gb18030';
  declaredEncoding?: string;
  /** 'unknown' when the file was refused before it could be parsed (too large, DOCTYPE with entities…) */
  wellFormed: boolean | 'unknown';
  /** undefined when no schema was given or validation did not run */
  schemaValid?: boolean;
  schemaErrors?: string[];
};

export type XmlOptions = {
  /** path of an XSD to validate against */
  schema?: string;
  /** refuse larger files (default 32 MiB) */
  maxBytes?: number;
  /** validate only documents up to this size (default 16 MiB); above it 'schema-not-run' */
  maxValidateBytes?: number;
  timeoutMs?: number;
};

const DEFAULTS = { maxBytes: 32 * 1024 * 1024, maxValidateBytes: 16 * 1024 * 1024, timeoutMs: 60_000 };
const MAX_SCHEMA_FILES = 200;
const MAX_SCHEMA_BYTES = 32 * 1024 * 1024;
const MAX_SCHEMA_ERRORS = 100;

const p = (code: string, severity: FormatProblem['severity'], zh: string, en: string): FormatProblem => ({ code, severity, message: { zh, en } });

/** Refusals that say nothing about well-formedness. */
const REFUSED = new Set(['xml-too-large', 'xml-too-deep', 'xml-entity-declared', 'xml-external-dtd', 'xml-encoding-unsupported']);

function rootNamespace(text: string, root: string): string {
  // The root start tag: the first '<root' followed by whitespace, '/' or '>' outside the prolog.
  const re = new RegExp(`<${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s/>])([^>]*)>`);
  const m = re.exec(text);
  const attrs = m?.[1] ?? '';
  const prefix = root.includes(':') ? root.slice(0, root.indexOf(':')) : '';
  const name = prefix ? `xmlns:${prefix}` : 'xmlns';
  const a = new RegExp(`(?:^|\\s)${name.replace(':', '\\:')}\\s*=\\s*(["'])(.*?)\\1`).exec(attrs);
  return a?.[2] ?? '';
}

type SchemaSet = { main: string; files: { fileName: string; contents: string }[]; unresolved: string[] };

/** Reads a schema and its local imports/includes, renaming each to a flat in-memory file name. */
async function loadSchemaSet(mainPath: string): Promise<SchemaSet> {
  const names = new Map<string, string>();
  const files: { fileName: string; contents: string }[] = [];
  const unresolved: string[] = [];
  let total = 0;
  const nameFor = (abs: string) => {
    let n = names.get(abs);
    if (!n) {
      n = `s${names.size}_${basename(abs).replace(/[^A-Za-z0-9._]/g, '_')}`;
      names.set(abs, n);
      queue.push(abs);
    }
    return n;
  };
  const queue: string[] = [];
  const main = nameFor(resolve(mainPath));
  for (let i = 0; i < queue.length; i++) {
    if (files.length >= MAX_SCHEMA_FILES) throw new Error(`more than ${MAX_SCHEMA_FILES} schema files`);
    const abs = queue[i]!;
    const loaded = await loadXml(abs, { maxBytes: MAX_SCHEMA_BYTES, name: basename(abs) });
    total += loaded.text.length;
    if (total > MAX_SCHEMA_BYTES) throw new Error(`schemas larger than ${MAX_SCHEMA_BYTES} bytes in total`);
    const dir = dirname(abs);
    const candidates: { loc: string; target: string | undefined }[] = [];
    for (const m of loaded.text.matchAll(/<(?:[\w.-]+:)?(?:import|include|redefine|override)\b[^>]*?\bschemaLocation\s*=\s*(["'])(.*?)\1/g)) {
      const loc = m[2]!;
      const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(loc);
      const target = isUrl ? join(dir, basename(new URL(loc).pathname)) : resolve(dir, loc);
      const exists = await stat(target).then((s) => s.isFile(), () => false);
      candidates.push({ loc, target: exists ? target : undefined });
    }
    let text = loaded.text.replace(/^<\?xml[^?]*\?>/, '<?xml version="1.0" encoding="UTF-8"?>');
    for (const c of candidates) {
      if (!c.target) {
        unresolved.push(c.loc);
        continue;
      }
      const flat = nameFor(c.target);
      text = text.split(`"${c.loc}"`).join(`"${flat}"`).split(`'${c.loc}'`).join(`'${flat}'`);
    }
    files.push({ fileName: names.get(abs)!, contents: text });
  }
  return { main, files, unresolved: [...new Set(unresolved)] };
}


/** Inspects one XML file; validates it against `schema` when given. Never throws. */
export async function inspectXml(path: string, options: XmlOptions = {}): Promise<XmlInspection> {
  const t0 = performance.now();
  const o = { ...DEFAULTS, ...options };
  const problems: FormatProblem[] = [];
  const done = (r: Omit<XmlInspection, 'ok' | 'problems' | 'ms'>): XmlInspection => ({
    ok: r.wellFormed === true && r.schemaValid !== false && !problems.some((x) => x.severity === 'error'),
    problems, ...r, ms: Math.round(performance.now() - t0),
  });
  let loaded;
  try {
    loaded = await loadXml(path, { maxBytes: o.maxBytes, name: basename(path) });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const bilingual = (e as { bilingual?: { zh: string; en: string } }).bilingual;
    if (typeof code === 'string' && bilingual) {
      problems.push({ code, severity: 'error', message: bilingual });
      return done({ wellFormed: REFUSED.has(code) ? 'unknown' : false });
    }
    problems.push(p('xml-unreadable', 'error', `无法读取 XML：${(e as Error).message}`, `cannot read the XML: ${(e as Error).message}`));
    return done({ wellFormed: 'unknown' });
  }
  const base: Omit<XmlInspection, 'ok' | 'problems' | 'ms' | 'wellFormed'> = { encoding: loaded.encoding };
  if (loaded.declaredEncoding) base.declaredEncoding = loaded.declaredEncoding;
  if (loaded.root) {
    base.root = loaded.root;
    base.namespace = rootNamespace(loaded.text, loaded.root);
  }
  const wf = XMLValidator.validate(loaded.text, { allowBooleanAttributes: false });
  if (wf !== true) {
    problems.push(p('xml-malformed', 'error', `XML 格式不正确（第 ${wf.err.line} 行第 ${wf.err.col} 列）：${wf.err.msg}`, `the XML is not well-formed (line ${wf.err.line}, column ${wf.err.col}): ${wf.err.msg}`));
    return done({ ...base, wellFormed: false });
  }
  if (!loaded.root) {
    problems.push(p('xml-no-root', 'error', 'XML 没有根元素', 'the XML has no root element'));
    return done({ ...base, wellFormed: false });
  }
  if (!o.schema) return done({ ...base, wellFormed: true });

  // Schema validation.
  const bytes = Buffer.byteLength(loaded.text, 'utf8');
  if (bytes > o.maxValidateBytes) {
    problems.push(p('schema-not-run', 'warning', `XML ${bytes} 字节，超过模式校验上限 ${o.maxValidateBytes} 字节，未校验`, `the XML (${bytes} bytes) exceeds the ${o.maxValidateBytes}-byte validation limit; not validated`));
    return done({ ...base, wellFormed: true });
  }
  let set: SchemaSet;
  try {
    set = await loadSchemaSet(o.schema);
  } catch (e) {
    problems.push(p('schema-unreadable', 'error', `无法读取 XML 模式：${(e as Error).message}`, `cannot read the XML Schema: ${(e as Error).message}`));
    return done({ ...base, wellFormed: true });
  }
  if (set.unresolved.length) {
    problems.push(p('schema-import-unresolved', 'warning', `模式引用的文件不在本地：${set.unresolved.join('、')}`, `schema imports not available locally: ${set.unresolved.join(', ')}`));
  }
  const xmlText = loaded.text.replace(/^<\?xml[^?]*\?>/, '<?xml version="1.0" encoding="UTF-8"?>');
  const [mainFile, ...rest] = [set.files.find((f) => f.fileName === set.main)!, ...set.files.filter((f) => f.fileName !== set.main)];
  try {
    const r = await withTimeout(validateXML({
      xml: { fileName: 'document.xml', contents: xmlText },
      schema: mainFile,
      preload: rest,
      initialMemoryPages: 256,
      maxMemoryPages: Math.min(65_536, 16 * 512), // 512 MiB
    }), Math.max(1, o.timeoutMs - (performance.now() - t0)));
    const errors = r.errors.slice(0, MAX_SCHEMA_ERRORS).map((x) => (x.loc ? `line ${x.loc.lineNumber}: ${x.message}` : x.message));
    if (!r.valid) problems.push(p('schema-invalid', 'error', `XML 不符合模式（${r.errors.length} 处错误）`, `the XML does not conform to the schema (${r.errors.length} errors)`));
    return done({ ...base, wellFormed: true, schemaValid: r.valid, ...(r.valid ? {} : { schemaErrors: errors }) });
  } catch (e) {
    const msg = (e as Error).message.split('\n').filter(Boolean).slice(0, 5).join('; ');
    const timeout = /time limit/.test(msg);
    problems.push(p(timeout ? 'schema-timeout' : 'schema-not-run', 'error', `模式校验未完成：${msg}`, `schema validation did not complete: ${msg}`));
    return done({ ...base, wellFormed: true });
  }
}
