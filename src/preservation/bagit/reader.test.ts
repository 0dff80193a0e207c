/** verifyBag on small hand-made bags: the RFC 8493 rules the LoC suite does not exercise. */
import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { hashFile } from './digest.ts';
import { encodePath } from './paths.ts';
import { verifyBag, type BagReport } from './reader.ts';
import { tempDir } from './test-fixtures.ts';

let work: string;
let n = 0;
before(async () => {
  work = await tempDir();
});
after(() => rm(work, { recursive: true, force: true }));

type Spec = { files?: Record<string, string>; bagit?: string; algs?: string[]; manifest?: (alg: string, lines: string[]) => string[]; extra?: Record<string, string> };

/** A bag whose manifests list `files` correctly (in BagIt 1.0 encoding), unless `manifest` changes the lines. */
async function makeBag(spec: Spec): Promise<string> {
  const dir = join(work, `bag-${++n}`);
  const files = spec.files ?? { 'data/hello.txt': 'hello\n' };
  await mkdir(join(dir, 'data'), { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), content);
  }
  await writeFile(join(dir, 'bagit.txt'), spec.bagit ?? 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  for (const alg of spec.algs ?? ['sha256']) {
    const lines = await Promise.all(Object.keys(files).map(async (p) => `${(await hashFile(join(dir, p), [alg])).digests[alg]}  ${encodePath(p)}`));
    await writeFile(join(dir, `manifest-${alg}.txt`), (spec.manifest ? spec.manifest(alg, lines) : lines).map((l) => `${l}\n`).join(''));
  }
  for (const [p, content] of Object.entries(spec.extra ?? {})) await writeFile(join(dir, p), content);
  return dir;
}
const codes = (ps: BagReport['errors']) => ps.map((p) => p.code).sort();

test('percent-encoded CR, LF and "%" in names (§2.1.3), with sha256, sha512, sm3, sha1 and md5 manifests', async () => {
  const dir = await makeBag({ files: { 'data/a\nb.txt': 'lf', 'data/c\rd.txt': 'cr', 'data/100%.txt': 'pct', 'data/名称 含空格.txt': '中文' }, algs: ['sha256', 'sha512', 'sm3', 'sha1', 'md5'] });
  const r = await verifyBag(dir);
  assert.deepEqual([r.valid, r.errors, r.warnings], [true, [], []]);
  assert.deepEqual(r.algorithms.payload, ['md5', 'sha1', 'sha256', 'sha512', 'sm3']);
  assert.deepEqual(r.payload, { files: 4, bytes: 13 });
});

test('BagIt 1.0: a literal "%" is a warning; "./" and a listed-twice path are errors', async () => {
  const pct = await makeBag({ files: { 'data/100%.txt': 'x' }, manifest: (_a, lines) => lines.map((l) => l.replace('%25', '%')) });
  const r1 = await verifyBag(pct);
  assert.deepEqual([r1.valid, r1.warnings.map((w) => w.code)], [true, ['percent-not-encoded']]);
  const dot = await makeBag({ manifest: (_a, lines) => lines.map((l) => l.replace('  data/', '  ./data/')) });
  assert.deepEqual(codes((await verifyBag(dot)).errors), ['path-dot-prefix']);
  const twice = await makeBag({ manifest: (_a, lines) => [...lines, ...lines] });
  assert.deepEqual(codes((await verifyBag(twice)).errors), ['duplicate-entry']);
});

test('bagit.txt: CRLF and a missing final newline are fine; anything else about it is an error', async () => {
  assert.equal((await verifyBag(await makeBag({ bagit: 'BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8' }))).valid, true);
  assert.equal((await verifyBag(await makeBag({ bagit: 'BagIt-Version: 0.97\nTag-File-Character-Encoding: utf-8\n' }))).valid, true);
  const cases: Array<[string, string[]]> = [
    ['BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nExtra: 1\n', ['bagit-txt-malformed']],
    ['Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n', ['bagit-txt-malformed', 'bagit-txt-malformed']],
    ['BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n', ['version-unsupported']],
    ['BagIt-Version: 1\nTag-File-Character-Encoding: UTF-8\n', ['version-invalid']],
    ['BagIt-Version: 1.0\nTag-File-Character-Encoding: EBCDIC-XYZ\n', ['encoding-unsupported']],
    ['\uFEFFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n', ['bagit-txt-bom']],
  ];
  for (const [bagit, expected] of cases) assert.deepEqual(codes((await verifyBag(await makeBag({ bagit }))).errors), expected, bagit);
});

