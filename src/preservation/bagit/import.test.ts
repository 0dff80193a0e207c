/**
 * importVolumeBag against stores that are not empty: another object under the same id, leftovers of
 * an interrupted import, a crash in the middle of the copy (then a retry), a file changed on the
 * carrier after verification.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { OcflObjectStore } from '../ocfl/index.ts';
import { RecordingBackend } from '../ocfl/test-backend.ts';
import { StorageError } from '../storage/backend.ts';
import { BagImportError, exportVolumeBag, importVolumeBag } from './index.ts';
import { BAG_INFO, buildVolume, tempDir, tempStore, USER, VOLUME_ID, type TempStore } from './test-fixtures.ts';

let source: TempStore;
let out: string;
let bag: string;
const stores: TempStore[] = [];
const fresh = async () => {
  const s = await tempStore();
  stores.push(s);
  return s;
};
const keysUnder = async (s: TempStore, prefix: string) => {
  const keys: string[] = [];
  for await (const o of s.backend.list(prefix)) keys.push(o.key);
  return keys;
};

before(async () => {
  source = await tempStore();
  out = await tempDir();
  await buildVolume(source.store);
  bag = (await exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: out, bagName: 'bag', bagInfo: BAG_INFO })).path;
});
after(async () => {
  for (const s of [source, ...stores]) await s.close();
  await rm(out, { recursive: true, force: true });
});

test('another object under the same id is never replaced: import-conflict, nothing written', async () => {
  const t = await fresh();
  await t.store.createOrUpdate(VOLUME_ID, [{ logicalPath: 'other.pdf', source: Readable.from([Buffer.from('另一卷')]) }], { message: '别的内容', user: USER });
  const recording = new RecordingBackend(t.backend);
  await assert.rejects(importVolumeBag({ dir: bag, store: new OcflObjectStore(recording) }), (e: unknown) => e instanceof BagImportError && e.problems[0]?.code === 'import-conflict');
  assert.deepEqual(recording.calls, []);
  assert.equal((await t.store.readInventory(VOLUME_ID)).head, 'v1');
});

test('a crash in the middle of the copy leaves no visible object; the retry completes it', async () => {
  const t = await fresh();
  const crashing = new RecordingBackend(t.backend);
  crashing.crashWhen = (key) => key.endsWith('v2/inventory.json');
  await assert.rejects(importVolumeBag({ dir: bag, store: new OcflObjectStore(crashing) }), StorageError);
  assert.ok(crashing.calls.some((c) => c.key.endsWith('v3/content/002-批复.pdf')), 'content went first');
  assert.ok(!crashing.calls.some((c) => c.key.endsWith(`${t.store.objectRoot(VOLUME_ID)}/inventory.json`)), 'the root inventory was not reached');
  assert.equal(await t.store.tryReadInventory(VOLUME_ID), undefined, 'no object is visible');
  assert.ok((await keysUnder(t, `${t.store.objectRoot(VOLUME_ID)}/`)).length > 0, 'the dead process left content behind');
  const r = await importVolumeBag({ dir: bag, store: t.store });
  assert.equal(r.status, 'imported');
  assert.equal(r.validation.valid, true);
});

test('an object root holding files that are not in the bag is refused', async () => {
  const t = await fresh();
  await t.backend.put(`${t.store.objectRoot(VOLUME_ID)}/v9/content/stray.txt`, Readable.from([Buffer.from('x')]));
  await assert.rejects(importVolumeBag({ dir: bag, store: t.store }), (e: unknown) => e instanceof BagImportError && e.problems[0]?.code === 'import-conflict' && e.problems[0].path === 'v9/content/stray.txt');
});

test('the storage refuses bytes that changed on the carrier after verification, and the copy is undone', async () => {
  const t = await fresh();
  const local = await tempDir();
  try {
    const copy = (await exportVolumeBag({ store: source.store, ocflId: VOLUME_ID, to: local, bagName: 'bag', bagInfo: BAG_INFO })).path;
    // Change a file between verifyBag and the copy: the first put triggers the change.
    const inner = new RecordingBackend(t.backend);
    let changed = false;
    const racing = Object.assign(Object.create(inner) as RecordingBackend, {
      async put(key: string, src: Readable, expected?: Parameters<RecordingBackend['put']>[2]) {
        if (!changed) {
          changed = true;
          await writeFile(join(copy, 'data/v3/content/002-批复.pdf'), 'replaced after verification');
        }
        return inner.put(key, src, expected);
      },
    });
    await assert.rejects(importVolumeBag({ dir: copy, store: new OcflObjectStore(racing) }), (e: unknown) => e instanceof StorageError && e.kind === 'verify-failed');
    assert.deepEqual(await keysUnder(t, `${t.store.objectRoot(VOLUME_ID)}/`), [], 'what was written is removed again');
  } finally {
    await rm(local, { recursive: true, force: true });
  }
});
