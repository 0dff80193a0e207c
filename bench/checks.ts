/**
 * 四性检测 benchmark (issue #5, "Speed"): a mixed package of ~600 MB in 500 files — scanned-page PDFs,
 * OFD files with seals, TIFF and JPEG scans, XML — packed as a Dangan bag, then checked at the GD stage
 * the way `dangan check` does it (bag read without re-hashing, every file read once on the worker pool:
 * digests, identification by content, the format validator, signatures and seals), without the virus
 * scan. Compared with raw SHA-256 + SM3 of the same files on one thread (the digests the check computes).
 * The virus scan's cost is measured separately against a real clamd when one is installed.
 * Bounds: ≤ 10 s on this 2-core machine; ≥ 50 % of the raw digest throughput.
 * Run alone: `node --import tsx bench/checks.ts` (BENCH_CHECK_MB, BENCH_CHECK_FILES to change the size).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { DEFAULT_SCHEME, createFilePool, runCheck, type VirusScanner } from '../src/checks/index.ts';
import { ClamdScanner } from '../src/checks/virus/index.ts';
import { startClamd } from '../src/checks/virus/testing.ts';
import { packFolder, readDanganBag } from '../src/packages/index.ts';
import { goodFill, writeCatalog } from '../src/packages/pack/test-fixtures.ts';
import { corpus } from '../src/platform/testing/corpus.ts';

type Row = (what: string, figure: string, bound: string) => void;
const MB = 1e6;

/**
 * A scanned A4 page at `dpi`: white paper, lines of "text" (dark bars of varied length), a stamp, and light
 * sensor noise — what archives receive, unlike pure noise (which no scanner produces and no codec compresses).
 */
function pageSvg(width: number, height: number, seed: number): Buffer {
  const lines: string[] = [];
  const lh = Math.round(height / 48);
  for (let i = 4; i < 44; i++) {
    let x = Math.round(width * 0.1);
    const end = Math.round(width * (0.55 + (((i * 7919 + seed) % 40) / 100)));
    while (x < end) {
      const w = Math.round(lh * (0.5 + (((x + i * 31 + seed) % 17) / 10)));
      lines.push(`<rect x="${x}" y="${i * lh}" width="${w}" height="${Math.round(lh * 0.55)}" fill="#222"/>`);
      x += w + Math.round(lh * 0.35);
    }
  }
  lines.push(`<circle cx="${width * 0.7}" cy="${height * 0.85}" r="${width * 0.08}" fill="none" stroke="#c00" stroke-width="${lh * 0.3}"/>`);
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fdfdfb"/>${lines.join('')}</svg>`);
}

export async function scan(format: 'jpeg' | 'tiff-lzw' | 'tiff-g4', dpi: number, seed: number): Promise<Buffer> {
  const width = Math.round(8.27 * dpi);
  const height = Math.round(11.69 * dpi);
  const colour = format === 'jpeg';
  let img = sharp(pageSvg(width, height, seed), { density: 72 }).composite([{ input: { create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 0, sigma: colour ? 6 : 3 } } }, blend: 'add' }]);
  if (!colour) img = img.greyscale();
  const flat = await img.png().toBuffer(); // composite once, then encode
  const out = sharp(flat);
  if (format === 'jpeg') return out.jpeg({ quality: 85 }).withMetadata({ density: dpi }).toBuffer();
  const tiffRes = { xres: dpi / 25.4, yres: dpi / 25.4, resolutionUnit: 'inch' as const };
  return format === 'tiff-g4'
    ? out.removeAlpha().threshold(128).toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1, ...tiffRes }).toBuffer()
    : out.removeAlpha().tiff({ compression: 'lzw', ...tiffRes }).toBuffer();
}

