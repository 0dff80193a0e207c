/**
 * Constant memory and throughput. A 500 MiB file is packed (copied + hashed once in the worker pool, then checked structurally) with
 * the resident set growing by less than 150 MiB; 2,000 files / 200 MiB are packed and files/s and MB/s
 * printed (t.diagnostic) for the copy+hash phase, the post-write check (structural by default) and the whole run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { packFolder } from './index.ts';
import { goodFill, tempDir, writeCatalog } from './test-fixtures.ts';

const MiB = 1 << 20;
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function bigFile(path: string, size: number): Promise<void> {
  const block = randomBytes(MiB);
  const out = createWriteStream(path);
  for (let sent = 0; sent < size; sent += MiB) {
    block.writeUInt32LE(sent / MiB, 0); // every block differs
    if (!out.write(Buffer.from(block.subarray(0, Math.min(MiB, size - sent))))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

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

test('packing a 500 MiB file grows RSS by less than 150 MiB', async (t) => {
  const d = await tempDir();
  dirs.push(d);
  await mkdir(join(d, 'src'));
  await bigFile(join(d, 'src', '竣工图 扫描件.tif'), 500 * MiB);
  const catalog = await writeCatalog(d, goodFill(['竣工图 扫描件.tif']));
  let bytes = 0;
  const growth = await peakGrowth(async () => {
    const r = await packFolder({ source: join(d, 'src'), catalogXlsx: catalog, out: join(d, 'pkg'), fsync: false });
    assert.ok(r.ok && r.result.report?.valid);
    bytes = r.ok ? r.result.bytes : 0;
  });
  assert.ok(bytes > 500 * MiB);
  t.diagnostic(`500 MiB file: RSS +${(growth / MiB).toFixed(1)} MiB`);
  assert.ok(growth < 150 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});

test('throughput: 2,000 files / 200 MiB', async (t) => {
  const d = await tempDir();
  dirs.push(d);
  const names: string[] = [];
  const block = randomBytes(MiB);
  for (let i = 0; i < 2000; i++) {
    const dir = `第${Math.floor(i / 100) + 1}组`;
    if (i % 100 === 0) await mkdir(join(d, 'src', dir), { recursive: true });
    const name = `${dir}/文件 ${i + 1}.pdf`;
    const size = 50 * 1024 + ((i * 7919) % 100) * 1024; // 50–149 KiB, 200 MiB in all
    block.writeUInt32LE(i, 0);
    await writeFile(join(d, 'src', ...name.split('/')), block.subarray((i * 4096) % (MiB - size), ((i * 4096) % (MiB - size)) + size));
    names.push(name);
  }
  const catalog = await writeCatalog(d, goodFill(names));
  for (const fsync of [false, true]) {
    const t0 = performance.now();
    const r = await packFolder({ source: join(d, 'src'), catalogXlsx: catalog, out: join(d, `pkg-${fsync}`), concurrency: 4, fsync });
    const total = (performance.now() - t0) / 1000;
    assert.ok(r.ok && r.result.report?.valid, JSON.stringify(!r.ok && r.problems.slice(0, 3)));
    const { files, bytes, ms } = r.result;
    const mb = bytes / 1e6;
    const rate = (s: number) => `${(files / s).toFixed(0)} files/s, ${(mb / s).toFixed(0)} MB/s`;
    t.diagnostic(`fsync=${fsync}: ${files} files / ${mb.toFixed(0)} MB — whole run ${total.toFixed(2)} s (${rate(total)}); ` +
      `copy+hash ${(ms.copy / 1000).toFixed(2)} s (${rate(ms.copy / 1000)}); check ${(ms.verify / 1000).toFixed(2)} s (${rate(ms.verify / 1000)}); ` +
      `validation etc. ${(total - (ms.copy + ms.verify) / 1000).toFixed(2)} s`);
    assert.ok(files / total >= 100, `${(files / total).toFixed(0)} files/s`);
  }
});
