/**
 * Offline packer benchmark (issue #4, "Speed"): 2,000 mixed files / 2 GiB (BENCH_PACK_GIB, BENCH_PACK_FILES),
 * random bytes, Chinese names, nested folders, with their 卷内目录 workbook. Timed, each beside raw
 * SHA-256 + SM3 hashing of the same files read from disk in one pass on one thread:
 *   - `packFolder` end to end (validation, copy + hash, post-write check, fsync, rename), default
 *     (structural post-write check) and `verify: 'full'` (payload re-read and re-hashed)
 *   - unpacking + manifest verification of the result (a) as a directory (verifyBag) and (b) zipped
 *     (stored, written here by a small streaming zip writer) through `openPackage` with `open({ digest: true })`
 * Peak RSS is sampled for each phase. All files fit in the page cache (the figures are CPU-bound, not disk-bound).
 * Run alone: `node --import tsx bench/packages.ts`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { verifyBag } from '../src/preservation/bagit/index.ts';
import { openPackage, packFolder } from '../src/packages/index.ts';
import { goodFill, writeCatalog } from '../src/packages/pack/test-fixtures.ts';

type Row = (what: string, figure: string, bound: string) => void;
const KiB = 1024;
const MiB = 1024 * KiB;

/** Deterministic sizes: ~1/400 of the files ≥ 100 MiB, ~2.5 % 5–50 MiB, the rest 10–200 KiB; summing to `total`. */
function plan(files: number, total: number): number[] {
  const big = Math.max(1, Math.round(files / 660)); // 3 of 2,000
  const mid = Math.max(1, Math.round(files / 40)); // 50 of 2,000
  const sizes: number[] = [];
  for (let i = 0; i < files - big - mid; i++) sizes.push(10 * KiB + ((i * 7919) % 191) * KiB); // 10–200 KiB
  for (let i = 0; i < mid; i++) sizes.push(5 * MiB + ((i * 104729) % 46) * MiB); // 5–50 MiB
  const rest = total - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; i < big; i++) sizes.push(Math.floor(rest / big) + (i === big - 1 ? rest % big : 0));
  if (sizes.some((s) => s <= 0)) throw new Error(`cannot fit ${files} files into ${total} bytes`);
  // interleave so the big files are not all at the end of the catalog
  return sizes.map((s, i) => ({ s, k: (i * 2654435761) % 4294967296 })).sort((a, b) => a.k - b.k).map((x) => x.s);
}

const pool = randomBytes(16 * MiB);
async function writeRandom(path: string, size: number, seed: number): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    for (let off = 0; off < size; off += MiB) {
      const n = Math.min(MiB, size - off);
      const start = ((seed * 8191 + off / MiB) * 4099) % (pool.length - MiB);
      const chunk = Buffer.from(pool.subarray(start, start + n));
      if (n >= 8) chunk.writeUInt32LE(seed, 0), chunk.writeUInt32LE(off / MiB, 4); // every block of every file differs
      await fh.write(chunk);
    }
  } finally {
    await fh.close();
  }
}

/** Peak RSS (whole process, worker threads included) while `fn` runs. */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; rss: number }> {
  let rss = process.memoryUsage.rss();
  const timer = setInterval(() => (rss = Math.max(rss, process.memoryUsage.rss())), 20);
  const t = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t, rss: Math.max(rss, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

async function rawHash(files: string[]): Promise<void> {
  for (const f of files) {
    const a = createHash('sha256');
    const b = createHash('sm3');
    for await (const c of createReadStream(f, { highWaterMark: MiB })) {
      a.update(c as Buffer);
      b.update(c as Buffer);
    }
    a.digest();
    b.digest();
  }
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(join(root, rel), { withFileTypes: true })).sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, p)));
    else out.push(p);
  }
  return out;
}

/**
 * A minimal streaming zip writer: stored (method 0), UTF-8 names (flag bit 11), CRC and sizes in a data
 * descriptor after each body (flag bit 3), so each file is read once and never held whole. Zip64 is not
 * written, so the archive must stay under 4 GiB (the benchmark checks).
 */
