/**
 * Memory stays bounded: exporting (and verifying, and importing) an object of 200 MiB grows the
 * resident set by less than 150 MiB. Files are streamed, never held whole.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { exportVolumeBag, importVolumeBag } from './index.ts';
import { BAG_INFO, tempDir, tempStore, USER, type TempStore } from './test-fixtures.ts';

const ID = 'urn:dangan:volume:0190f4a2-7c1e-7000-8000-0000000000c2';
const MiB = 1 << 20;
let source: TempStore;
let target: TempStore;
let out: string;

/** `size` bytes of pseudo-random data, 1 MiB at a time. */
function bigStream(size: number): Readable {
  const block = randomBytes(MiB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(MiB, size - sent);
      block[0] = sent / MiB; // every block differs a little
      this.push(Buffer.from(block.subarray(0, n)));
      sent += n;
    },
  });
}

/** Peak RSS growth over the baseline while `fn` runs, sampled every 5 ms. */
async function peakGrowth(fn: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - base;
}

before(async () => {
  source = await tempStore();
  target = await tempStore();
  out = await tempDir();
  await source.store.createOrUpdate(
    ID,
    [
      { logicalPath: '竣工图/总平面图-扫描件.tif', source: bigStream(192 * MiB) },
      { logicalPath: '竣工图/立面图.pdf', source: bigStream(8 * MiB) },
      { logicalPath: 'metadata/volume.xml', source: Readable.from([Buffer.from('<案卷/>\n')]) },
    ],
    { message: '接收进馆', user: USER },
  );
});
after(async () => {
  await source.close();
  await target.close();
  await rm(out, { recursive: true, force: true });
});

test('exporting a 200 MiB object grows RSS by less than 150 MiB', async (t) => {
  let bytes = 0;
  const growth = await peakGrowth(async () => {
    const r = await exportVolumeBag({ store: source.store, ocflId: ID, to: out, bagName: 'big', bagInfo: BAG_INFO });
    assert.equal(r.report.valid, true);
    bytes = r.bytes;
  });
  assert.ok(bytes > 200 * MiB);
  t.diagnostic(`export of ${(bytes / MiB).toFixed(1)} MiB: RSS +${(growth / MiB).toFixed(1)} MiB`);
  assert.ok(growth < 150 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});

test('importing it back grows RSS by less than 150 MiB too', async (t) => {
  const growth = await peakGrowth(async () => {
    const r = await importVolumeBag({ dir: `${out}/big`, store: target.store });
    assert.equal(r.status, 'imported');
  });
  t.diagnostic(`import: RSS +${(growth / MiB).toFixed(1)} MiB`);
  assert.ok(growth < 150 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});
