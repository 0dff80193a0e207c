/**
 * A strict BagIt validator (RFC 8493, and draft 0.97) for a bag directory. It streams every file (no
 * file is ever held in memory whole) and returns every problem it finds, not just the first.
 * What is an error and what a warning follows the Library of Congress conformance suite; the few
 * deliberate differences are listed in docs/offline-copies.md.
 */
import type { Dirent } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hashFile, isAlgorithm } from './digest.ts';
import { isSystemFile } from './paths.ts';
import { Problems, type BagProblem } from './problems.ts';
import { checkFetch, readBagInfo, readManifest, type BagInfoEntry, type Manifest, type TagContext } from './tagfiles.ts';
import { tagEncoding, UTF8, type TagEncoding } from './text.ts';

export type BagReport = {
  dir: string;
  /** true when there is no error (warnings allowed) */
  valid: boolean;
  /** BagIt-Version as declared, when bagit.txt could be read */
  version?: string;
  errors: BagProblem[];
  warnings: BagProblem[];
  bagInfo: BagInfoEntry[];
  /** what is under data/ on disk */
  payload: { files: number; bytes: number };
  algorithms: { payload: string[]; tag: string[] };
};
/** A payload file on disk (path relative to the bag, e.g. `data/a.pdf`) with its size and manifest digests. */
export type PayloadFile = { size: number; digests: Record<string, string> };
export type InspectedBag = { report: BagReport; payload: Map<string, PayloadFile> };

const OLD_DRAFTS = new Set(['0.93', '0.94', '0.95', '0.96']);
const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Validates the bag in `dir` completely: structure, manifests, every digest, Payload-Oxum. */
export async function verifyBag(dir: string): Promise<BagReport> {
  return (await inspectBag(dir)).report;
}

/** verifyBag, plus what import needs: every payload file with the digests its manifests give. */
export async function inspectBag(dir: string, options: { payloadDigests?: boolean } = {}): Promise<InspectedBag> {
  const root = resolve(dir);
  const problems = new Problems();
  const report = (extra: Partial<BagReport> = {}): BagReport => ({
    dir: root, valid: problems.errors.length === 0, errors: problems.errors, warnings: problems.warnings,
    bagInfo: [], payload: { files: 0, bytes: 0 }, algorithms: { payload: [], tag: [] }, ...extra,
  });
  const st = await lstat(root).catch(() => undefined);
  if (!st?.isDirectory()) {
    problems.error('bag-not-found', undefined, { dir: root });
    return { report: report(), payload: new Map() };
  }
  const decl = await readDeclaration(root, problems);
  const top = await readdir(root, { withFileTypes: true });
  const named = (re: RegExp) => top.filter((e) => e.isFile() && re.test(e.name)).map((e) => e.name.match(re)![1]!).sort();
  const payloadAlgs = named(/^manifest-(.+)\.txt$/);
  const tagAlgs = named(/^tagmanifest-(.+)\.txt$/);
  const disk = await walkPayload(root, top, problems);
  const ctx: TagContext | undefined = decl.enc && { root, v1: decl.v1, enc: decl.enc, problems };

  const manifests: Manifest[] = [];
  if (payloadAlgs.length === 0) problems.error('manifest-missing');
  for (const alg of payloadAlgs) {
    const file = `manifest-${alg}.txt`;
    if (!isAlgorithm(alg)) problems.error('algorithm-unsupported', file, { file, alg });
    else if (ctx) manifests.push(await readManifest(ctx, file, alg, 'payload'));
  }
  const payload = await checkPayload(root, manifests, disk, problems, options.payloadDigests ?? true);

  for (const alg of tagAlgs) {
    const file = `tagmanifest-${alg}.txt`;
    if (!isAlgorithm(alg)) problems.error('algorithm-unsupported', file, { file, alg });
    else if (ctx) await checkTagManifest(root, await readManifest(ctx, file, alg, 'tag'), problems);
  }

  const has = (name: string) => top.some((e) => e.name === name);
  const bagInfo = ctx && has('bag-info.txt') ? await readBagInfo(ctx) : [];
  const totals = { files: disk.size, bytes: [...disk.values()].reduce((a, b) => a + b, 0) };
  for (const e of bagInfo) {
    if (e.label.toLowerCase() !== 'payload-oxum') continue;
    const m = /^(\d+)\.(\d+)$/.exec(e.value);
    if (!m) problems.error('oxum-malformed', 'bag-info.txt', { value: e.value });
    else if (Number(m[1]) !== totals.bytes || Number(m[2]) !== totals.files) {
      problems.error('oxum-mismatch', 'bag-info.txt', { value: e.value, actual: `${totals.bytes}.${totals.files}` });
    }
  }
  if (has('fetch.txt') && ctx) await checkFetch(ctx);
  else if (has('fetch.txt')) problems.error('fetch-not-supported', 'fetch.txt');

  const seen = new Set<string>();
  for (const p of [...disk.keys(), ...manifests.flatMap((m) => [...m.entries.keys()])]) {
    if (isSystemFile(p) && !seen.has(p)) problems.warn('system-file', p);
    seen.add(p);
  }
  return {
    report: report({ ...(decl.version === undefined ? {} : { version: decl.version }), bagInfo, payload: totals, algorithms: { payload: payloadAlgs, tag: tagAlgs } }),
    payload,
  };
}

