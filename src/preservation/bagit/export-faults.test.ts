/**
 * Exports that go wrong leave no bag under the final name: a source stream that fails half way, a
 * damaged source object, a version committed while exporting, and a process killed mid-export.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { OcflObjectStore } from '../ocfl/index.ts';
import type { ObjectInfo, PutResult, StorageBackend } from '../storage/backend.ts';
import { BagExportError, exportVolumeBag, verifyBag } from './index.ts';
import { BAG_INFO, buildVolume, tempDir, tempStore, USER, VOLUME_ID, type TempStore } from './test-fixtures.ts';

type Hook = (key: string, real: () => Promise<Readable>) => Promise<Readable>;

/** Delegates to `inner`; every get goes through `hook`. */
class HookedBackend implements StorageBackend {
  constructor(private readonly inner: StorageBackend, private readonly hook: Hook) {}
  get describe(): string {
    return `hooked(${this.inner.describe})`;
  }
  put(key: string, source: Readable, expected?: Parameters<StorageBackend['put']>[2]): Promise<PutResult> {
    return this.inner.put(key, source, expected);
  }
  get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    return this.hook(key, () => this.inner.get(key, range));
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.inner.head(key);
  }
  list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  digest(key: string): Promise<PutResult> {
    return this.inner.digest(key);
  }
}

let source: TempStore;
let out: string;
before(async () => {
  source = await tempStore();
  out = await tempDir();
  await buildVolume(source.store);
});
after(async () => {
  await source.close();
  await rm(out, { recursive: true, force: true });
});

const exportWith = (store: OcflObjectStore, to: string, bagName = 'bag') => exportVolumeBag({ store, ocflId: VOLUME_ID, to, bagName, bagInfo: BAG_INFO });

test('a source stream that fails half way: the export rejects and leaves nothing, not even the partial folder', async () => {
  const to = join(out, 'stream-error');
  const failing: Hook = async (key, real) => {
    if (!key.endsWith('001-项目建议书.pdf')) return real();
    const stream = await real();
    return Readable.from((async function* () {
      let n = 0;
      for await (const chunk of stream) {
        yield chunk as Buffer;
        n += (chunk as Buffer).length;
        if (n >= 100_000) throw new Error('simulated read error half way');
      }
    })());
  };
  await assert.rejects(exportWith(new OcflObjectStore(new HookedBackend(source.backend, failing)), to), /simulated read error half way/);
  assert.deepEqual(await readdir(to), []);
});

test('a damaged source object is not exported', async () => {
  const damaged = await tempStore();
  try {
    await buildVolume(damaged.store);
    const file = join(damaged.dir, damaged.store.objectRoot(VOLUME_ID), 'v1/content/metadata/volume.xml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('竣工', '竣エ'));
    const to = join(out, 'damaged');
    await assert.rejects(exportWith(damaged.store, to), (e: unknown) => e instanceof BagExportError && /damaged.*volume\.xml/.test(e.message));
    assert.deepEqual(await readdir(to), []);
  } finally {
    await damaged.close();
  }
});

test('a version committed while exporting: the export notices and refuses; a retry exports the new head', async () => {
  const own = await tempStore();
  try {
    await buildVolume(own.store);
    let fired = false;
    const commitFirst: Hook = async (key, real) => {
      if (!fired && key.endsWith('/0=ocfl_object_1.1')) {
        fired = true;
        await own.store.createOrUpdate(VOLUME_ID, [{ logicalPath: '003-补充.pdf', source: Readable.from([Buffer.from('补充')]) }], { message: 'v4', user: USER });
      }
      return real();
    };
    const to = join(out, 'raced');
    await assert.rejects(exportWith(new OcflObjectStore(new HookedBackend(own.backend, commitFirst)), to), /changed while exporting/);
    assert.deepEqual(await readdir(to), []);
    const retry = await exportWith(own.store, to);
    assert.equal(retry.head, 'v4');
  } finally {
    await own.close();
  }
});

test('a process killed mid-export leaves only a .partial-* folder, never a bag under the final name', async () => {
  const to = join(out, 'killed');
  const lib = new URL('.', import.meta.url).pathname;
  const child = `
    import { Transform } from 'node:stream';
    import { OcflObjectStore } from '${lib}../ocfl/index.ts';
    import { FsBackend } from '${lib}../storage/fs-backend.ts';
    import { exportVolumeBag } from '${lib}index.ts';
    const inner = new FsBackend(process.env.STORE);
    const slow = Object.assign(Object.create(inner), {
      async get(key, range) {
        const s = await inner.get(key, range);
        return s.pipe(new Transform({ transform(c, _e, cb) { setTimeout(() => cb(null, c), 200); } }));
      },
    });
    await exportVolumeBag({ store: new OcflObjectStore(slow), ocflId: process.env.ID, to: process.env.OUT, bagName: 'bag', bagInfo: JSON.parse(process.env.INFO) });
    console.log('finished');`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], {
    env: { ...process.env, STORE: source.dir, OUT: to, ID: VOLUME_ID, INFO: JSON.stringify(BAG_INFO) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let partial: string | undefined;
  while (Date.now() < deadline && proc.exitCode === null) {
    partial = existsSync(to) ? (await readdir(to)).find((n) => n.startsWith('.partial-bag-')) : undefined;
    if (partial && existsSync(join(to, partial, 'data', '0=ocfl_object_1.1'))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(partial, `the child started exporting (${stderr})`);
  proc.kill('SIGKILL');
  await exited;
  assert.deepEqual(await readdir(to), [partial], 'only the partial folder');
  assert.ok(!existsSync(join(to, 'bag')));
  // The leftover is inert: it is not a bag, and a new export under the same name succeeds next to it.
  assert.equal((await verifyBag(join(to, partial!))).valid, false);
  const again = await exportWith(source.store, to);
  assert.equal(again.report.valid, true);
  assert.deepEqual((await readdir(to)).sort(), [partial, 'bag'].sort());
});
