/**
 * verifyBag against the Library of Congress BagIt conformance suite (read-only copy, see its SOURCE.md).
 * Each bag has its expected outcome and the exact set of error and warning codes; `code@path` also
 * requires a problem of that code about that path. Differences from the suite are marked DEVIATION and
 * explained in docs/offline-copies.md.
 */
import assert from 'node:assert/strict';
import { chmod, cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BagProblem } from './problems.ts';
import { verifyBag } from './reader.ts';
import { corpus } from '../../platform/testing/corpus.ts';

const SUITE = corpus('bagit-conformance-suite');
type Row = { bag: string; suite: 'valid' | 'invalid' | 'warning'; pass: boolean; errors?: string[]; warnings?: string[]; note?: string };

const fetchOut = (target: string) => ['fetch-not-supported@fetch.txt', `path-outside-bag@${target}`];
const TABLE: Row[] = [
  // v0.97 invalid: every one fails, for the reason the suite names
  { bag: 'v0.97/invalid/baginfo-missing-encoding', suite: 'invalid', pass: false, errors: ['bagit-txt-malformed@bagit.txt', 'digest-mismatch@bagit.txt'] },
  { bag: 'v0.97/invalid/bom-in-bagit.txt', suite: 'invalid', pass: false, errors: ['bagit-txt-bom@bagit.txt'] },
  { bag: 'v0.97/invalid/corrupt-data-file', suite: 'invalid', pass: false, errors: ['digest-mismatch@data/bare-filename', 'oxum-mismatch'] },
  { bag: 'v0.97/invalid/corrupt-tag-file', suite: 'invalid', pass: false, errors: ['digest-mismatch@bag-info.txt', 'digest-mismatch@bagit.txt', 'digest-mismatch@manifest-md5.txt'] },
  { bag: 'v0.97/invalid/extra-file-in-bag', suite: 'invalid', pass: false, errors: ['file-not-in-manifest@data/bar', 'oxum-mismatch'] },
  { bag: 'v0.97/invalid/invalid-version-number', suite: 'invalid', pass: false, errors: ['version-invalid@bagit.txt', 'digest-mismatch@bagit.txt'] },
  { bag: 'v0.97/invalid/missing-baginfo', suite: 'invalid', pass: false, errors: ['file-missing@bag-info.txt'] },
  { bag: 'v0.97/invalid/missing-bagit.txt', suite: 'invalid', pass: false, errors: ['bagit-txt-missing', 'file-missing@bagit.txt'] },
  { bag: 'v0.97/invalid/out-of-scope-file-paths-using-dot-notation', suite: 'invalid', pass: false, errors: ['path-outside-bag@../../../README.md', 'path-outside-bag@\\.\\./\\.\\./\\.\\./README.md'] },
  { bag: 'v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch', suite: 'invalid', pass: false, errors: fetchOut('../../../README.md') },
  { bag: 'v0.97/invalid/same-filename-listed-twice-with-different-hashes', suite: 'invalid', pass: false, errors: ['duplicate-entry-conflict@data/README'] },
  // POSIX-only cases: this validator runs on Linux, so they must fail here
  { bag: 'v0.97/linux-only/out-of-scope-file-paths-using-absolute-path', suite: 'invalid', pass: false, errors: ['path-outside-bag@/tmp/foo'] },
  { bag: 'v0.97/linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch', suite: 'invalid', pass: false, errors: fetchOut('/tmp/test.txt') },
  { bag: 'v0.97/linux-only/out-of-scope-file-paths-using-shortcut', suite: 'invalid', pass: false, errors: ['path-outside-bag@~/foo'] },
  { bag: 'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-for-fetch', suite: 'invalid', pass: false, errors: fetchOut('~/test.txt') },
  { bag: 'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username', suite: 'invalid', pass: false, errors: ['path-outside-bag@~root/foo'] },
  { bag: 'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username-for-fetch', suite: 'invalid', pass: false, errors: fetchOut('~root/foo') },
  // Windows-only cases: an offline copy may be read on Windows, so they fail on every system
  { bag: 'v0.97/windows-only/out-of-scope-file-paths-using-absolute-path', suite: 'invalid', pass: false, errors: ['path-outside-bag@C:\\Windows\\System32\\setx.exe'] },
  { bag: 'v0.97/windows-only/out-of-scope-file-paths-using-absolute-path-for-fetch', suite: 'invalid', pass: false, errors: fetchOut('C:\\Windows\\System32\\setx.exe') },
  { bag: 'v0.97/windows-only/out-of-scope-file-paths-using-shortcut', suite: 'invalid', pass: false, errors: ['path-outside-bag@%HomeDrive%\\Windows\\System32\\setx.exe'] },
  { bag: 'v0.97/windows-only/out-of-scope-file-paths-using-shortcut-for-fetch', suite: 'invalid', pass: false, errors: fetchOut('%HomeDrive%\\Windows\\System32\\setx.exe') },
  { bag: 'v0.97/windows-only/out-of-scope-file-paths-using-unc', suite: 'invalid', pass: false, errors: ['path-outside-bag@\\\\?\\UNC\\server\\Windows\\System32\\setx.exe'] },
  { bag: 'v0.97/windows-only/out-of-scope-file-paths-using-unc-for-fetch', suite: 'invalid', pass: false, errors: fetchOut('\\\\?\\UNC\\server\\Windows\\System32\\setx.exe') },
  // v0.97 valid
  { bag: 'v0.97/valid/ISO-8859-1-encoded-tag-files', suite: 'valid', pass: true, warnings: ['encoding-not-utf8'] },
  { bag: 'v0.97/valid/UTF-16-encoded-tag-files', suite: 'valid', pass: true, warnings: ['encoding-not-utf8'] },
  { bag: 'v0.97/valid/bag-in-a-bag', suite: 'valid', pass: true },
  { bag: 'v0.97/valid/bag-with-encoded-names', suite: 'valid', pass: true },
  { bag: 'v0.97/valid/bag-with-escapable-characters', suite: 'valid', pass: true },
  { bag: 'v0.97/valid/bag-with-leading-dot-slash-in-manifest', suite: 'valid', pass: true, warnings: ['path-dot-prefix@./data/test2.txt'] },
  { bag: 'v0.97/valid/bag-with-space', suite: 'valid', pass: true },
  { bag: 'v0.97/valid/basic-bag', suite: 'valid', pass: true },
  { bag: 'v0.97/valid/duplicate-metadata-entries', suite: 'valid', pass: true },
  { bag: 'v0.97/valid/holey-bag', suite: 'valid', pass: false, errors: ['fetch-not-supported@fetch.txt'], note: 'DEVIATION: offline copies must be complete; fetch.txt is refused' },
  { bag: 'v0.97/valid/minimal-bag', suite: 'valid', pass: true },
  { bag: 'v0.97/valid/uncommon-metadata-separators', suite: 'valid', pass: true },
  // v0.97 warning: valid, with the warning the suite asks for
  { bag: 'v0.97/warning/duplicate-file-with-different-case', suite: 'warning', pass: true, warnings: ['case-collision@data/hello.txt'] },
  { bag: 'v0.97/warning/made-with-md5sum-tools', suite: 'warning', pass: true, warnings: ['md5sum-binary-marker@manifest-md5.txt', 'md5sum-binary-marker@tagmanifest-md5.txt'] },
  { bag: 'v0.97/warning/relative-path', suite: 'warning', pass: true, warnings: ['path-dot-prefix@./data/hello.txt'] },
  { bag: 'v0.97/warning/same-filename-listed-twice-with-different-normalization', suite: 'warning', pass: true, warnings: ['normalization-collision', 'version-old@bagit.txt'] },
  { bag: 'v0.97/warning/same-filename-listed-twice-with-the-same-hash', suite: 'warning', pass: true, warnings: ['duplicate-entry@data/README'] },
  {
    bag: 'v0.97/warning/special-system-files', suite: 'warning', pass: false,
    errors: ['file-missing@data/.DS_Store', 'oxum-mismatch@bag-info.txt'], warnings: ['system-file@data/Thumbs.db', 'system-file@data/.DS_Store'],
    note: 'DEVIATION: the suite copy lacks data/.DS_Store, which its manifest lists and its Payload-Oxum counts (see the completed copy below)',
  },
  // v1.0
  { bag: 'v1.0/invalid/bagit-with-invalid-whitespace', suite: 'invalid', pass: false, errors: ['bagit-txt-malformed@bagit.txt'] },
  { bag: 'v1.0/invalid/notAllManifestsListAllFiles', suite: 'invalid', pass: false, errors: ['file-not-in-manifest@data/missingFromManifest.txt'] },
  { bag: 'v1.0/invalid/same-filename-listed-twice-with-different-hashes', suite: 'invalid', pass: false, errors: ['duplicate-entry-conflict@data/README', 'version-invalid@bagit.txt', 'digest-mismatch@bagit.txt'] },
  { bag: 'v1.0/invalid/same-filename-listed-twice-with-the-same-hash', suite: 'invalid', pass: false, errors: ['duplicate-entry@data/README', 'digest-mismatch@bagit.txt'] },
  { bag: 'v1.0/valid/basicBag', suite: 'valid', pass: true },
];