test('manifests: unknown algorithm, none at all, bad digest length, backslash path, path outside data/', async () => {
  const unknown = await makeBag({ extra: { 'manifest-crc32.txt': '00000000  data/hello.txt\n' } });
  assert.deepEqual(codes((await verifyBag(unknown)).errors), ['algorithm-unsupported']);
  assert.deepEqual(codes((await verifyBag(await makeBag({ algs: [] }))).errors), ['manifest-missing']);
  const short = await makeBag({ manifest: (_a, lines) => lines.map((l) => l.slice(2)) });
  assert.deepEqual(codes((await verifyBag(short)).errors), ['file-not-in-manifest', 'manifest-line-malformed']);
  const back = await makeBag({ manifest: (_a, lines) => [...lines, `${'0'.repeat(64)}  data\\hello.txt`] });
  assert.deepEqual(codes((await verifyBag(back)).errors), ['path-unsafe']);
  const outside = await makeBag({ manifest: (_a, lines) => [...lines, `${'0'.repeat(64)}  bagit.txt`] });
  assert.deepEqual(codes((await verifyBag(outside)).errors), ['payload-outside-data']);
});

test('payload: a symbolic link is refused; a name in NFD on disk matches its NFC manifest entry with a warning', async () => {
  const link = await makeBag({});
  await symlink('/etc/hostname', join(link, 'data', 'link'));
  assert.deepEqual(codes((await verifyBag(link)).errors), ['not-regular-file']);
  const nfd = await makeBag({ files: { ['data/' + 'café.txt'.normalize('NFD')]: 'x' }, manifest: (_a, lines) => lines.map((l) => l.normalize('NFC')) });
  const r = await verifyBag(nfd);
  assert.deepEqual([r.valid, r.warnings.map((w) => w.code)], [true, ['name-normalization']]);
});

test('fetch.txt is refused even when complete; a missing directory is not a bag', async () => {
  const f = await makeBag({ extra: { 'fetch.txt': 'https://example.org/hello.txt 6 data/hello.txt\n' } });
  assert.deepEqual(codes((await verifyBag(f)).errors), ['fetch-not-supported']);
  assert.deepEqual(codes((await verifyBag(join(work, 'nope'))).errors), ['bag-not-found']);
});

test('a manifest line longer than 1 MiB is refused without reading it whole', async () => {
  const dir = await makeBag({ extra: { 'manifest-sha512.txt': `${'a'.repeat(2 << 20)}\n` } });
  assert.ok(codes((await verifyBag(dir)).errors).includes('line-too-long'));
});

test('bag-info.txt: Payload-Oxum checked; folded lines joined; BagIt 1.0 separators warned about', async () => {
  const ok = await makeBag({ extra: { 'bag-info.txt': 'Payload-Oxum: 6.1\nExternal-Description: 某小区\n  1号楼\n' } });
  const r = await verifyBag(ok);
  assert.deepEqual([r.valid, r.warnings], [true, []]);
  assert.deepEqual(r.bagInfo, [{ label: 'Payload-Oxum', value: '6.1' }, { label: 'External-Description', value: '某小区 1号楼' }]);
  const bad = await makeBag({ extra: { 'bag-info.txt': 'Payload-Oxum: 7.1\nNo colon here\nLabel :  spaced\n' } });
  const rb = await verifyBag(bad);
  assert.deepEqual(codes(rb.errors), ['baginfo-malformed', 'oxum-mismatch']);
  assert.deepEqual(codes(rb.warnings), ['baginfo-separator']);
});
