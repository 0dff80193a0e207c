/**
 * Writes a validated plan as a Dangan submission package (BagIt 1.0 bag). Built in
 * `<dir of out>/.partial-<name>-<random>/`; each file is read once and copied while it is hashed
 * (MultiDigest: SHA-256 + SM3 for the manifests) by a bounded pool of streams; the bag is then read back
 * whole by verifyBag and only then renamed to `out`. An error leaves nothing under `out`.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MultiDigest } from '../../preservation/content-store.ts';
import { verifyBag, type BagReport } from '../../preservation/bagit/index.ts';
import { digestBytes } from '../../preservation/bagit/digest.ts';
import { encodePath } from '../../preservation/bagit/paths.ts';
import {
  BAG_INFO, BAGIT_TXT, FORMAT_NAME, FORMAT_VERSION, METADATA_PATH, PackageMetadataSchema, SIGNATURE_FILE, humanSize,
  type PackageMetadata, type TagManifestSigner,
} from '../format/index.ts';
import { eachLimited, type PackPlan } from './validate.ts';

export type PackPhase = 'validate' | 'copy' | 'verify' | 'done';
export type PackProgress = { phase: PackPhase; files: number; filesTotal: number; bytes: number; bytesTotal: number };
export type WriteOptions = {
  out: string;
  concurrency: number;
  onProgress?: (p: PackProgress) => void;
  /** fsync every file and folder before the rename (default true) */
  fsync?: boolean;
  /** read the finished bag back with verifyBag before it gets its name (default true) */
  verify?: boolean;
  /** NOT IMPLEMENTED beyond this hook: see TagManifestSigner in format/layout.ts */
  signer?: TagManifestSigner;
  now?: Date;
  software?: string;
};
export type WriteResult = {
  path: string;
  volumes: number;
  records: number;
  files: number;
  bytes: number;
  payloadOxum: string;
  metadata: PackageMetadata;
  /** the verifyBag report of the finished bag (undefined with verify: false) */
  report: BagReport | undefined;
  ms: { copy: number; verify: number };
};

/** An I/O or internal failure while writing (not a validation problem): exit code 2 in the CLI. */
export class PackWriteError extends Error {
  constructor(message: string, readonly report?: BagReport) {
    super(message);
    this.name = 'PackWriteError';
  }
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function writeFileNew(path: string, bytes: Buffer, sync: boolean): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(bytes);
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeBag(plan: PackPlan, options: WriteOptions): Promise<WriteResult> {
  const out = resolve(options.out);
  const sync = options.fsync ?? true;
  if (/\.zip$/i.test(out)) throw new PackWriteError('writing a .zip package is not implemented yet; give a folder name for --out');
  if (await lstat(out).catch(() => undefined)) throw new PackWriteError(`${out} already exists; a package is never overwritten`);
  await mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.partial-${basename(out)}-${randomBytes(6).toString('hex')}`);
  const progress: PackProgress = { phase: 'copy', files: 0, filesTotal: plan.jobs.length, bytes: 0, bytesTotal: plan.bytes };
  const tell = () => options.onProgress?.({ ...progress });
  try {
    const dirs = new Set<string>([tmp, join(tmp, 'data')]);
    for (const j of plan.jobs) for (let d = dirname(join(tmp, ...j.target.split('/'))); !dirs.has(d); d = dirname(d)) dirs.add(d);
    for (const d of [...dirs].sort((a, b) => a.length - b.length)) await mkdir(d, { recursive: true });

    const t0 = performance.now();
    tell();
    const rows: Array<{ path: string; sha256: string; sm3: string; size: number }> = [];
    await eachLimited(plan.jobs, Math.max(1, options.concurrency), async (job) => {
      const dest = join(tmp, ...job.target.split('/'));
      const digest = new MultiDigest({ sha512: false }); // the package's manifests are SHA-256 and SM3
      const input = createReadStream(job.source, { highWaterMark: 1 << 20 });
      input.on('data', (c) => {
        progress.bytes += c.length;
        tell();
      });
      await pipeline(input, digest, createWriteStream(dest, { flags: 'wx' })).catch((err: unknown) => {
        throw new PackWriteError(`cannot copy ${job.sourceRel}: ${(err as Error).message}`);
      });
      if (sync) await syncPath(dest);
      if (digest.size !== job.size) throw new PackWriteError(`${job.sourceRel} changed while it was packed (${job.size} bytes when checked, ${digest.size} when copied)`);
      const d = digest.digests();
      rows.push({ path: job.target, sha256: d.sha256, sm3: d.sm3, size: digest.size });
      progress.files++;
      tell();
    });

    const metadata: PackageMetadata = {
      format: FORMAT_NAME, formatVersion: FORMAT_VERSION, createdAt: (options.now ?? new Date()).toISOString(),
      software: options.software ?? 'Dangan (档案) pack', submitter: plan.submitter, project: plan.project, units: plan.units,
    };
    const checked = PackageMetadataSchema.safeParse(metadata);
    if (!checked.success) throw new PackWriteError(`internal error: metadata.json does not match its schema: ${checked.error.message}`);
    const metaBytes = Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`);
    await writeFileNew(join(tmp, ...METADATA_PATH.split('/')), metaBytes, sync);
    rows.push({ path: METADATA_PATH, ...(await digestBytes(metaBytes)) });
    rows.sort((a, b) => byteOrder(a.path, b.path));
    if (sync) for (const d of [...dirs].sort((a, b) => b.length - a.length)) await syncPath(d);
    const copyMs = performance.now() - t0;