/** bagit.txt: exactly `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENC`, UTF-8 without BOM (§2.1.1). */
async function readDeclaration(root: string, problems: Problems): Promise<{ version?: string; v1: boolean; enc?: TagEncoding }> {
  const file = join(root, 'bagit.txt');
  const st = await lstat(file).catch(() => undefined);
  if (!st) {
    problems.error('bagit-txt-missing', 'bagit.txt');
    return { v1: true, enc: UTF8 };
  }
  if (!st.isFile()) {
    problems.error('not-regular-file', 'bagit.txt');
    return { v1: true, enc: UTF8 };
  }
  const fh = await open(file, 'r');
  const buf = Buffer.alloc(Math.min(st.size, 4096));
  try {
    await fh.read(buf, 0, buf.length, 0);
  } finally {
    await fh.close();
  }
  const malformed = (zh: string, en: string) => problems.error('bagit-txt-malformed', 'bagit.txt', { zh, en });
  if (st.size > 4096) malformed('文件过大', 'the file is too large');
  let bytes = buf;
  if (bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) {
    problems.error('bagit-txt-bom', 'bagit.txt');
    bytes = bytes.subarray(3);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    malformed('不是 UTF-8 文本', 'it is not UTF-8 text');
    return { v1: true, enc: UTF8 };
  }
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== 2) malformed(`应恰好两行，实有 ${lines.length} 行`, `it must have exactly two lines, it has ${lines.length}`);
  const [l1 = '', l2 = ''] = lines;
  if (!/^BagIt-Version: /.test(l1)) malformed('第一行应为“BagIt-Version: M.N”', 'line 1 must be "BagIt-Version: M.N"');
  if (!/^Tag-File-Character-Encoding: \S+$/.test(l2)) malformed('第二行应为“Tag-File-Character-Encoding: UTF-8”', 'line 2 must be "Tag-File-Character-Encoding: UTF-8"');
  // Read on leniently, so that the rest of the bag is still checked by the right rules.
  const version = /^\s*BagIt-Version\s*:\s?(.*)$/.exec(l1)?.[1];
  const label = /^\s*Tag-File-Character-Encoding\s*:\s*(.*?)\s*$/.exec(l2)?.[1];
  const declared = version?.trim();
  const v1 = declared === undefined || !(declared === '0.97' || OLD_DRAFTS.has(declared));
  if (version !== undefined) {
    if (!/^\d+\.\d+$/.test(version)) problems.error('version-invalid', 'bagit.txt', { value: version });
    else if (OLD_DRAFTS.has(version)) problems.warn('version-old', 'bagit.txt', { value: version });
    else if (version !== '0.97' && version !== '1.0') problems.error('version-unsupported', 'bagit.txt', { value: version });
  }
  if (label === undefined) return { ...(version === undefined ? {} : { version }), v1, enc: UTF8 };
  const enc = tagEncoding(label);
  if (!enc) problems.error('encoding-unsupported', 'bagit.txt', { value: label });
  else if (!enc.utf8) problems.warn('encoding-not-utf8', 'bagit.txt', { value: enc.label });
  return { ...(version === undefined ? {} : { version }), v1, ...(enc ? { enc } : {}) };
}

