/**
 * Offline copies (脱机保管): one OCFL object exported as a BagIt 1.0 bag whose payload (`data/`) is the
 * complete object root, every version. Built in `<to>/.partial-<bagName>-<random>/`, every file
 * fsynced, verified by reading it all back (verifyBag), and only then renamed to `<to>/<bagName>/`:
 * a crash or an error leaves no bag, never half of one, under the final name.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MultiDigest } from '../content-store.ts';
import { OcflError, parseSidecar, type OcflObjectStore } from '../ocfl/index.ts';
import { digestBytes } from './digest.ts';
import { encodePath } from './paths.ts';
import { verifyBag, type BagReport } from './reader.ts';
import { fsyncPath as syncPath } from '../storage/fsync.ts';

/** bag-info.txt entries from the caller: Source-Organization and External-Identifier (档号) are required. */
export type BagInfoInput = Record<string, string> & { 'Source-Organization': string; 'External-Identifier': string };
export type ExportOptions = { store: OcflObjectStore; ocflId: string; to: string; bagName: string; bagInfo: BagInfoInput; now?: Date };
export type ExportResult = {
  path: string;
  ocflId: string;
  head: string;
  files: number;
  bytes: number;
  payloadOxum: string;
  /** keys under the object root left by an interrupted write of a later version: not part of the object, not exported */
  skipped: string[];
  report: BagReport;
};

export class BagExportError extends Error {
  constructor(message: string, readonly report?: BagReport) {
    super(message);
    this.name = 'BagExportError';
  }
}

/** Labels Dangan computes; a caller may not set them. */
const COMPUTED = ['Bagging-Date', 'Bag-Size', 'Payload-Oxum', 'Dangan-OCFL-Id', 'Dangan-OCFL-Head', 'Bag-Software-Agent'];
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));


async function writeSynced(path: string, bytes: Buffer): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function checkOptions(o: ExportOptions): void {
  if (!/^[^/\\\0.][^/\\\0]{0,199}$/.test(o.bagName)) throw new BagExportError(`invalid bag name ${JSON.stringify(o.bagName)}: one path segment, not starting with "."`);
  for (const [label, value] of Object.entries(o.bagInfo)) {
    if (!/^[^\s:](?:[^:\r\n]*[^\s:])?$/.test(label)) throw new BagExportError(`invalid bag-info label ${JSON.stringify(label)}`);
    if (/[\r\n]/.test(value) || value.trim() === '') throw new BagExportError(`bag-info ${label}: the value must be one non-empty line`);
    if (COMPUTED.some((c) => c.toLowerCase() === label.toLowerCase())) throw new BagExportError(`bag-info ${label} is computed by Dangan`);
  }
  for (const label of ['Source-Organization', 'External-Identifier']) {
    if (!o.bagInfo[label]?.trim()) throw new BagExportError(`bag-info ${label} is required`);
  }
}