/** Writes the source folder: returns the file names and total bytes. */
async function makeSource(dir: string, targetMb: number, files: number): Promise<{ names: string[]; bytes: number }> {
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  let bytes = 0;
  const add = async (name: string, data: Buffer | string) => {
    await writeFile(join(dir, name), data);
    names.push(name);
    bytes += Buffer.byteLength(data);
  };
  const n = { pdf: Math.round(files * 0.3), ofd: Math.round(files * 0.1), tiff: Math.round(files * 0.1), jpeg: Math.round(files * 0.3) };
  const xmlCount = files - n.pdf - n.ofd - n.tiff - n.jpeg;
  // Scans at 300 dpi, A4: colour JPEG pages; TIFF masters, half bilevel CCITT G4 (text), half grey LZW.
  const jpegs = await Promise.all([1, 2, 3].map((i) => scan('jpeg', 300, i)));
  const tiffs = [await scan('tiff-g4', 300, 1), await scan('tiff-lzw', 300, 2)];
  for (let i = 0; i < n.jpeg; i++) await add(`jpg-${String(i).padStart(3, '0')}.jpg`, jpegs[i % jpegs.length]!);
  for (let i = 0; i < n.tiff; i++) await add(`tif-${String(i).padStart(3, '0')}.tif`, tiffs[i % tiffs.length]!);
  const ofds = ['ofdrw/ofdrw-sign/src/test/resources/v4signed.ofd', 'ofdrw/ofdrw-reader/src/test/resources/helloworld.ofd', 'ofdrw/ofdrw-sign/src/test/resources/signedFile.ofd', 'ofdrw/ofdrw-converter/src/test/resources/999.ofd'];
  for (let i = 0; i < n.ofd; i++) {
    await copyFile(corpus(ofds[i % ofds.length]!), join(dir, `ofd-${String(i).padStart(3, '0')}.ofd`));
    names.push(`ofd-${String(i).padStart(3, '0')}.ofd`);
  }
  for (let i = 0; i < xmlCount; i++) await add(`xml-${String(i).padStart(3, '0')}.xml`, `<?xml version="1.0" encoding="UTF-8"?>\n<记录 编号="${i}"><题名>基础验槽记录 ${i}</题名><日期>2025-05-01</日期></记录>\n`);
  // The rest of the bytes in scanned-document PDFs (pages of the JPEG scans), the commonest archive file
  // (in the construction archives we serve, most bytes arrive as PDF).
  const perPdf = Math.max(1, (targetMb * MB - bytes) / n.pdf);
  for (let i = 0; i < n.pdf; i++) {
    const doc = await PDFDocument.create();
    doc.setTitle(`扫描件 ${i}`);
    doc.setProducer('bench scanner');
    let size = 0;
    for (let p = 0; size < perPdf; p++) {
      const jpg = jpegs[(i + p) % jpegs.length]!;
      doc.addPage([595, 842]).drawImage(await doc.embedJpg(jpg), { x: 0, y: 0, width: 595, height: 842 });
      size += jpg.length;
    }
    await add(`pdf-${String(i).padStart(3, '0')}.pdf`, Buffer.from(await doc.save()));
  }
  return { names, bytes };
}

async function rawDigests(dir: string, names: string[]): Promise<number> {
  const t0 = performance.now();
  for (const n of names) {
    const a = createHash('sha256');
    const b = createHash('sm3');
    for await (const c of createReadStream(join(dir, n), { highWaterMark: 1 << 20 })) {
      a.update(c as Buffer);
      b.update(c as Buffer);
    }
    a.digest();
    b.digest();
  }
  return performance.now() - t0;
}