async function zipDir(root: string, file: string): Promise<void> {
  const names = await listFiles(root);
  // tag files first, then the payload (the order a packer would use)
  names.sort((a, b) => Number(a.startsWith('data/')) - Number(b.startsWith('data/')));
  const out = createWriteStream(file);
  let offset = 0;
  const write = async (b: Buffer) => {
    offset += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  const central: Buffer[] = [];
  for (const n of names) {
    const name = Buffer.from(n, 'utf8');
    const at = offset;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0808, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt16LE(name.length, 26);
    await write(local);
    await write(name);
    let crc = 0;
    let size = 0;
    for await (const c of createReadStream(join(root, ...n.split('/')), { highWaterMark: MiB })) {
      crc = crc32(c as Buffer, crc);
      size += (c as Buffer).length;
      await write(c as Buffer);
    }
    const dd = Buffer.alloc(16);
    dd.writeUInt32LE(0x08074b50, 0);
    dd.writeUInt32LE(crc >>> 0, 4);
    dd.writeUInt32LE(size, 8);
    dd.writeUInt32LE(size, 12);
    await write(dd);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x031e, 4); // made by Unix, 3.0
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0808, 8);
    c.writeUInt32LE(0x00210000, 12);
    c.writeUInt32LE(crc >>> 0, 16);
    c.writeUInt32LE(size, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    c.writeUInt32LE(at, 42);
    central.push(c, name);
  }
  const cdStart = offset;
  for (const b of central) await write(b);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(offset - cdStart, 12);
  end.writeUInt32LE(cdStart, 16);
  await write(end);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  if (offset >= 2 ** 32 || names.length >= 0xffff) throw new Error('the benchmark zip writer does not write zip64');
}

const parseManifest = (text: string): Map<string, string> => {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('  ');
    if (i > 0) m.set(decodeURIComponent(line.slice(i + 2).replace(/%(?![0-9A-Fa-f]{2})/g, '%25')), line.slice(0, i));
  }
  return m;
};

/** Reads every entry of the package with open({ digest: true }) and checks it against both manifests. */
async function unpackAndVerify(path: string): Promise<{ files: number; bytes: number }> {
  const reader = await openPackage(path);
  const manifests: Record<'sha256' | 'sm3', Map<string, string> | undefined> = { sha256: undefined, sm3: undefined };
  const seen = new Map<string, { sha256: string; sm3: string }>();
  let files = 0;
  let bytes = 0;
  for await (const e of reader) {
    if (e.kind !== 'file') continue;
    const s = e.open({ digest: true, sha512: false }); // the manifests are SHA-256 and SM3
    const keep = /^manifest-(sha256|sm3)\.txt$/.exec(e.path)?.[1] as 'sha256' | 'sm3' | undefined;
    const parts: Buffer[] = [];
    for await (const c of s) if (keep) parts.push(c as Buffer);
    if (keep) manifests[keep] = parseManifest(Buffer.concat(parts).toString('utf8'));
    if (e.path.startsWith('data/')) {
      const d = s.digests();
      seen.set(e.path, { sha256: d.sha256, sm3: d.sm3 });
      files++;
      bytes += d.size;
    }
  }
  for (const alg of ['sha256', 'sm3'] as const) {
    const m = manifests[alg];
    if (!m) throw new Error(`manifest-${alg}.txt missing`);
    if (m.size !== seen.size) throw new Error(`manifest-${alg}.txt lists ${m.size} files, the package holds ${seen.size}`);
    for (const [p, d] of seen) if (m.get(p) !== d[alg]) throw new Error(`${alg} mismatch for ${p}`);
  }
  return { files, bytes };
}