    const bytes = rows.reduce((n, r) => n + r.size, 0);
    const oxum = `${bytes}.${rows.length}`;
    const volumes = plan.units.reduce((n, u) => n + u.volumes.length, 0);
    const info: Array<[string, string]> = [
      [BAG_INFO.sourceOrganization, plan.submitter.name],
      [BAG_INFO.submitterUscc, plan.submitter.uscc],
      [BAG_INFO.projectCode, plan.project.code],
      [BAG_INFO.projectName, plan.project.name],
      [BAG_INFO.packageFormat, `${FORMAT_NAME}/${FORMAT_VERSION}`],
      [BAG_INFO.baggingDate, metadata.createdAt.slice(0, 10)],
      [BAG_INFO.bagSize, humanSize(bytes)],
      [BAG_INFO.payloadOxum, oxum],
      [BAG_INFO.volumeCount, String(volumes)],
      [BAG_INFO.recordCount, String(plan.records)],
      [BAG_INFO.fileCount, String(plan.jobs.length)],
      [BAG_INFO.softwareAgent, metadata.software],
    ];
    const line = (digest: string, path: string) => `${digest}  ${encodePath(path)}\n`;
    const tagFiles: Array<[string, Buffer]> = [
      ['bagit.txt', Buffer.from(BAGIT_TXT)],
      ['bag-info.txt', Buffer.from(info.map(([k, v]) => `${k}: ${v.replace(/\s+/g, ' ').trim()}\n`).join(''))],
      ['manifest-sha256.txt', Buffer.from(rows.map((r) => line(r.sha256, r.path)).join(''))],
      ['manifest-sm3.txt', Buffer.from(rows.map((r) => line(r.sm3, r.path)).join(''))],
    ];
    const tagRows: Array<{ path: string; sha256: string; sm3: string }> = [];
    for (const [name, content] of tagFiles) {
      await writeFileNew(join(tmp, name), content, sync);
      tagRows.push({ path: name, ...(await digestBytes(content)) });
    }
    const tagSm3 = Buffer.from(tagRows.map((r) => line(r.sm3, r.path)).join(''));
    await writeFileNew(join(tmp, 'tagmanifest-sha256.txt'), Buffer.from(tagRows.map((r) => line(r.sha256, r.path)).join('')), sync);
    await writeFileNew(join(tmp, 'tagmanifest-sm3.txt'), tagSm3, sync);
    if (options.signer) await writeFileNew(join(tmp, SIGNATURE_FILE), await options.signer.sign(tagSm3), sync);
    if (sync) await syncPath(tmp);

    let report: BagReport | undefined;
    const t1 = performance.now();
    if (options.verify ?? true) {
      progress.phase = 'verify';
      tell();
      report = await verifyBag(tmp);
      if (!report.valid) throw new PackWriteError(`the written package does not verify: ${report.errors.map((e) => e.message.en).join('; ')}`, report);
      if (report.payload.files !== rows.length || report.payload.bytes !== bytes) throw new PackWriteError(`the written package holds ${report.payload.bytes}.${report.payload.files}, expected ${oxum}`, report);
    }
    const verifyMs = performance.now() - t1;
    if (await lstat(out).catch(() => undefined)) throw new PackWriteError(`${out} appeared while packing; a package is never overwritten`);
    await rename(tmp, out);
    if (sync) await syncPath(dirname(out));
    progress.phase = 'done';
    tell();
    return {
      path: out, volumes, records: plan.records, files: plan.jobs.length, bytes, payloadOxum: oxum, metadata,
      report: report && { ...report, dir: out }, ms: { copy: copyMs, verify: verifyMs },
    };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
