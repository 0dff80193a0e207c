/**
 * readBagit over the Library of Congress BagIt conformance suite (read-only copy): every bag the suite
 * calls valid (or "warning") is accepted, every invalid one rejected with its reason. The two
 * deliberate differences are those of verifyBag (docs/offline-copies.md), repeated in
 * docs/foreign-packages.md. The full code-by-code table stays in preservation/bagit/conformance.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBagit } from './bagit.ts';
import { corpus } from '../../platform/testing/corpus.ts';

const SUITE = corpus('bagit-conformance-suite');

/** Invalid bags: the reason (a verifyBag code) the rejection must name. */
const REASON: Record<string, string> = {
  'v0.97/invalid/baginfo-missing-encoding': 'bagit-txt-malformed',
  'v0.97/invalid/bom-in-bagit.txt': 'bagit-txt-bom',
  'v0.97/invalid/corrupt-data-file': 'digest-mismatch',
  'v0.97/invalid/corrupt-tag-file': 'digest-mismatch',
  'v0.97/invalid/extra-file-in-bag': 'file-not-in-manifest',
  'v0.97/invalid/invalid-version-number': 'version-invalid',
  'v0.97/invalid/missing-baginfo': 'file-missing',
  'v0.97/invalid/missing-bagit.txt': 'bagit-txt-missing',
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation': 'path-outside-bag',
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch': 'path-outside-bag',
  'v0.97/invalid/same-filename-listed-twice-with-different-hashes': 'duplicate-entry-conflict',
  'v1.0/invalid/bagit-with-invalid-whitespace': 'bagit-txt-malformed',
  'v1.0/invalid/notAllManifestsListAllFiles': 'file-not-in-manifest',
  'v1.0/invalid/same-filename-listed-twice-with-different-hashes': 'duplicate-entry-conflict',
  'v1.0/invalid/same-filename-listed-twice-with-the-same-hash': 'duplicate-entry',
};
/** Deliberate differences (as verifyBag): valid in the suite, rejected here, with this reason. */
const DEVIATION: Record<string, string> = {
  'v0.97/valid/holey-bag': 'fetch-not-supported',
  'v0.97/warning/special-system-files': 'file-missing',
};

async function bags(): Promise<{ bag: string; invalid: boolean }[]> {
  const out: { bag: string; invalid: boolean }[] = [];
  for (const v of (await readdir(SUITE)).filter((x) => x.startsWith('v'))) {
    for (const cat of await readdir(join(SUITE, v))) {
      for (const b of await readdir(join(SUITE, v, cat))) out.push({ bag: `${v}/${cat}/${b}`, invalid: cat !== 'valid' && cat !== 'warning' });
    }
  }
  return out.sort((a, b) => a.bag.localeCompare(b.bag));
}

const all = await bags();

for (const { bag, invalid } of all) {
  const reason = DEVIATION[bag] ?? (invalid ? (REASON[bag] ?? 'path-outside-bag') : undefined);
  test(`${bag}: ${reason ? `rejected (${reason})` : 'accepted'}${DEVIATION[bag] ? ' — DEVIATION' : ''}`, async () => {
    const pkg = await readBagit(join(SUITE, bag));
    const errors = pkg.problems.filter((p) => p.severity === 'error');
    for (const p of pkg.problems) assert.ok(p.message.zh && p.message.en && p.code.startsWith('bagit-'));
    if (!reason) {
      assert.deepEqual(errors, []);
      assert.equal(pkg.volumes.length, 1);
      assert.ok(pkg.records.length > 0 || bag.endsWith('minimal-bag') || bag.endsWith('holey-bag'));
      for (const r of pkg.records) assert.ok(r.files[0]!.path.startsWith('data/'), r.key);
    } else {
      assert.ok(errors.some((p) => p.code === `bagit-${reason}`), JSON.stringify(errors.map((p) => p.code)));
    }
  });
}

test('the table covers the suite: 46 bags, 27 invalid; the linux-only/windows-only folders are invalid', () => {
  assert.equal(all.length, 46);
  assert.equal(all.filter((b) => b.invalid).length, 27);
  for (const k of [...Object.keys(REASON), ...Object.keys(DEVIATION)]) assert.ok(all.some((b) => b.bag === k), k);
});

test('a bag maps to one volume (bag-info) and one record per payload file with its manifest digests', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-foreign-bag-'));
  try {
    await mkdir(join(dir, 'data', '图纸'), { recursive: true });
    await writeFile(join(dir, 'data', '图纸', '总平面图.pdf'), 'PDF');
    await writeFile(join(dir, 'bagit.txt'), 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    await writeFile(join(dir, 'manifest-sha256.txt'), 'd2d6fbd4b51a9a3e04b4a8bb7c3bf2bbbf6d0e2e1c7f4e5c3d46d0e5c7b3a1f0  data/图纸/总平面图.pdf\n');
    await writeFile(join(dir, 'bag-info.txt'), 'Source-Organization: 某某建设集团有限公司\nBagging-Date: 2024-05-06\nExternal-Description: 某某小区1号楼竣工档案\n');
    const bad = await readBagit(dir);
    assert.ok(bad.problems.some((p) => p.code === 'bagit-digest-mismatch' && p.path === 'data/图纸/总平面图.pdf'));
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update('PDF').digest('hex');
    await writeFile(join(dir, 'manifest-sha256.txt'), `${sha}  data/图纸/总平面图.pdf\n`);
    const pkg = await readBagit(dir);
    assert.deepEqual(pkg.problems.filter((p) => p.severity === 'error'), []);
    assert.deepEqual(pkg.submitter, { name: '某某建设集团有限公司' });
    assert.deepEqual(pkg.volumes, [{ key: 'bag', title: '某某小区1号楼竣工档案', year: 2024 }]);
    assert.deepEqual(pkg.records, [{ key: 'data/图纸/总平面图.pdf', volumeKey: 'bag', seq: 1, title: '总平面图', files: [{ path: 'data/图纸/总平面图.pdf', size: 3, declared: { sha256: sha } }] }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