export async function benchPackages(row: Row): Promise<void> {
  const files = Number(process.env.BENCH_PACK_FILES ?? '2000');
  const total = Math.round(Number(process.env.BENCH_PACK_GIB ?? '2') * 1024 * MiB);
  const dir = await mkdtemp(join(tmpdir(), 'dangan-bench-pack-'));
  const mb = (bytes: number, ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
  const fps = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(0)} files/s`;
  const rssMiB = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  try {
    const sizes = plan(files, total);
    const names: string[] = [];
    for (const [i, size] of sizes.entries()) {
      const folder = `第${Math.floor(i / 200) + 1}卷/第${Math.floor(i / 20) % 10 + 1}册`;
      const ext = size >= 100 * MiB ? 'tif' : size >= 5 * MiB ? 'dwg' : 'pdf';
      const name = `${folder}/竣工图 第${i + 1}号 说明.${ext}`;
      await mkdir(join(dir, 'src', ...folder.split('/')), { recursive: true });
      await writeRandom(join(dir, 'src', ...name.split('/')), size, i);
      names.push(name);
    }
    const catalog = await writeCatalog(dir, goodFill(names));
    const paths = names.map((n) => join(dir, 'src', ...n.split('/')));
    const label = `${files.toLocaleString('en')} files / ${(total / 1024 / MiB).toFixed(1)} GiB (${sizes.filter((s) => s < MiB).length} × 10–200 KiB, ${sizes.filter((s) => s >= MiB && s < 100 * MiB).length} × 5–50 MiB, ${sizes.filter((s) => s >= 100 * MiB).length} × ${(Math.max(...sizes) / MiB).toFixed(0)} MiB)`;

    await rawHash(paths); // warm the page cache so every phase reads from memory alike
    const raw = await measure(() => rawHash(paths));
    row(`raw SHA-256 + SM3, one thread, one pass over ${label}`, `${(raw.ms / 1000).toFixed(1)} s = ${mb(total, raw.ms)}, ${fps(files, raw.ms)}`, `reference for the rows below (${availableParallelism()} cores)`);

    const pkg = join(dir, 'pkg');
    const packed = await measure(() => packFolder({ source: join(dir, 'src'), catalogXlsx: catalog, out: pkg }));
    if (!packed.value.ok) throw new Error(JSON.stringify(packed.value.problems.slice(0, 3)));
    const r = packed.value.result;
    if (r.files !== files || r.bytes < total) throw new Error(`packed ${r.payloadOxum}`);
    const phase = `copy+hash ${(r.ms.copy / 1000).toFixed(1)} s, check ${(r.ms.verify / 1000).toFixed(1)} s`;
    row(`\`packFolder\` end to end (defaults: 2 hash workers, fsync, structural post-write check), ${label}`,
      `${(packed.ms / 1000).toFixed(1)} s = ${fps(files, packed.ms)}, ${mb(total, packed.ms)} (${phase}); peak RSS ${rssMiB(packed.rss)}`,
      '≥ 100 files/s and ≥ 150 MB/s (issue #4; RODA-in ≈ 2.4 files/s)');

    const full = await measure(() => packFolder({ source: join(dir, 'src'), catalogXlsx: catalog, out: join(dir, 'pkg-full'), verify: 'full' }));
    if (!full.value.ok || !full.value.result.report?.valid) throw new Error('verify: full failed');
    await rm(join(dir, 'pkg-full'), { recursive: true, force: true });
    row(`\`packFolder\` with \`verify: 'full'\` (every payload file re-read and re-hashed in the pool), same files`,
      `${(full.ms / 1000).toFixed(1)} s = ${fps(files, full.ms)}, ${mb(total, full.ms)}; peak RSS ${rssMiB(full.rss)}`, '≥ 100 files/s and ≥ 150 MB/s');

    const dirCheck = await measure(() => verifyBag(pkg));
    if (!dirCheck.value.valid) throw new Error(JSON.stringify(dirCheck.value.errors.slice(0, 3)));
    row('unpack + manifest verification, package as a directory (`verifyBag`: the manifest algorithms (SHA-256, SM3) of every file)',
      `${(dirCheck.ms / 1000).toFixed(1)} s = ${mb(total, dirCheck.ms)}, ${(dirCheck.ms / raw.ms).toFixed(2)} × raw; peak RSS ${rssMiB(dirCheck.rss)}`, '≤ 1.5 × raw hashing time (issue #4)');

    const zip = join(dir, 'pkg.zip');
    await zipDir(pkg, zip);
    const zipped = (await stat(zip)).size;
    const zipCheck = await measure(() => unpackAndVerify(zip));
    if (zipCheck.value.files !== files + 1) throw new Error(`read ${zipCheck.value.files} payload files`); // + metadata.json
    row(`unpack + manifest verification, package zipped (stored, ${(zipped / 1024 / MiB).toFixed(2)} GiB; \`openPackage\` + \`open({ digest: true })\`, SHA-256+SM3, compared with both manifests)`,
      `${(zipCheck.ms / 1000).toFixed(1)} s = ${mb(total, zipCheck.ms)}, ${(zipCheck.ms / raw.ms).toFixed(2)} × raw; peak RSS ${rssMiB(zipCheck.rss)}`, '≤ 1.5 × raw hashing time (issue #4)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows: string[] = [];
  process.stdout.write(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n`);
  await benchPackages((what, figure, bound) => rows.push(`| ${what} | ${figure} | ${bound} |`));
  process.stdout.write(`| what | measured | compared with |\n|---|---|---|\n${rows.join('\n')}\n`);
}
