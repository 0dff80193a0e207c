/**
 * Bringing an offline copy back: the bag is verified completely first (any error: nothing is written),
 * then `data/` is copied into the object root of its Dangan-OCFL-Id, content first and the root
 * `inventory.json` and its sidecar last (the OCFL commit point). Every put carries the manifest
 * digests and size as the expected values, so the storage refuses bytes that changed after the check.
 * Finally the object must pass validateObject, or what was written is removed again.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OcflError, parseInventoryJson, parseSidecar, validateInventory, type Inventory, type OcflObjectStore, type ValidationReport } from '../ocfl/index.ts';
import { checkKey, type StorageBackend } from '../storage/backend.ts';
import { digestBytes } from './digest.ts';
import { problem, type BagProblem } from './problems.ts';
import { inspectBag, type BagReport, type PayloadFile } from './reader.ts';

export type ImportOptions = { dir: string; store: OcflObjectStore };
export type ImportResult = {
  status: 'imported' | 'already-present';
  ocflId: string;
  objectRoot: string;
  head: string;
  /** files written (0 when already present) */
  files: number;
  bytes: number;
  bag: BagReport;
  validation: ValidationReport;
};

export class BagImportError extends Error {
  constructor(message: string, readonly problems: BagProblem[], readonly report?: BagReport) {
    super(`${message}${problems.length ? `: ${problems.map((p) => p.message.en).join('; ')}` : ''}`);
    this.name = 'BagImportError';
  }
}

const STRONG = ['sha256', 'sha512', 'sm3'] as const;
const notOcfl = (zh: string, en: string) => problem('import-not-ocfl', undefined, { zh, en });

/** Root files first, then content, then version inventories in order, then `inventory.json`, then its sidecar. */
function writeRank(rel: string): [number, number] {
  if (rel === 'inventory.json') return [3, 0];
  if (rel === 'inventory.json.sha512') return [4, 0];
  const v = /^v(\d+)\/inventory\.json(\.sha512)?$/.exec(rel);
  if (v) return [2, Number(v[1])];
  return rel.startsWith('v') && /^v\d+\//.test(rel) ? [1, 0] : [0, 0];
}

