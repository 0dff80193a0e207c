import type { OcflObjectStore } from './ocfl/index.ts';
import type { StorageBackend } from './storage/backend.ts';

const ROOT_FILES = new Set(['inventory.json', 'inventory.json.sha512']);

/**
 * Copies one OCFL object from a verified source to a target location, file by file, streaming.
 * Content files carry their manifest sha512 as the expected digest, so bad bytes are refused rather
 * than copied; the root inventory goes last (the target's commit point, as on the source). Files the
 * target already holds with the right digest are kept: nothing good is overwritten.
 */
export async function copyObject(source: OcflObjectStore, target: OcflObjectStore, id: string): Promise<{ files: number; bytes: number; skipped: number }> {
  const inv = await source.readInventory(id);
  const expectedSha512 = new Map<string, string>();
  for (const [digest, paths] of Object.entries(inv.manifest)) for (const p of paths) expectedSha512.set(p, digest);
  const root = source.objectRoot(id);
  const targetRoot = target.objectRoot(id);
  const keys: string[] = [];
  for await (const o of source.backend.list(`${root}/`)) keys.push(o.key.slice(root.length + 1));
  const isVersioned = (k: string) => k.split('/').length > 1 && /^v\d+$/.test(k.split('/')[0]!);
  // Only what the inventory accounts for: unexpected files of the source are not spread to replicas.
  const wanted = keys.filter((k) => ROOT_FILES.has(k) || k.startsWith('0=') || k.startsWith('extensions/') ||
    (isVersioned(k) && (expectedSha512.has(k) || k.endsWith('/inventory.json') || k.endsWith('/inventory.json.sha512')) && inv.versions[k.split('/')[0]!] !== undefined));
  wanted.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  let files = 0;
  let bytes = 0;
  let skipped = 0;
  await target.init();
  for (const rel of wanted) {
    const sha512 = expectedSha512.get(rel);
    const dst = `${targetRoot}/${rel}`;
    if (sha512 && (await target.backend.head(dst))) {
      const d = await target.backend.digest(dst);
      if (d.sha512 === sha512) {
        skipped++;
        continue;
      }
    }
    const put = await target.backend.put(dst, await source.backend.get(`${root}/${rel}`), sha512 ? { sha512 } : undefined);
    files++;
    bytes += put.size;
  }
  return { files, bytes, skipped };
}

/** content first, then version inventories, root inventory and its sidecar last */
function rank(key: string): number {
  if (key === 'inventory.json') return 3;
  if (key === 'inventory.json.sha512') return 4;
  if (key.endsWith('inventory.json') || key.endsWith('inventory.json.sha512')) return 2;
  return key.startsWith('0=') ? 0 : 1;
}

export async function objectKeys(backend: StorageBackend, root: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of backend.list(`${root}/`)) out.push(o.key.slice(root.length + 1));
  return out;
}
