/**
 * IFC (ISO 10303-21 STEP physical file) inspector, streaming: the file is read in chunks and cut into
 * statements at ';' outside strings and comments, so memory is bounded by the longest statement kept
 * (header statements up to 1 MiB; data statements keep only their first bytes).
 *
 * Does: the STEP envelope (ISO-10303-21; HEADER; FILE_DESCRIPTION/FILE_NAME/FILE_SCHEMA; ENDSEC; DATA;
 * ENDSEC; END-ISO-10303-21;) — a missing end means a truncated file, ok:false; HEADER values (file name,
 * timestamp, description, originating system, preprocessor; \X2\ \X\ escapes decoded); the schema identifier
 * against the official list (buildingSMART rule IFC101: IFC2X3, IFC4, IFC4X3_ADD2); entity instance count;
 * IfcProject instances (rules PJS000 "a project exists" and PJS101 "exactly one project").
 * Rule findings (IFC101, PJS101) are warnings: `ok` means the file parses as STEP/IFC.
 *
 * Does not: check entity attributes against the EXPRESS schema, references (#n) resolution, duplicate ids,
 * deprecated entities (IFC102), spatial structure (SPS001/SPS002), owner history (VER000), classification
 * (CLS000), geometry. Never throws.
 */
import { createReadStream } from 'node:fs';
import type { FormatProblem, InspectionBase } from '../model.ts';

/** IFC101: the only official schema identifiers (buildingSMART validation service). */
export const OFFICIAL_IFC_SCHEMAS: readonly string[] = ['IFC2X3', 'IFC4', 'IFC4X3_ADD2'];

export type IfcInspection = InspectionBase & {
  /** FILE_SCHEMA identifier as written (upper-cased), e.g. 'IFC4X3_ADD2' */
  schema?: string;
  /** schema is one of OFFICIAL_IFC_SCHEMAS (IFC101) */
  schemaKnown: boolean;
  fileName?: string;
  timestamp?: string;
  description?: string[];
  originatingSystem?: string;
  preprocessor?: string;
  /** an IfcProject instance exists (PJS000) */
  hasProject: boolean;
  /** IfcProject instances (PJS101 wants exactly 1) */
  projectCount: number;
  entityCount: number;
  /** the END-ISO-10303-21; terminator was reached */
  complete: boolean;
};

export type IfcOptions = { timeoutMs?: number; maxStatementBytes?: number };

const DEFAULTS = { timeoutMs: 120_000, maxStatementBytes: 1024 * 1024 };
const p = (code: string, severity: FormatProblem['severity'], zh: string, en: string): FormatProblem => ({ code, severity, message: { zh, en } });

/** Decodes a STEP string's escapes: '' → ', \X2\hhhh…\X0\ (UTF-16), \X4\…\X0\ (UTF-32), \X\hh (ISO 8859-1), \\ → \. */
export function decodeStepString(s: string): string {
  return s
    .replace(/''/g, "'")
    .replace(/\\X2\\((?:[0-9A-F]{4})*)\\X0\\/gi, (_, hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16))))
    .replace(/\\X4\\((?:[0-9A-F]{8})*)\\X0\\/gi, (_, hex: string) => String.fromCodePoint(...(hex.match(/.{8}/g) ?? []).map((h) => parseInt(h, 16))))
    .replace(/\\X\\([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\\\/g, '\\');
}

type Value = string | null | Value[];

/** Parses a STEP parameter list "( … )" into strings / nested lists / null ($, *, numbers, enums kept as text). */
function parseParams(text: string): Value[] | undefined {
  let i = text.indexOf('(');
  if (i < 0) return undefined;
  const stack: Value[][] = [];
  let cur: Value[] = [];
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(') {
      const next: Value[] = [];
      if (stack.length || cur.length) cur.push(next);
      stack.push(cur);
      cur = next;
    } else if (c === ')') {
      const parent = stack.pop();
      if (!parent) return undefined;
      if (stack.length === 0) return cur;
      cur = parent;
    } else if (c === "'") {
      let j = i + 1;
      let out = '';
      for (; j < text.length; j++) {
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            out += "''";
            j++;
          } else break;
        } else out += text[j];
      }
      cur.push(decodeStepString(out));
      i = j;
    } else if (c === '$' || c === '*') cur.push(null);
  }
  return undefined;
}