function assertProblems(kind: string, actual: BagProblem[], expected: string[] = []): void {
  const codes = (xs: string[]) => [...new Set(xs)].sort();
  assert.deepEqual(codes(actual.map((p) => p.code)), codes(expected.map((e) => e.split('@')[0]!)), `${kind}: ${JSON.stringify(actual.map((p) => [p.code, p.path]))}`);
  for (const e of expected.filter((x) => x.includes('@'))) {
    const [code, path] = [e.slice(0, e.indexOf('@')), e.slice(e.indexOf('@') + 1)];
    assert.ok(actual.some((p) => p.code === code && p.path === path), `${kind}: expected ${code} about ${path}`);
  }
  for (const p of actual) assert.ok(p.message.zh.length > 0 && p.message.en.length > 0, `${p.code} has both messages`);
}

for (const row of TABLE) {
  test(`${row.bag}: suite says ${row.suite}, Dangan ${row.pass ? 'accepts' : 'rejects'}${row.note ? ` (${row.note})` : ''}`, async () => {
    const r = await verifyBag(join(SUITE, row.bag));
    assert.equal(r.valid, row.pass);
    assertProblems('errors', r.errors, row.errors);
    assertProblems('warnings', r.warnings, row.warnings);
    if (row.suite === 'warning' && row.pass) assert.ok(r.warnings.length > 0);
  });
}