export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return i === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[i]}`;
}

const isoDate = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** Exports the OCFL object `ocflId` as the bag `<to>/<bagName>/`; refuses to overwrite anything. */
export async function exportVolumeBag(options: ExportOptions): Promise<ExportResult> {
  checkOptions(options);
  const { store, ocflId, bagName } = options;
  const to = resolve(options.to);
  const final = join(to, bagName);
  const exists = async () => (await lstat(final).catch(() => undefined)) !== undefined;
  if (await exists()) throw new BagExportError(`${final} already exists; a bag is never overwritten`);

  const inv = await store.readInventory(ocflId);
  const headN = Number(inv.head.slice(1));
  const sha512Of = new Map<string, string>();
  for (const [digest, paths] of Object.entries(inv.manifest)) for (const p of paths) sha512Of.set(p, digest);
  const root = store.objectRoot(ocflId);
  const keys: string[] = [];
  const skipped: string[] = [];
  for await (const o of store.backend.list(`${root}/`)) {
    const rel = o.key.slice(root.length + 1);
    const v = /^v(\d+)\//.exec(rel);
    (v && Number(v[1]) > headN ? skipped : keys).push(rel);
  }
  keys.sort(byteOrder);

  await mkdir(to, { recursive: true });
  const tmp = join(to, `.partial-${bagName}-${randomBytes(6).toString('hex')}`);
  await mkdir(join(tmp, 'data'), { recursive: true });
  try {
    const dirs = new Set<string>([tmp, join(tmp, 'data')]);
    const rows: Array<{ path: string; sha256: string; sm3: string; sha512: string; size: number }> = [];
    for (const rel of keys) {
      const dest = join(tmp, 'data', ...rel.split('/'));
      for (let d = dirname(dest); !dirs.has(d); d = dirname(d)) dirs.add(d);
      await mkdir(dirname(dest), { recursive: true });
      const digest = new MultiDigest();
      await pipeline(await store.backend.get(`${root}/${rel}`), digest, createWriteStream(dest, { flags: 'wx' }));
      await syncPath(dest);
      const d = digest.digests();
      const want = sha512Of.get(rel);
      if (want !== undefined && want.toLowerCase() !== d.sha512) throw new BagExportError(`the source object is damaged: ${rel} does not match its sha512 in the inventory`);
      rows.push({ path: `data/${rel}`, ...d, size: digest.size });
    }
    await checkInventoryCopy(tmp, inv.head, rows);
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) await syncPath(d);

    const bytes = rows.reduce((n, r) => n + r.size, 0);
    const oxum = `${bytes}.${rows.length}`;
    const line = (digest: string, path: string) => `${digest}  ${encodePath(path)}\n`;
    const info: Array<[string, string]> = [
      ['Source-Organization', options.bagInfo['Source-Organization']],
      ['External-Identifier', options.bagInfo['External-Identifier']],
      ...Object.entries(options.bagInfo).filter(([k]) => k !== 'Source-Organization' && k !== 'External-Identifier'),
      ['Bagging-Date', isoDate(options.now ?? new Date())],
      ['Bag-Size', humanSize(bytes)],
      ['Payload-Oxum', oxum],
      ['Dangan-OCFL-Id', ocflId],
      ['Dangan-OCFL-Head', inv.head],
      ['Bag-Software-Agent', 'Dangan (档案)'],
    ];
    const tagFiles: Array<[string, Buffer]> = [
      ['bagit.txt', Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n')],
      ['bag-info.txt', Buffer.from(info.map(([k, v]) => `${k}: ${v.trim()}\n`).join(''))],
      ['manifest-sha256.txt', Buffer.from(rows.map((r) => line(r.sha256, r.path)).join(''))],
      ['manifest-sm3.txt', Buffer.from(rows.map((r) => line(r.sm3, r.path)).join(''))],
    ];
    const tagRows: Array<{ path: string; sha256: string; sm3: string }> = [];
    for (const [name, content] of tagFiles) {
      await writeSynced(join(tmp, name), content);
      tagRows.push({ path: name, ...(await digestBytes(content)) });
    }
    await writeSynced(join(tmp, 'tagmanifest-sha256.txt'), Buffer.from(tagRows.map((r) => line(r.sha256, r.path)).join('')));
    await writeSynced(join(tmp, 'tagmanifest-sm3.txt'), Buffer.from(tagRows.map((r) => line(r.sm3, r.path)).join('')));
    await syncPath(tmp);

    // Read back every byte before the bag may appear under its name.
    const report = await verifyBag(tmp);
    if (!report.valid) throw new BagExportError(`the written bag does not verify: ${report.errors.map((e) => e.message.en).join('; ')}`, report);
    if (report.payload.files !== rows.length || report.payload.bytes !== bytes) throw new BagExportError(`the written bag holds ${report.payload.bytes}.${report.payload.files}, expected ${oxum}`, report);
    if (await exists()) throw new BagExportError(`${final} appeared while exporting; a bag is never overwritten`);
    await rename(tmp, final);
    await syncPath(to);
    return { path: final, ocflId, head: inv.head, files: rows.length, bytes, payloadOxum: oxum, skipped, report: { ...report, dir: final } };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The copied root inventory is the head that was read, and its sidecar vouches for it (no write raced the export). */
async function checkInventoryCopy(tmp: string, head: string, rows: Array<{ path: string; sha512: string }>): Promise<void> {
  const inv = rows.find((r) => r.path === 'data/inventory.json');
  const sidecar = await readFile(join(tmp, 'data', 'inventory.json.sha512'), 'utf8').catch(() => undefined);
  if (!inv || sidecar === undefined || parseSidecar(sidecar) !== inv.sha512) {
    throw new OcflError('the object changed or is damaged while exporting: inventory.json does not match its sidecar; export again');
  }
  const copied = JSON.parse(await readFile(join(tmp, 'data', 'inventory.json'), 'utf8')) as { head?: unknown };
  if (copied.head !== head) throw new OcflError(`the object changed while exporting (head ${String(copied.head)}, expected ${head}); export again`);
}