/** Every file under data/ (path → size); anything that is not a regular file or directory is an error. */
async function walkPayload(root: string, top: Dirent[], problems: Problems): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const data = top.find((e) => e.name === 'data');
  if (!data?.isDirectory()) {
    problems.error(data ? 'not-regular-file' : 'payload-dir-missing', data ? 'data' : undefined);
    return out;
  }
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (err) {
      problems.error('read-failed', rel, { detail: errText(err) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.set(p, (await lstat(join(root, p))).size);
      else problems.error('not-regular-file', p);
    }
  };
  await walk('data');
  return out;
}

/** Manifest paths → files on disk; every file in every manifest; every digest of every file. */
/** With `hash: false` the payload is not read: sizes come from the disk walk and digests from the manifests (a caller that hashes every file itself compares them). */
async function checkPayload(root: string, manifests: Manifest[], disk: Map<string, number>, problems: Problems, hash: boolean): Promise<Map<string, PayloadFile>> {
  const byNfc = new Map<string, string[]>();
  for (const p of disk.keys()) byNfc.set(p.normalize('NFC'), [...(byNfc.get(p.normalize('NFC')) ?? []), p]);
  const direct = (p: string): string | undefined => (disk.has(p) ? p : byNfc.get(p.normalize('NFC'))?.length === 1 ? byNfc.get(p.normalize('NFC'))![0] : undefined);

  // expected[diskPath][alg] = digests the manifests give for it (two if case or normalization twins)
  const expected = new Map<string, Map<string, string[]>>();
  const unlisted = new Map<string, string[]>();
  for (const m of manifests) {
    const covered = new Set<string>();
    for (const [p, digest] of m.entries) {
      let target = direct(p);
      if (target && target !== p && !m.twins.has(p)) problems.warn('name-normalization', p, { disk: target });
      // As a case-insensitive, normalizing file system (Windows, macOS, discs) would resolve it.
      target ??= m.twins.get(p)?.map(direct).find((t) => t !== undefined);
      if (!target) {
        problems.error('file-missing', p, { file: m.file });
        continue;
      }
      covered.add(target);
      const algs = expected.get(target) ?? new Map<string, string[]>();
      algs.set(m.alg, [...(algs.get(m.alg) ?? []), digest]);
      expected.set(target, algs);
    }
    for (const p of disk.keys()) if (!covered.has(p)) unlisted.set(p, [...(unlisted.get(p) ?? []), m.file]);
  }
  for (const [p, files] of unlisted) problems.error('file-not-in-manifest', p, { file: files.join(', ') });

  const out = new Map<string, PayloadFile>();
  for (const [p, algs] of [...expected].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!hash) {
      out.set(p, { size: disk.get(p) ?? 0, digests: Object.fromEntries([...algs].map(([alg, ds]) => [alg, ds[0]!])) });
      continue;
    }
    const actual = await hashFile(join(root, p), algs.keys()).catch((err: unknown) => {
      problems.error('read-failed', p, { detail: errText(err) });
      return undefined;
    });
    if (!actual) continue;
    for (const [alg, digests] of algs) {
      for (const d of new Set(digests)) if (d !== actual.digests[alg]) problems.error('digest-mismatch', p, { alg, expected: d, actual: actual.digests[alg] });
    }
    out.set(p, { size: actual.size, digests: Object.fromEntries([...algs].map(([alg, ds]) => [alg, ds[0]!])) });
  }
  return out;
}

/** Every tag file a tag manifest lists exists, is a regular file and matches its digest. */
async function checkTagManifest(root: string, m: Manifest, problems: Problems): Promise<void> {
  for (const [p, digest] of m.entries) {
    const st = await lstat(join(root, p)).catch(() => undefined);
    if (!st) {
      problems.error('file-missing', p, { file: m.file });
      continue;
    }
    if (!st.isFile()) {
      problems.error('not-regular-file', p);
      continue;
    }
    const actual = await hashFile(join(root, p), [m.alg]).catch((err: unknown) => {
      problems.error('read-failed', p, { detail: errText(err) });
      return undefined;
    });
    if (actual && actual.digests[m.alg] !== digest) problems.error('digest-mismatch', p, { alg: m.alg, expected: digest, actual: actual.digests[m.alg] });
  }
}
