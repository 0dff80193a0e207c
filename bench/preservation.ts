/**
 * Preservation benchmarks (issue #3), each beside raw hashing of the same bytes in the same run:
 *   - content store ingest (3 digests, fsync, rename)
 *   - archival package write + replicate + re-verify (primary and two replicas)
 *   - fixity audit (every content file re-hashed with SHA-512, SHA-256 and SM3)
 *   - one big file (default 5 GiB, BENCH_BIG_GIB) through ingest + write + verify + replicate, peak RSS
 */
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { migrate } from '../src/platform/migrate.ts';
import { createDb } from '../src/platform/db.ts';
import { startEmbeddedPostgres } from '../src/platform/embedded-postgres.ts';
import { loadReferenceData } from '../src/app/reference-data.ts';
import { seedDemo } from '../src/demo/index.ts';
import { createRecord, createVolume } from '../src/catalog/index.ts';
import { FsContentStore, Preservation, defaultStorageConfig, runAudit, type StoredObject } from '../src/preservation/index.ts';
import { generated } from '../src/preservation/storage/contract.ts';

type Row = (what: string, figure: string, bound: string) => void;
const MiB = 1024 * 1024;
const mbps = (bytes: number, ms: number) => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MB/s`;

async function rawHash(source: Readable): Promise<number> {
  const t = performance.now();
  const h = [createHash('sha256'), createHash('sha512'), createHash('sm3')];
  for await (const c of source) for (const x of h) x.update(c as Buffer);
  h.forEach((x) => x.digest());
  return performance.now() - t;
}

export async function benchPreservation(row: Row): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-bench-pres-'));
  await chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'db') });
  const db = createDb(pg.url, { max: 6 });
  try {
    await migrate(db);
    await loadReferenceData(db);
    const content = new FsContentStore(join(dir, 'store'));
    await content.init();
    await seedDemo(db, content, { password: 'bench-password-1' });
    const p = await Preservation.open(db, content, defaultStorageConfig(dir));
    const [unit] = await db.query<{ id: string }>(`SELECT u.id FROM unit_project u JOIN repository r ON r.id = u.repository_id WHERE r.code = 'DZ' ORDER BY u.code LIMIT 1`);
    const system = { kind: 'system' as const, name: 'bench' };

    const addVolume = async (code: string, files: number, size: number) => {
      const stored: StoredObject[] = [];
      for (let i = 0; i < files; i++) stored.push(await content.put(generated(size)));
      return db.tx(async (tx) => {
        const v = await createVolume(tx, system, unit!.id, { archivalCode: code, title: `基准测试 ${code}`, category: 'D', subclass: 'D1', year: 2025, retention: 'permanent', classification: 'none', access: 'restricted' });
        for (const [i, s] of stored.entries()) {
          await createRecord(tx, system, v.id, { title: `扫描件 ${i + 1}`, author: 'bench', date: null, docNumber: '', pages: 1, subclass: 'D1', origin: 'digitised' },
            [{ fileName: `扫描件-${String(i + 1).padStart(4, '0')}.tif`, format: 'image/tiff', size: s.size, sha256: s.sha256, sha512: s.sha512, sm3: s.sm3, storageKey: s.key }]);
        }
        return v.id;
      });
    };

    // 1. 1 GiB in 64 files of 16 MiB: package write + replicate + verify at 3 locations
    const total = 1024 * MiB;
    const raw = await rawHash(generated(total));
    const volumeId = await addVolume('BENCH-1G', 64, 16 * MiB);
    let t = performance.now();
    const state = await p.preserveVolume(volumeId, 'system:bench');
    const preserve = performance.now() - t;
    if (state.state !== 'preserved') throw new Error('bench volume not preserved');
    // Work done: write+read-back at the primary, copy+read-back at 2 replicas, full validation at 3 = 9 passes over the bytes.
    row('archival package of 1 GiB (64 × 16 MiB): write, replicate to 2 locations, re-verify all 3', `${(preserve / 1000).toFixed(1)} s = ${mbps(total * 9, preserve)} over 9 passes`,
      `raw SHA-256+SHA-512+SM3 of the same bytes: ${mbps(total, raw)} per pass (${((raw * 9) / 1000).toFixed(1)} s for 9)`);

    // 2. fixity audit of the primary (all packages, the 1 GiB one included)
    t = performance.now();
    const audit = await runAudit(p, { location: 'primary', mode: 'full', actor: 'system:bench' });
    const auditMs = performance.now() - t;
    const share = ((audit.bytesChecked / auditMs) / (total / raw)) * 100;
    row(`fixity audit of a location (${audit.objectsChecked} packages, ${(audit.bytesChecked / MiB).toFixed(0)} MiB)`, `${mbps(audit.bytesChecked, auditMs)} (${share.toFixed(0)} % of raw)`,
      `raw hashing ${mbps(total, raw)}; the audit also reads inventories and lists every object`);

    // 3. one big file: ingest + write + verify + replicate, peak RSS
    const big = Number(process.env.BENCH_BIG_GIB ?? '5') * 1024 * MiB;
    let peak = process.memoryUsage().rss;
    const base = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    t = performance.now();
    const bigId = await addVolume('BENCH-BIG', 1, big);
    const ingest = performance.now() - t;
    t = performance.now();
    const bigState = await p.preserveVolume(bigId, 'system:bench');
    const bigMs = performance.now() - t;
    clearInterval(sampler);
    row(`one ${(big / 1024 / MiB).toFixed(0)} GiB file: ingest, then package write + replicate + verify at 3 locations`,
      `ingest ${mbps(big, ingest)}; package ${(bigMs / 1000).toFixed(0)} s; state ${bigState.state}; peak RSS ${(peak / MiB).toFixed(0)} MiB (+${((peak - base) / MiB).toFixed(0)} MiB)`,
      'RSS ≤ 300 MB (issue #3)');
  } finally {
    await db.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