/** Imports the verified bag in `dir` into `store`; see the module comment. */
export async function importVolumeBag({ dir, store }: ImportOptions): Promise<ImportResult> {
  const bagDir = resolve(dir);
  const { report, payload } = await inspectBag(bagDir);
  if (!report.valid) throw new BagImportError('the bag does not verify; nothing was written', report.errors, report);
  const fail = (message: string, p: BagProblem): never => {
    throw new BagImportError(message, [p], report);
  };

  const ids = report.bagInfo.filter((e) => e.label.toLowerCase() === 'dangan-ocfl-id').map((e) => e.value);
  if (ids.length !== 1 || !ids[0]) fail('not a Dangan offline copy', problem('import-not-dangan', 'bag-info.txt', ids.length ? { zh: '出现多次', en: 'appears more than once' } : { zh: '缺失', en: 'is missing' }));
  const id = ids[0]!;
  if (!STRONG.some((alg) => report.algorithms.payload.includes(alg))) fail('no usable manifest', problem('import-no-strong-digest', undefined));
  const { inv, sha512: bagInvSha512 } = await readBagInventory(bagDir, payload, id, fail);

  const keyOf = new Map<string, string>();
  const wanted = new Set<string>();
  for (const p of payload.keys()) {
    const rel = p.slice('data/'.length).normalize('NFC');
    try {
      checkKey(rel);
    } catch {
      fail('not an OCFL object', notOcfl(`文件名 ${JSON.stringify(rel)} 不能作为存储键`, `the name ${JSON.stringify(rel)} cannot be a storage key`));
    }
    if (wanted.has(rel)) fail('not an OCFL object', notOcfl(`两个文件规范化后同名：${rel}`, `two files have the same NFC name: ${rel}`));
    keyOf.set(p, rel);
    wanted.add(rel);
  }

  const backend = store.backend;
  const objectRoot = store.objectRoot(id);
  const where = backend.describe;
  let existing: Inventory | undefined;
  try {
    existing = await store.tryReadInventory(id);
  } catch (err) {
    fail('object exists', problem('import-conflict', undefined, { id, where, zh: '现有对象已损坏，请先人工处理', en: `the existing object is damaged (${err instanceof Error ? err.message : String(err)}); repair it by hand first` }));
  }
  if (existing) {
    const validation = await store.validateObject(id);
    const same = (await backend.digest(`${objectRoot}/inventory.json`)).sha512 === bagInvSha512;
    if (validation.valid && same) return { status: 'already-present', ocflId: id, objectRoot, head: existing.head, files: 0, bytes: 0, bag: report, validation };
    const why = !validation.valid ? { zh: '现有对象校验不通过', en: 'the existing object does not validate' } : { zh: `现有对象的最新版本为 ${existing.head}，与包中的 ${inv.head} 不同`, en: `its head inventory (${existing.head}) differs from the bag's (${inv.head})` };
    fail('object exists', problem('import-conflict', undefined, { id, where, ...why }));
  }
  for await (const o of backend.list(`${objectRoot}/`)) {
    const rel = o.key.slice(objectRoot.length + 1);
    // Files left by an interrupted import of this bag are rewritten; anything else is not ours to replace.
    if (!wanted.has(rel)) fail('object root not empty', problem('import-conflict', rel, { id, where, zh: `对象目录中已有包外文件 ${rel}`, en: `its object root holds ${rel}, which is not in the bag` }));
  }

  await store.init();
  const order = [...keyOf].sort(([, a], [, b]) => {
    const [ra, na] = writeRank(a);
    const [rb, nb] = writeRank(b);
    return ra - rb || na - nb || Buffer.compare(Buffer.from(a), Buffer.from(b));
  });
  const written: string[] = [];
  let bytes = 0;
  try {
    for (const [p, rel] of order) {
      const f = payload.get(p)!;
      const expected = { size: f.size, ...Object.fromEntries(STRONG.filter((a) => f.digests[a]).map((a) => [a, f.digests[a]!])) };
      const key = `${objectRoot}/${rel}`;
      written.push(key);
      await backend.put(key, createReadStream(join(bagDir, ...p.split('/'))), expected);
      bytes += f.size;
    }
  } catch (err) {
    await removeAll(backend, written);
    throw err;
  }
  const validation = await store.validateObject(id);
  if (!validation.valid) {
    await removeAll(backend, written);
    const codes = validation.findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.message}`).join('; ');
    fail('the imported object does not validate; it was removed again', notOcfl(`导入后 OCFL 校验不通过：${codes}`, `the imported object fails OCFL validation: ${codes}`));
  }
  return { status: 'imported', ocflId: id, objectRoot, head: inv.head, files: order.length, bytes, bag: report, validation };
}

/** data/inventory.json: present with its declaration and sidecar, vouched for by the sidecar, valid, and of this id. */
async function readBagInventory(bagDir: string, payload: Map<string, PayloadFile>, id: string, fail: (m: string, p: BagProblem) => never): Promise<{ inv: Inventory; sha512: string }> {
  for (const f of ['0=ocfl_object_1.1', 'inventory.json', 'inventory.json.sha512']) {
    if (!payload.has(`data/${f}`)) fail('not an OCFL object', notOcfl(`缺少 data/${f}`, `data/${f} is missing`));
  }
  const bytes = await readFile(join(bagDir, 'data', 'inventory.json'));
  const sidecar = parseSidecar(await readFile(join(bagDir, 'data', 'inventory.json.sha512'), 'utf8'));
  const { sha512 } = await digestBytes(bytes);
  if (sidecar !== sha512) fail('not an OCFL object', notOcfl('inventory.json 与其 sha512 旁注文件不符', 'inventory.json does not match its sha512 sidecar'));
  let value: unknown;
  try {
    value = parseInventoryJson(bytes);
  } catch (err) {
    fail('not an OCFL object', notOcfl('inventory.json 不是有效的 JSON', `inventory.json is not valid JSON (${err instanceof OcflError ? err.message : String(err)})`));
  }
  const errors = validateInventory(value).filter((f) => f.severity === 'error');
  if (errors.length) fail('not an OCFL object', notOcfl(`inventory.json 不合 OCFL 规范：${errors.map((f) => f.code).join(', ')}`, `inventory.json breaks OCFL rules: ${errors.map((f) => `${f.code} ${f.message}`).join('; ')}`));
  const inv = value as Inventory;
  if (inv.id !== id) fail('wrong object', problem('import-id-mismatch', 'data/inventory.json', { expected: id, actual: inv.id }));
  return { inv, sha512 };
}

async function removeAll(backend: StorageBackend, keys: string[]): Promise<void> {
  for (const key of [...keys].reverse()) await backend.delete(key).catch(() => undefined);
}
