/**
 * Tampered copies of an exported bag: verifyBag names every problem (all at once), and
 * importVolumeBag rejects the bag and writes nothing at all to the target store.
 */
import assert from 'node:assert/strict';
import { appendFile, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BagImportError, exportVolumeBag, importVolumeBag, verifyBag, type BagProblem } from './index.ts';
import { BAG_INFO, buildVolume, copyBag, reseal, tempDir, tempStore, VOLUME_ID, type TempStore } from './test-fixtures.ts';

const PDF = 'data/v1/content/001-项目建议书.pdf';
const STRAY = 'data/v3/content/未登记.txt';
let source: TempStore;
let target: TempStore;
let work: string;
let bag: string;
let n = 0;

before(async () => {
  source = await tempStore();
  target = await tempStore();
  work = await tempDir();
  await buildVolume(source.store);
  bag = (await exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: work, bagName: 'original', bagInfo: BAG_INFO })).path;
});
after(async () => {
  await source.close();
  await target.close();
  await rm(work, { recursive: true, force: true });
});

const flipByte = async (file: string) => {
  const b = await readFile(file);
  b[1000] = b[1000]! ^ 0x01;
  await writeFile(file, b);
};
const editTag = async (file: string) => writeFile(file, (await readFile(file, 'utf8')).replace('JG-2025-0001-001', 'JG-2025-0001-009'));
const tampered = async (change: (dir: string) => Promise<void>) => {
  const dir = await copyBag(bag, join(work, `copy-${++n}`));
  await change(dir);
  return dir;
};
const pairs = (ps: BagProblem[]) => ps.map((p) => `${p.code}@${p.path ?? ''}`).sort();

async function targetKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of target.backend.list('')) keys.push(o.key);
  return keys;
}

async function assertRejectedWithoutWrites(dir: string, expected: string[]): Promise<void> {
  await assert.rejects(importVolumeBag({ dir, store: target.store }), (e: unknown) => {
    assert.ok(e instanceof BagImportError);
    assert.deepEqual(pairs(e.problems), expected);
    return true;
  });
  assert.deepEqual(await targetKeys(), [], 'nothing written to the target store');
}

const CASES: Array<{ name: string; change: (dir: string) => Promise<void>; errors: string[] }> = [
  { name: 'a flipped byte in a payload file', change: (d) => flipByte(join(d, PDF)), errors: [`digest-mismatch@${PDF}`, `digest-mismatch@${PDF}`] },
  { name: 'a deleted payload file', change: (d) => unlink(join(d, PDF)), errors: [`file-missing@${PDF}`, `file-missing@${PDF}`, 'oxum-mismatch@bag-info.txt'] },
  { name: 'a stray file under data/', change: (d) => writeFile(join(d, STRAY), '多出来的文件'), errors: [`file-not-in-manifest@${STRAY}`, 'oxum-mismatch@bag-info.txt'] },
  { name: 'an edited tag file (bag-info.txt)', change: (d) => editTag(join(d, 'bag-info.txt')), errors: ['digest-mismatch@bag-info.txt', 'digest-mismatch@bag-info.txt'] },
];

for (const c of CASES) {
  test(`${c.name}: verifyBag names it, import writes nothing`, async () => {
    const dir = await tampered(c.change);
    const r = await verifyBag(dir);
    assert.equal(r.valid, false);
    assert.deepEqual(pairs(r.errors), [...c.errors].sort());
    assert.ok(r.errors.every((e) => e.message.zh && e.message.en));
    await assertRejectedWithoutWrites(dir, [...c.errors].sort());
  });
}

test('all four at once: every problem is reported in one report', async () => {
  const dir = await tampered(async (d) => {
    for (const c of CASES.slice(1)) await c.change(d);
    await flipByte(join(d, 'data/v3/content/002-批复.pdf'));
  });
  const r = await verifyBag(dir);
  const expected = [...CASES.slice(1).flatMap((c) => c.errors).filter((e) => !e.startsWith('oxum')), 'oxum-mismatch@bag-info.txt', 'digest-mismatch@data/v3/content/002-批复.pdf', 'digest-mismatch@data/v3/content/002-批复.pdf'];
  assert.deepEqual(pairs(r.errors), expected.sort());
  await assertRejectedWithoutWrites(dir, expected.sort());
});

test('the sha256 and sm3 digests are both checked: a manifest edit alone is caught', async () => {
  const dir = await tampered(async (d) => {
    const m = join(d, 'manifest-sm3.txt');
    await writeFile(m, (await readFile(m, 'utf8')).replace(/^[0-9a-f]{8}/, '00000000'));
  });
  const r = await verifyBag(dir);
  assert.deepEqual([...new Set(r.errors.map((e) => e.code))], ['digest-mismatch']);
  assert.ok(r.errors.some((e) => e.path === 'data/0=ocfl_object_1.1' && e.message.en.includes('sm3')));
  assert.ok(r.errors.some((e) => e.path === 'manifest-sm3.txt'), 'the tag manifest notices the edited manifest');
});

test('a consistent forgery (bag resealed after editing content) passes verifyBag but not the OCFL check: removed again', async () => {
  const dir = await tampered(async (d) => {
    await appendFile(join(d, 'data/v3/content/metadata/events.jsonl'), '{"seq":4,"type":"伪造"}\n');
    await reseal(d);
  });
  assert.equal((await verifyBag(dir)).valid, true);
  await assert.rejects(importVolumeBag({ dir, store: target.store }), (e: unknown) => e instanceof BagImportError && /E092|E093/.test(e.message));
  assert.deepEqual((await targetKeys()).filter((k) => k.startsWith(target.store.objectRoot(VOLUME_ID))), [], 'the object was removed again');
});

test('a bag for another object id, or without Dangan-OCFL-Id, is refused before anything is written', async () => {
  const other = await tampered(async (d) => {
    await writeFile(join(d, 'bag-info.txt'), (await readFile(join(d, 'bag-info.txt'), 'utf8')).replace(VOLUME_ID, 'urn:dangan:volume:other'));
    await reseal(d);
  });
  await assert.rejects(importVolumeBag({ dir: other, store: target.store }), (e: unknown) => e instanceof BagImportError && e.problems[0]?.code === 'import-id-mismatch');
  const none = await tampered(async (d) => {
    await writeFile(join(d, 'bag-info.txt'), (await readFile(join(d, 'bag-info.txt'), 'utf8')).replace(/^Dangan-OCFL-Id:.*\n/m, ''));
    await reseal(d);
  });
  await assert.rejects(importVolumeBag({ dir: none, store: target.store }), (e: unknown) => e instanceof BagImportError && e.problems[0]?.code === 'import-not-dangan');
  const keysBefore = await targetKeys();
  assert.ok(!keysBefore.some((k) => k.startsWith(target.store.objectRoot('urn:dangan:volume:other'))));
});
