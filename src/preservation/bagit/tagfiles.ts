/**
 * Parsers for the tag files of a bag: manifests (payload and tag), bag-info.txt and fetch.txt. Each
 * reads its file line by line and records every problem; none stops at the first one.
 */
import { join } from 'node:path';
import { ALGORITHMS } from './digest.ts';
import { checkPath, decodePath, foldKey } from './paths.ts';
import type { Problems } from './problems.ts';
import { LineTooLong, MAX_LINE, readLines, Undecodable, type TagEncoding } from './text.ts';

/** What the tag files are read with: the bag directory, the rules of its version, its encoding. */
export type TagContext = { root: string; v1: boolean; enc: TagEncoding; problems: Problems };

export type Manifest = {
  file: string;
  alg: string;
  kind: 'payload' | 'tag';
  /** path (decoded, relative to the bag) → lower-case hex digest */
  entries: Map<string, string>;
  /** paths that name one file on a normalizing or case-insensitive file system → all such paths */
  twins: Map<string, string[]>;
};
export type BagInfoEntry = { label: string; value: string };

/** Calls `fn` for each line; a BOM on line 1 is reported and removed; read errors become problems. */
async function eachLine(ctx: TagContext, file: string, fn: (line: string, n: number) => void): Promise<void> {
  let n = 0;
  try {
    for await (let line of readLines(join(ctx.root, file), ctx.enc)) {
      n++;
      if (n === 1 && line.startsWith('\uFEFF')) {
        ctx.problems.warn('tag-file-bom', file, { file });
        line = line.slice(1);
      }
      fn(line, n);
    }
  } catch (err) {
    if (err instanceof LineTooLong) ctx.problems.error('line-too-long', file, { file, limit: MAX_LINE });
    else if (err instanceof Undecodable) ctx.problems.error('tag-file-undecodable', file, { file, encoding: ctx.enc.label });
    else ctx.problems.error('read-failed', file, { detail: err instanceof Error ? err.message : String(err) });
  }
}

/** `manifest-<alg>.txt` or `tagmanifest-<alg>.txt`: lines of `<digest> <path>` (RFC 8493 §2.1.3, §2.2.1). */
export async function readManifest(ctx: TagContext, file: string, alg: string, kind: 'payload' | 'tag'): Promise<Manifest> {
  const { problems, v1 } = ctx;
  const entries = new Map<string, string>();
  const hexLength = ALGORITHMS[alg]!;
  const marked: number[] = [];
  await eachLine(ctx, file, (line, n) => {
    const at = { file, line: n };
    if (line.trim() === '') return problems.warn('blank-line', file, at);
    const m = /^(\S+)[ \t]+(.*)$/.exec(line);
    if (!m) return problems.error('manifest-line-malformed', file, { ...at, zh: '应为“摘要 空白 路径”', en: 'expected "digest whitespace path"' });
    const digest = m[1]!;
    let raw = m[2]!;
    if (!/^[0-9a-fA-F]+$/.test(digest) || digest.length !== hexLength) {
      return problems.error('manifest-line-malformed', file, { ...at, zh: `摘要应为 ${hexLength} 位十六进制数`, en: `the digest should be ${hexLength} hex digits` });
    }
    if (raw.startsWith('*')) {
      marked.push(n);
      raw = raw.slice(1);
    }
    const { path: decoded, literalPercent } = decodePath(raw, v1);
    if (literalPercent) problems.warn('percent-not-encoded', decoded, { file });
    const verdict = checkPath(decoded);
    if (!verdict.ok) return problems.error(verdict.code, decoded, { file, ...verdict.why });
    if (verdict.dotPrefix) problems.strictIn(v1, 'path-dot-prefix', decoded, { file });
    const p = verdict.path;
    const inData = p.startsWith('data/');
    if (kind === 'payload' && !inData) return problems.error('payload-outside-data', p, { file });
    if (kind === 'tag' && (inData || p === 'data')) return problems.error('tag-manifest-lists-payload', p, { file });
    const previous = entries.get(p);
    if (previous === undefined) entries.set(p, digest.toLowerCase());
    else if (previous === digest.toLowerCase()) problems.strictIn(v1, 'duplicate-entry', p, { file });
    else problems.error('duplicate-entry-conflict', p, { file });
  });
  if (marked.length) problems.warn('md5sum-binary-marker', file, { file, line: marked[0], count: marked.length });
  return { file, alg, kind, entries, twins: twinsOf(ctx, file, entries.keys()) };
}

function twinsOf(ctx: TagContext, file: string, paths: Iterable<string>): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const p of paths) {
    const k = foldKey(p);
    byKey.set(k, [...(byKey.get(k) ?? []), p]);
  }
  const twins = new Map<string, string[]>();
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const sameNfc = group.every((p) => p.normalize('NFC') === group[0]!.normalize('NFC'));
    ctx.problems.warn(sameNfc ? 'normalization-collision' : 'case-collision', group[0], { file, paths: group.map((p) => JSON.stringify(p)).join(', ') });
    for (const p of group) twins.set(p, group);
  }
  return twins;
}

/** bag-info.txt: `Label: value` lines, continuation lines start with whitespace (RFC 8493 §2.2.2). */
export async function readBagInfo(ctx: TagContext): Promise<BagInfoEntry[]> {
  const out: BagInfoEntry[] = [];
  await eachLine(ctx, 'bag-info.txt', (line, n) => {
    if (line.trim() === '') return ctx.problems.warn('blank-line', 'bag-info.txt', { file: 'bag-info.txt', line: n });
    const last = out[out.length - 1];
    if (/^[ \t]/.test(line)) {
      if (last) last.value = `${last.value} ${line.trim()}`;
      else ctx.problems.error('baginfo-malformed', 'bag-info.txt', { line: n });
      return;
    }
    const colon = line.indexOf(':');
    const label = colon < 0 ? '' : line.slice(0, colon);
    if (label.trim() === '') return ctx.problems.error('baginfo-malformed', 'bag-info.txt', { line: n });
    const value = line.slice(colon + 1);
    // RFC 8493: label, colon, one space or tab, value. Draft 0.97 was looser (and the LoC suite says so).
    if (ctx.v1 && (label !== label.trim() || !/^[ \t][^ \t]/.test(value))) ctx.problems.warn('baginfo-separator', 'bag-info.txt', { line: n });
    out.push({ label: label.trim(), value: value.trim() });
  });
  return out;
}

/** fetch.txt: `URL LENGTH FILENAME`. Every target is checked, though no bag with fetch.txt is accepted. */
export async function checkFetch(ctx: TagContext): Promise<void> {
  const file = 'fetch.txt';
  ctx.problems.error('fetch-not-supported', file);
  await eachLine(ctx, file, (line, n) => {
    if (line.trim() === '') return;
    const m = /^(\S+)[ \t]+(\S+)[ \t]+(.+)$/.exec(line);
    if (!m || !/^(-|\d+)$/.test(m[2]!)) return ctx.problems.error('fetch-line-malformed', file, { line: n });
    const target = decodePath(m[3]!, ctx.v1).path;
    const verdict = checkPath(target);
    if (!verdict.ok) ctx.problems.error(verdict.code, target, { file, ...verdict.why });
    else if (!verdict.path.startsWith('data/')) ctx.problems.error('payload-outside-data', target, { file });
  });
}