export async function benchChecks(row: Row): Promise<void> {
  const targetMb = Number(process.env.BENCH_CHECK_MB ?? 600);
  const files = Number(process.env.BENCH_CHECK_FILES ?? 500);
  const work = await mkdtemp(join(tmpdir(), 'dangan-bench-check-'));
  try {
    const src = join(work, 'src');
    const { names } = await makeSource(src, targetMb, files);
    const catalog = await writeCatalog(work, goodFill(names));
    const packed = await packFolder({ source: src, catalogXlsx: catalog, out: join(work, 'bag'), concurrency: 2 });
    if (!packed.ok) throw new Error(JSON.stringify(packed.problems.slice(0, 5)));
    const bag = join(work, 'bag');
    const totalBytes = packed.result.bytes;
    // Warm the page cache for both runs alike, then the raw bound.
    await rawDigests(src, names);
    const rawMs = await rawDigests(src, names);

    const pool = createFilePool({ timeoutMs: DEFAULT_SCHEME.params.fileTimeoutMs });
    let checkMs = 0;
    let report;
    try {
      // The first run pays the workers' start-up (loading pdf.js, sharp…); measured as the CLI would see it.
      const t0 = performance.now();
      const pkg = await readDanganBag(bag, { payloadDigests: false });
      report = await runCheck({ stage: 'GD', scheme: DEFAULT_SCHEME, root: bag, pkg, target: { kind: 'package', name: 'bench' }, pool, ...(pkg.registered ? { registered: pkg.registered } : {}) });
      checkMs = performance.now() - t0;
    } finally {
      await pool.close();
    }
    const s = report.summary;
    // As a user runs it: the compiled CLI in a new process (worker start-up included), when dist/ is built.
    let cliMs: number | undefined;
    if (existsSync(join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js'))) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'dangan.js'), 'check', bag, '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      cliMs = performance.now() - t0;
      if (r.status !== 0 && r.status !== 1) throw new Error(`dangan check failed: ${r.stderr}`);
    }
    const per = (fmt: string) => report.items.filter((i) => i.code === 'GD-3-3' && i.evidence?.format === fmt).length;
    process.stderr.write(`check: ${s.files} files, ${(s.bytes / MB).toFixed(0)} MB, verdict ${s.verdict}, fail ${s.counts.fail} (pdf ${per('pdf')}, ofd ${per('ofd')}, tiff ${per('tiff')}, jpeg ${per('jpeg')}, xml ${per('xml')} passed 3-3)\n`);
    const rate = (b: number, ms: number) => `${(b / MB / (ms / 1000)).toFixed(0)} MB/s`;
    const headline = cliMs ?? checkMs;
    row(`四性检测 GD, ${s.files} files / ${(totalBytes / MB).toFixed(0)} MB (scanned-page PDF, OFD with seals, TIFF and JPEG scans, XML), ${cliMs ? '`dangan check` (compiled, new process)' : 'in process'}, ${availableParallelism()} workers, no virus scan`, `${(headline / 1000).toFixed(1)} s (${rate(totalBytes, headline)})`, '≤ 10 s');
    if (cliMs) row('  the same, in process (workers already loaded by a previous run: no)', `${(checkMs / 1000).toFixed(1)} s (${rate(totalBytes, checkMs)})`, '—');
    row('  raw SHA-256 + SM3 of the same files, one thread', `${(rawMs / 1000).toFixed(1)} s (${rate(totalBytes, rawMs)})`, '—');
    row('  check throughput / raw digest throughput', `${((rawMs / headline) * 100).toFixed(0)} %`, '≥ 50 %');

    const clamd = await startClamd({ streamMaxLength: '1G' }).catch(() => null);
    if (clamd) {
      try {
        const scanner = new ClamdScanner({ socket: clamd.socket });
        const virus: VirusScanner = { name: 'ClamAV', scanFile: async (p) => { const r = await scanner.scanFile(p); return { outcome: r.outcome, signature: r.signature, error: r.error ? { message: r.error.message } : undefined }; } };
        const pool2 = createFilePool({ timeoutMs: DEFAULT_SCHEME.params.fileTimeoutMs });
        try {
          const t0 = performance.now();
          const pkg = await readDanganBag(bag, { payloadDigests: false });
          await runCheck({ stage: 'GD', scheme: DEFAULT_SCHEME, root: bag, pkg, target: { kind: 'package', name: 'bench' }, pool: pool2, virus });
          const withScan = performance.now() - t0;
          row('  the same check with the clamd virus scan (test signature DB only)', `${(withScan / 1000).toFixed(1)} s (+${((withScan - checkMs) / 1000).toFixed(1)} s for the scan)`, 'reported separately');
        } finally {
          await pool2.close();
        }
      } finally {
        await clamd.stop();
      }
    } else row('  virus scan', 'not measured: clamd not installed', 'reported separately');
  } finally {
    if (process.env.BENCH_KEEP) process.stderr.write(`kept ${work}\n`);
    else await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows: string[] = [];
  await benchChecks((a, b, c) => rows.push(`| ${a} | ${b} | ${c} |`));
  process.stdout.write(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${new Date().toISOString().slice(0, 10)}\n\n| what | figure | bound |\n|---|---|---|\n${rows.join('\n')}\n`);
}
