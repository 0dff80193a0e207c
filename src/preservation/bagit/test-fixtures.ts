/**
 * Test helpers for the bag tests (not a test file): temp-dir FsBackend stores, a three-version OCFL
 * object with Chinese names, copying a bag, and resealing one (rewriting its manifests after an edit).
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { OcflObjectStore } from '../ocfl/index.ts';
import { FsBackend } from '../storage/fs-backend.ts';
import { hashFile } from './digest.ts';
import { encodePath } from './paths.ts';
import type { BagInfoInput } from './writer.ts';

export const VOLUME_ID = 'urn:dangan:volume:0190f4a2-7c1e-7000-8000-0000000000b1';
export const USER = { name: '档案员 李四', address: 'mailto:lisi@example.org' };
export const BAG_INFO: BagInfoInput = { 'Source-Organization': '某市城市建设档案馆', 'External-Identifier': 'JG-2025-0001-001', 'Contact-Name': '李四' };

export type TempStore = { dir: string; backend: FsBackend; store: OcflObjectStore; close(): Promise<void> };

export async function tempDir(prefix = 'dangan-bag-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function tempStore(): Promise<TempStore> {
  const dir = await tempDir('dangan-bag-store-');
  const backend = new FsBackend(dir);
  await backend.init();
  return { dir, backend, store: new OcflObjectStore(backend), close: () => rm(dir, { recursive: true, force: true }) };
}

export const bytes = (s: string | Buffer): Buffer => (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
const pdf = (label: string, size: number) => Buffer.concat([Buffer.from(`%PDF-1.7\n% ${label}\n`), Buffer.alloc(size, label.length % 251), Buffer.from('\n%%EOF\n')]);

/** Every version's expected state (logical path → bytes), written with createOrUpdate. */
export async function buildVolume(store: OcflObjectStore, id = VOLUME_ID): Promise<Record<string, Record<string, Buffer>>> {
  const v1 = {
    '001-项目建议书.pdf': pdf('项目建议书', 300_000),
    '施工图/总平面图 2025%定稿.dwg': bytes('AC1027 总平面图'),
    'metadata/volume.xml': bytes('<?xml version="1.0" encoding="UTF-8"?><案卷><题名>某小区1号楼竣工档案</题名></案卷>\n'),
    'metadata/events.jsonl': bytes('{"seq":1,"type":"接收"}\n'),
  };
  const v2 = {
    ...v1,
    'metadata/volume.xml': bytes('<?xml version="1.0" encoding="UTF-8"?><案卷><题名>某小区1号楼竣工档案（修订）</题名></案卷>\n'),
    'metadata/events.jsonl': bytes('{"seq":1,"type":"接收"}\n{"seq":2,"type":"著录修改"}\n'),
    'café-说明.txt': bytes('说明\n'),
  };
  const { '001-项目建议书.pdf': _withdrawn, ...rest } = v2;
  const v3 = { ...rest, '002-批复.pdf': pdf('批复', 50_000), 'metadata/events.jsonl': bytes(`${v2['metadata/events.jsonl'].toString()}{"seq":3,"type":"补充批复"}\n`) };
  const commit = (files: Record<string, Buffer>, message: string, created: string, nfd = false) =>
    store.createOrUpdate(id, Object.entries(files).map(([p, b]) => ({ logicalPath: nfd ? p.normalize('NFD') : p, source: Readable.from([b]) })), { message, user: USER, created });
  await commit(v1, '接收进馆', '2025-03-01T08:00:00+08:00');
  await commit(v2, '著录修改', '2025-03-05T10:30:00+08:00', true); // NFD names, as from macOS: stored as NFC
  await commit(v3, '撤出项目建议书，补充批复', '2025-04-01T09:00:00+08:00');
  return { v1, v2, v3 };
}

/** A writable copy of a bag. */
export async function copyBag(from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true });
  return to;
}

async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, p)));
    else out.push(p);
  }
  return out.sort();
}

/** Every file of a directory tree, '/'-separated, sorted. */
export const filesUnder = walk;

/** Rewrites Payload-Oxum, the sha256 and sm3 manifests and the tag manifests for what the bag holds now (a consistent forgery). */
export async function reseal(bag: string): Promise<void> {
  const data = await walk(bag, 'data');
  const size = (await Promise.all(data.map(async (p) => (await stat(join(bag, p))).size))).reduce((a, b) => a + b, 0);
  const info = await readFile(join(bag, 'bag-info.txt'), 'utf8');
  await writeFile(join(bag, 'bag-info.txt'), info.replace(/^Payload-Oxum: .*$/m, `Payload-Oxum: ${size}.${data.length}`));
  for (const alg of ['sha256', 'sm3']) {
    const lines = await Promise.all(data.map(async (p) => `${(await hashFile(join(bag, p), [alg])).digests[alg]}  ${encodePath(p)}\n`));
    await writeFile(join(bag, `manifest-${alg}.txt`), lines.join(''));
  }
  for (const alg of ['sha256', 'sm3']) {
    const tags = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'manifest-sm3.txt'];
    const lines = await Promise.all(tags.map(async (p) => `${(await hashFile(join(bag, p), [alg])).digests[alg]}  ${p}\n`));
    await writeFile(join(bag, `tagmanifest-${alg}.txt`), lines.join(''));
  }
}
