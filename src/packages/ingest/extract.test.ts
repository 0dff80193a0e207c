import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { verifyBag } from '../../preservation/bagit/index.ts';
import { tempDir, writeZip, zeroBody, buildTar } from '../unpack/test-fixtures.ts';
import { extractPackage } from './extract.ts';
import { corpus } from '../../platform/testing/corpus.ts';

const SUITE = corpus('bagit-conformance-suite', 'v1.0', 'valid');
const SUITES = [SUITE, corpus('bagit-conformance-suite', 'v0.97', 'valid')];
let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => (tmp = await tempDir()));
after(() => tmp.drop());

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out.sort();
}

test('a zipped valid bag extracts byte for byte and still verifies as a bag', async (t) => {
  const bags = (await Promise.all(SUITES.map(async (s) => (await readdir(s)).sort().map((b) => join(s, b))))).flat();
  assert.ok(bags.length >= 13);
  for (const src of bags) {
    const bag = `${src.includes('v0.97') ? 'v097' : 'v1'}-${src.split('/').pop()}`;
    const files = await filesUnder(src);
    const zip = await writeZip(join(tmp.dir, `${bag}.zip`), await Promise.all(files.map(async (f) => ({ name: f.split('\\').join('/'), data: await readFile(join(src, f)), method: 8 }))));
    const x = await extractPackage(zip, join(tmp.dir, 'staging'), bag);
    assert.equal(x.format, 'zip');
    assert.deepEqual(await filesUnder(x.dir), files, bag);
    const report = await verifyBag(x.dir);
    // The same verdict as the original directory (a .DS_Store-style gap in the suite copy stays a gap).
    assert.equal(report.valid, (await verifyBag(src)).valid, `${bag}: ${JSON.stringify(report.errors.slice(0, 2))}`);
  }
  t.diagnostic(`${bags.length} bags zipped, extracted and verified`);
});

test('a directory package is read where it is; a tar extracts too', async () => {
  const dir = join(SUITE, (await readdir(SUITE)).sort()[0]!);
  assert.equal((await extractPackage(dir, join(tmp.dir, 'staging'), 'd')).dir, dir);
  const tar = join(tmp.dir, 'p.tar');
  await (await import('node:fs/promises')).writeFile(tar, buildTar([{ name: '竣工图/说明.txt', data: Buffer.from('档案') }]));
  const x = await extractPackage(tar, join(tmp.dir, 'staging'), 'tar1');
  assert.equal(await readFile(join(x.dir, '竣工图', '说明.txt'), 'utf8'), '档案');
});

test('a zip bomb or a traversal is refused and leaves nothing in the staging area', async () => {
  const staging = join(tmp.dir, 'staging-bad');
  const bomb = await writeZip(join(tmp.dir, 'bomb.zip'), [{ name: 'ok.txt', data: Buffer.from('fine') }, { name: 'zeros.bin', body: zeroBody(2048), method: 8, declaredSize: 4096 }]);
  await assert.rejects(extractPackage(bomb, staging, 'bomb'), (e: { code?: string }) => typeof e.code === 'string');
  const evil = await writeZip(join(tmp.dir, 'evil.zip'), [{ name: 'a.txt', data: Buffer.from('a') }, { name: '../../etc/passwd', data: Buffer.from('x') }]);
  await assert.rejects(extractPackage(evil, staging, 'evil'), (e: { code?: string }) => typeof e.code === 'string');
  assert.deepEqual(await readdir(staging), []);
});