const str = (v: Value | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Inspects one IFC file (streamed). Never throws. */
export async function inspectIfc(path: string, options: IfcOptions = {}): Promise<IfcInspection> {
  const t0 = performance.now();
  const o = { ...DEFAULTS, ...options };
  const problems: FormatProblem[] = [];
  const r: IfcInspection = { ok: false, problems, schemaKnown: false, hasProject: false, projectCount: 0, entityCount: 0, complete: false };
  type Phase = 'start' | 'header' | 'between' | 'data' | 'end';
  let phase: Phase = 'start';
  const headerSeen = new Set<string>();
  let badInstances = 0;
  let trailing = false;
  let dataSections = 0;

  const statement = (raw: string) => {
    const s = raw.trim();
    if (!s) return;
    switch (phase) {
      case 'start':
        if (s !== 'ISO-10303-21') throw new StepError('step-header-missing', `the file does not start with ISO-10303-21; (found "${s.slice(0, 40)}")`);
        phase = 'header';
        return;
      case 'header': {
        if (s === 'HEADER') return;
        if (s === 'ENDSEC') {
          phase = 'between';
          return;
        }
        const name = /^([A-Z_][A-Z0-9_]*)\s*\(/i.exec(s)?.[1]?.toUpperCase();
        if (!name) throw new StepError('step-syntax', `an invalid HEADER statement: "${s.slice(0, 60)}"`);
        headerSeen.add(name);
        const params = parseParams(s);
        if (name === 'FILE_SCHEMA') {
          const list = params?.[0];
          const schema = Array.isArray(list) ? str(list[0]) : undefined;
          if (schema !== undefined) r.schema = schema.trim().toUpperCase();
          if (Array.isArray(list) && list.length > 1) problems.push(p('ifc-schema-multiple', 'warning', 'FILE_SCHEMA 列出了多个模式', 'FILE_SCHEMA lists more than one schema'));
        } else if (name === 'FILE_NAME' && params) {
          const [fileName, timestamp, , , preprocessor, originating] = params;
          if (str(fileName) !== undefined) r.fileName = str(fileName)!;
          if (str(timestamp) !== undefined) r.timestamp = str(timestamp)!;
          if (str(preprocessor)) r.preprocessor = str(preprocessor)!;
          if (str(originating)) r.originatingSystem = str(originating)!;
        } else if (name === 'FILE_DESCRIPTION' && params && Array.isArray(params[0])) {
          r.description = params[0].filter((x): x is string => typeof x === 'string');
        }
        return;
      }
      case 'between':
        if (/^DATA\b/.test(s)) {
          phase = 'data';
          dataSections++;
          return;
        }
        if (s === 'END-ISO-10303-21') {
          phase = 'end';
          r.complete = true;
          return;
        }
        if (/^ANCHOR\b|^REFERENCE\b|^SIGNATURE\b/.test(s) || s === 'ENDSEC') return; // edition 3 sections: tolerated
        throw new StepError('step-syntax', `unexpected statement between sections: "${s.slice(0, 60)}"`);
      case 'data': {
        if (s === 'ENDSEC') {
          phase = 'between';
          return;
        }
        const m = /^#(\d+)\s*=\s*([A-Z_][A-Z0-9_]*)?\s*\(/i.exec(s);
        if (!m) {
          badInstances++;
          if (badInstances <= 3) problems.push(p('step-instance-invalid', 'error', `DATA 段中的语句无效：“${s.slice(0, 60)}”`, `an invalid statement in DATA: "${s.slice(0, 60)}"`));
          return;
        }
        r.entityCount++;
        if (m[2] && m[2].toUpperCase() === 'IFCPROJECT') r.projectCount++;
        return;
      }
      case 'end':
        trailing = true;
    }
  };

  try {
    await new Promise<void>((resolvePromise, reject) => {
      const stream = createReadStream(path, { encoding: 'latin1', highWaterMark: 256 * 1024 });
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new StepError('timeout', `time limit of ${o.timeoutMs} ms reached`));
      }, o.timeoutMs);
      let buf = '';
      let kept = 0; // characters of the current statement kept (bounded)
      let inString = false;
      let inComment = false;
      let prev = '';
      stream.on('data', (chunk) => {
        try {
          const text = chunk as string;
          for (let i = 0; i < text.length; i++) {
            const c = text[i]!;
            if (inComment) {
              if (prev === '*' && c === '/') {
                inComment = false;
                prev = '';
                continue;
              }
              prev = c;
              continue;
            }
            if (inString) {
              if (c === "'") inString = false; // a doubled '' re-enters at once on the next quote
            } else if (c === "'") inString = true;
            else if (c === '*' && prev === '/') {
              inComment = true;
              buf = buf.slice(0, -1);
              kept = Math.max(0, kept - 1);
              prev = '';
              continue;
            } else if (c === ';') {
              statement(buf);
              buf = '';
              kept = 0;
              prev = c;
              continue;
            }
            if (kept < o.maxStatementBytes) {
              buf += c;
              kept++;
            } else if (phase === 'header' || phase === 'start') throw new StepError('step-statement-too-long', `a header statement longer than ${o.maxStatementBytes} bytes`);
            prev = c;
          }
        } catch (e) {
          clearTimeout(timer);
          stream.destroy();
          reject(e);
        }
      });
      stream.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      stream.on('end', () => {
        clearTimeout(timer);
        if (inString || inComment || buf.trim()) {
          problems.push(p('step-truncated', 'error', '文件在语句中间结束（文件被截断）', 'the file ends inside a statement (truncated)'));
        }
        resolvePromise();
      });
    });
  } catch (e) {
    const code = e instanceof StepError ? e.code : 'ifc-unreadable';
    problems.push(p(code, 'error', `IFC 文件无法读取或结构错误：${(e as Error).message}`, `the IFC file cannot be read or is malformed: ${(e as Error).message}`));
  }
  if (!problems.some((x) => x.code === 'ifc-unreadable' || x.code === 'step-header-missing' || x.code === 'timeout')) {
    for (const h of ['FILE_DESCRIPTION', 'FILE_NAME', 'FILE_SCHEMA']) {
      if (!headerSeen.has(h) && phase !== 'start') problems.push(p('step-header-entity-missing', 'error', `HEADER 缺少 ${h}`, `the HEADER has no ${h}`));
    }
    if (phase === 'start') problems.push(p('step-header-missing', 'error', '文件不是 STEP 文件（缺少 ISO-10303-21;）', 'not a STEP file (no ISO-10303-21;)'));
    if (!r.complete && !problems.some((x) => x.code === 'step-truncated')) problems.push(p('step-truncated', 'error', `缺少 END-ISO-10303-21;（文件不完整，停在 ${phase} 段）`, `no END-ISO-10303-21; (the file is incomplete; it stops in the ${phase} part)`));
    if (r.complete && dataSections === 0) problems.push(p('step-no-data', 'error', '文件没有 DATA 段', 'the file has no DATA section'));
  }
  if (badInstances > 3) problems.push(p('step-instance-invalid', 'error', `共 ${badInstances} 条无效实例语句`, `${badInstances} invalid instance statements in all`));
  if (trailing) problems.push(p('step-trailing-data', 'warning', 'END-ISO-10303-21; 之后还有内容', 'content after END-ISO-10303-21;'));
  if (r.schema !== undefined && !/^IFC/.test(r.schema)) problems.push(p('ifc-not-ifc-schema', 'error', `FILE_SCHEMA 为 ${r.schema}，不是 IFC`, `FILE_SCHEMA is ${r.schema}, not IFC`));
  r.schemaKnown = r.schema !== undefined && OFFICIAL_IFC_SCHEMAS.includes(r.schema);
  if (r.schema !== undefined && /^IFC/.test(r.schema) && !r.schemaKnown) {
    problems.push(p('ifc-schema-unofficial', 'warning', `IFC 模式标识 ${r.schema} 不是正式版本（应为 ${OFFICIAL_IFC_SCHEMAS.join('、')}）`, `IFC schema identifier ${r.schema} is not an official release (${OFFICIAL_IFC_SCHEMAS.join(', ')}) [IFC101]`));
  }
  if (r.complete && r.schema === undefined) problems.push(p('ifc-schema-missing', 'error', 'FILE_SCHEMA 没有模式标识', 'FILE_SCHEMA names no schema'));
  r.hasProject = r.projectCount > 0;
  if (r.complete && r.projectCount !== 1) {
    problems.push(p('ifc-project-count', 'warning', `IfcProject 实例数为 ${r.projectCount}（应恰好 1 个）`, `${r.projectCount} IfcProject instances (exactly 1 expected) [PJS101]`));
  }
  r.ok = !problems.some((x) => x.severity === 'error');
  r.ms = Math.round(performance.now() - t0);
  return r;
}

class StepError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
