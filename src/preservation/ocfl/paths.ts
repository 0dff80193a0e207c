/**
 * Path and version-name rules of OCFL 1.1 (§3.3, §3.5.2, §3.5.3.1), plus Dangan's local rules for
 * logical paths: NFC only, no backslash and no control characters (so that a logical path can also be
 * a storage key on every backend and a file name on every filesystem). Pure functions.
 */

export const INVENTORY_TYPE = 'https://ocfl.io/1.1/spec/#inventory';
export const DEFAULT_CONTENT_DIRECTORY = 'content';

export type Severity = 'error' | 'warning';
/** What a finding is about: a broken rule (invalid), or a file that is missing, corrupted or unexpected. */
export type FindingKind = 'invalid' | 'missing' | 'corrupted' | 'unexpected';
/** `code` is the OCFL 1.1 validation code (E001…, W001…) or a Dangan rule (DANGAN-…). */
export type Finding = { code: string; severity: Severity; kind: FindingKind; message: string; path?: string };

export class OcflError extends Error {
  constructor(message: string, readonly findings: readonly Finding[] = []) {
    super(findings.length ? `${message}: ${findings.map((f) => `[${f.code}] ${f.message}`).join('; ')}` : message);
    this.name = 'OcflError';
  }
}

export function finding(code: string, message: string, path?: string, kind: FindingKind = 'invalid'): Finding {
  return { code, severity: code.startsWith('W') ? 'warning' : 'error', kind, message, ...(path === undefined ? {} : { path }) };
}

/** `v1`, `v2`, … : Dangan never zero-pads (W001). */
export function versionName(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`invalid version number ${n}`);
  return `v${n}`;
}

/** The number of a version directory name, accepting the zero-padded form (`v002`); undefined if not one. */
export function versionNumber(name: string): number | undefined {
  const m = /^v(\d+)$/.exec(name);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

const MAX_PATH = 900; // leaves room for "<object root>/vN/content/" within a 1024-character storage key

/** Every problem with one logical path (E052, E053 and the Dangan rules). */
export function logicalPathProblems(p: string): Finding[] {
  const out: Finding[] = [];
  if (p.length === 0) return [finding('E052', 'empty logical path', p)];
  if (p.startsWith('/') || p.endsWith('/')) out.push(finding('E053', `logical path begins or ends with "/": ${JSON.stringify(p)}`, p));
  const inner = p.replace(/^\/+|\/+$/g, '');
  if (inner.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    out.push(finding('E052', `logical path has a ".", ".." or empty element: ${JSON.stringify(p)}`, p));
  }
  if (p !== p.normalize('NFC')) out.push(finding('DANGAN-NFC', `logical path is not in Unicode NFC: ${JSON.stringify(p)}`, p));
  if (/[\\\u0000-\u001f\u007f]/.test(p)) out.push(finding('DANGAN-CHARS', `logical path has a backslash or a control character: ${JSON.stringify(p)}`, p));
  if (p.length > MAX_PATH) out.push(finding('DANGAN-LENGTH', `logical path longer than ${MAX_PATH} characters`, p));
  return out;
}

/** Every problem with one content path (E099, E100) — its version and content directory are checked by the caller. */
export function contentPathProblems(p: string): Finding[] {
  const out: Finding[] = [];
  if (p.length === 0) return [finding('E099', 'empty content path', p)];
  if (p.startsWith('/') || p.endsWith('/')) out.push(finding('E100', `content path begins or ends with "/": ${JSON.stringify(p)}`, p));
  if (p.replace(/^\/+|\/+$/g, '').split('/').some((s) => s === '' || s === '.' || s === '..')) {
    out.push(finding('E099', `content path has a ".", ".." or empty element: ${JSON.stringify(p)}`, p));
  }
  if (p.includes('\\')) out.push(finding('E035', `content path uses a backslash: ${JSON.stringify(p)}`, p));
  return out;
}

/**
 * Paths that are used both as a file and as a directory (`a` and `a/b`), and repeated paths.
 * Returns [path, the path it conflicts with] pairs.
 */
export function pathConflicts(paths: Iterable<string>): Array<{ path: string; conflictsWith: string; repeated: boolean }> {
  const seen = new Set<string>();
  const out: Array<{ path: string; conflictsWith: string; repeated: boolean }> = [];
  const all: string[] = [];
  for (const p of paths) {
    if (seen.has(p)) out.push({ path: p, conflictsWith: p, repeated: true });
    else all.push(p);
    seen.add(p);
  }
  for (const p of all) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (seen.has(dir)) out.push({ path: p, conflictsWith: dir, repeated: false });
    }
  }
  return out;
}

/** NFC-normalises a logical path given by a caller and refuses it if it breaks a rule. */
export function normaliseLogicalPath(p: string): string {
  const nfc = p.normalize('NFC');
  const problems = logicalPathProblems(nfc);
  if (problems.length) throw new OcflError(`invalid logical path ${JSON.stringify(p)}`, problems);
  return nfc;
}

/** Lower-case hex of the right length for an algorithm Dangan knows; undefined for an algorithm it does not. */
export function digestPattern(algorithm: string): RegExp | undefined {
  switch (algorithm) {
    case 'sha512':
    case 'blake2b-512':
      return /^[0-9a-fA-F]{128}$/;
    case 'sha256':
    case 'sm3':
    case 'blake2b-256':
    case 'sha512/256':
      return /^[0-9a-fA-F]{64}$/;
    case 'sha1':
    case 'blake2b-160':
      return /^[0-9a-fA-F]{40}$/;
    case 'md5':
      return /^[0-9a-fA-F]{32}$/;
    case 'blake2b-384':
      return /^[0-9a-fA-F]{96}$/;
    case 'size':
      return /^(0|[1-9][0-9]*)$/;
    default:
      return undefined;
  }
}

/**
 * Fixity algorithm names Dangan accepts: the OCFL 1.1 table (§3.4), the community extension
 * 0009-digest-algorithms, and `sm3`, defined locally by the `dangan-sm3-fixity` extension.
 */
export const KNOWN_FIXITY_ALGORITHMS: ReadonlySet<string> = new Set([
  'md5', 'sha1', 'sha256', 'sha512', 'blake2b-512',
  'blake2b-160', 'blake2b-256', 'blake2b-384', 'sha512/256', 'size',
  'sm3',
]);

/** RFC 3339 date-time with seconds, optional fraction, and a Z or ±hh:mm offset (E049). */
export function isRfc3339(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s));
}