test('the table covers every bag of the suite, and only the marked rows differ from its outcome', async () => {
  const dirs: string[] = [];
  for (const v of await readdir(SUITE)) {
    if (!v.startsWith('v')) continue;
    for (const cat of await readdir(join(SUITE, v))) for (const b of await readdir(join(SUITE, v, cat))) dirs.push(`${v}/${cat}/${b}`);
  }
  assert.deepEqual(TABLE.map((r) => r.bag).sort(), dirs.sort());
  const count = (s: Row['suite']) => TABLE.filter((r) => r.suite === s).length;
  assert.deepEqual([count('valid'), count('invalid'), count('warning')], [13, 27, 6]);
  const agree = TABLE.filter((r) => r.pass === (r.suite !== 'invalid'));
  assert.deepEqual(TABLE.filter((r) => !agree.includes(r)).map((r) => r.bag), ['v0.97/valid/holey-bag', 'v0.97/warning/special-system-files']);
  assert.ok(TABLE.filter((r) => !agree.includes(r)).every((r) => r.note?.startsWith('DEVIATION')));
});

test('special-system-files, completed with the empty data/.DS_Store its manifest lists, passes with warnings', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-bag-'));
  try {
    const bag = join(dir, 'bag');
    await cp(join(SUITE, 'v0.97/warning/special-system-files'), bag, { recursive: true });
    for (const p of [bag, join(bag, 'data')]) await chmod(p, 0o755);
    await writeFile(join(bag, 'data', '.DS_Store'), '');
    const r = await verifyBag(bag);
    assert.equal(r.valid, true, JSON.stringify(r.errors));
    assertProblems('warnings', r.warnings, ['system-file@data/Thumbs.db', 'system-file@data/.DS_Store']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
