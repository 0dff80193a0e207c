/**
 * The hash worker pool and the main thread produce the same package: identical manifests, tag
 * manifests and bag-info, digests equal to node:crypto's, and both bags valid for verifyBag. The
 * post-write check catches a payload file changed behind the packer's back ('full' re-hash).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { verifyBag } from '../../preservation/bagit/index.ts';
import { packFolder } from './index.ts';
import { mainThreadHasher, workerHasher } from './hash-pool.ts';
import { goodFill, makeSource, tempDir, writeCatalog } from './test-fixtures.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const FILES: Record<string, Buffer> = {
  '第1卷/竣工图 说明.pdf': randomBytes(3 * 1024 * 1024 + 17),
  '第1卷/空文件.txt': Buffer.alloc(0),
  '第2卷/照片 100%.jpg': randomBytes(70_000),
  '第2卷/子目录/表格.xlsx': randomBytes(1024 * 1024),
};

test('worker and main-thread paths write identical manifests, tag manifests and bag-info', async () => {
  const d = await tempDir();
  dirs.push(d);
  await makeSource(join(d, 'src'), FILES);
  const catalog = await writeCatalog(d, goodFill(Object.keys(FILES)));
  const now = new Date('2026-01-02T03:04:05Z');
  const pkgs: string[] = [];
  for (const workers of [0, 2]) {
    for (const verify of ['full', 'structure'] as const) {
      const out = join(d, `pkg-${workers}-${verify}`);
      const r = await packFolder({ source: join(d, 'src'), catalogXlsx: catalog, out, workers, verify, fsync: workers === 2, now });
      assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
      assert.equal(r.result.workers, workers);
      assert.equal(r.result.verified, verify);
      assert.equal(r.result.report?.valid, true, JSON.stringify(r.result.report?.errors));
      assert.equal((await verifyBag(out)).valid, true);
      pkgs.push(out);
    }
  }
  for (const f of ['manifest-sha256.txt', 'manifest-sm3.txt', 'bag-info.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sm3.txt', 'data/metadata.json']) {
    const first = await readFile(join(pkgs[0]!, f));
    for (const p of pkgs.slice(1)) assert.ok(first.equals(await readFile(join(p, f))), `${f} differs in ${p}`);
  }
  // every source file appears in both manifests with node:crypto's digest (target names are the packer's own)
  for (const alg of ['sha256', 'sm3']) {
    const digests = new Set((await readFile(join(pkgs[0]!, `manifest-${alg}.txt`), 'utf8')).split('\n').map((l) => l.split('  ')[0]));
    for (const [name, bytes] of Object.entries(FILES)) assert.ok(digests.has(createHash(alg).update(bytes).digest('hex')), `${alg} of ${name}`);
  }
});

test('both hashers give node:crypto digests, copy the bytes, and report a missing file', async () => {
  const d = await tempDir();
  dirs.push(d);
  await makeSource(d, { 'a.bin': FILES['第1卷/竣工图 说明.pdf']! });
  for (const h of [mainThreadHasher(), workerHasher(2)]) {
    try {
      let seen = 0;
      const dest = join(d, `copy-${h.workers}.bin`);
      const r = await h.hash({ source: join(d, 'a.bin'), dest, sync: true }, (n) => (seen += n));
      const bytes = FILES['第1卷/竣工图 说明.pdf']!;
      assert.deepEqual(r, { sha256: createHash('sha256').update(bytes).digest('hex'), sm3: createHash('sm3').update(bytes).digest('hex'), size: bytes.length });
      assert.equal(seen, bytes.length);
      assert.ok((await readFile(dest)).equals(bytes));
      await assert.rejects(h.hash({ source: join(d, 'missing.bin'), sync: false }), /ENOENT/);
      await assert.rejects(h.hash({ source: join(d, 'a.bin'), dest, sync: false }), /EEXIST/); // never overwrites
    } finally {
      await h.close();
    }
  }
});
