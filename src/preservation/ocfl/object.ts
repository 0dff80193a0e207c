/**
 * OCFL 1.1 objects over any StorageBackend: one object per archival volume (案卷), each change a new
 * version, nothing ever overwritten. Write order of a version (the root inventory is the commit point):
 *   1. (v1 only) `0=ocfl_object_1.1` and `extensions/dangan-sm3-fixity/config.json`
 *   2. content files → `vN/content/<logical path>` (digests from backend.put; duplicates of content
 *      already in the object are deleted again, the state points at the first copy)
 *   3. `vN/inventory.json`, then `vN/inventory.json.sha512`
 *   4. `inventory.json`, then `inventory.json.sha512` (last, §3.6 E062)
 * A crash before 4 leaves the previous head in force; what it left in `vN/` is never referenced and is
 * deleted by the next write of that object (until then validateObject reports it as unexpected).
 */
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type { StorageBackend } from '../storage/backend.ts';
import {
  addVersion,
  contentPathFor,
  fixityByPath,
  INVENTORY_FILE,
  OBJECT_DECLARATION,
  parseInventoryJson,
  parseSidecar,
  recordedDigests,
  rfc3339,
  serializeInventory,
  sha512Hex,
  SIDECAR_FILE,
  stateOf,
  validateInventory,
  type Inventory,
  type OcflUser,
  type VersionEntry,
} from './inventory.ts';
import { putBytes, readBytes, readIfPresent, VerifyingDigest } from './io.ts';
import { objectExtensionFiles, objectRootPath, storageRootFiles, STORAGE_DECLARATION, LAYOUT_EXTENSION } from './layout.ts';
import { checkObject, checkFixity, type FixityReport, type ValidationReport } from './object-check.ts';
import { finding, normaliseLogicalPath, OcflError, versionName, versionNumber } from './paths.ts';

/** One file of a new version: a stream, a way to open one, or "same bytes as in the current head". */
export type NewFile =
  | { logicalPath: string; source: Readable }
  | { logicalPath: string; open(): Readable | Promise<Readable> }
  | { logicalPath: string; unchanged: true };
export type CommitMeta = {
  message: string;
  user: OcflUser;
  created?: Date | string;
  /** Write a version even when its state equals the head's (default: return the head unchanged). */
  allowUnchanged?: boolean;
};
export type CommitResult = {
  id: string;
  objectRoot: string;
  version: string;
  changed: boolean;
  inventory: Inventory;
  /** content paths written by this version */
  stored: string[];
  /** logical paths whose bytes were already in the object (not stored again) */
  deduplicated: string[];
  /** keys left by an interrupted earlier write of this version, deleted before writing */
  cleaned: string[];
};
export type VersionSummary = { version: string; created: string; message?: string; user?: OcflUser; files: number };
export type FileEntry = { logicalPath: string; contentPath: string; sha512: string; sha256?: string; sm3?: string; size?: number };

export class OcflObjectStore {
  private readonly root: string;
  private readonly locks = new Map<string, Promise<unknown>>();
  private initialised: Promise<void> | undefined;

  /** `root`: the storage root inside the backend, '' (default) or a folder such as 'ocfl/'. */
  constructor(readonly backend: StorageBackend, options: { root?: string } = {}) {
    const r = options.root ?? '';
    this.root = r === '' || r.endsWith('/') ? r : `${r}/`;
  }

  /** The object root key of `id` (extension 0004: sha256 tuples). */
  objectRoot(id: string): string {
    return `${this.root}${objectRootPath(id)}`;
  }

  /** Writes the storage root files that are absent; refuses a root of another OCFL version or layout. */
  init(): Promise<void> {
    this.initialised ??= (async () => {
      for (const f of storageRootFiles()) {
        const key = `${this.root}${f.path}`;
        const existing = await readIfPresent(this.backend, key);
        if (existing === undefined) await putBytes(this.backend, key, Buffer.from(f.content, 'utf8'));
        else if ((f.path === STORAGE_DECLARATION.name || f.path.includes(LAYOUT_EXTENSION)) && existing.toString('utf8') !== f.content) {
          throw new OcflError(`storage root ${this.backend.describe}/${this.root} has another declaration or layout (${f.path})`);
        }
      }
    })().catch((err: unknown) => {
      this.initialised = undefined;
      throw err;
    });
    return this.initialised;
  }

  /** Adds a version whose state is exactly `files` (in the order given; a path may appear once). */
  createOrUpdate(id: string, files: Iterable<NewFile> | AsyncIterable<NewFile>, meta: CommitMeta): Promise<CommitResult> {
    return this.locked(id, () => this.commit(id, files, meta));
  }

  /** The head inventory; rejects if the object is absent, its sidecar does not match, or it breaks an OCFL rule. */
  async readInventory(id: string): Promise<Inventory> {
    const inv = await this.tryReadInventory(id);
    if (!inv) throw new OcflError(`no OCFL object ${id}`, [finding('E063', `no ${INVENTORY_FILE} at ${this.objectRoot(id)}`, undefined, 'missing')]);
    return inv;
  }

  async tryReadInventory(id: string): Promise<Inventory | undefined> {
    const root = this.objectRoot(id);
    const bytes = await readIfPresent(this.backend, `${root}/${INVENTORY_FILE}`);
    if (bytes === undefined) return undefined;
    const actual = sha512Hex(bytes);
    const sidecar = await readIfPresent(this.backend, `${root}/${SIDECAR_FILE}`);
    const recorded = sidecar && parseSidecar(sidecar.toString('utf8'));
    const value = parseInventoryJson(bytes);
    if (recorded !== actual) {
      // Interrupted between the root inventory and its sidecar: the inventory is still trustworthy if it
      // is the head version's own inventory, whose sidecar was written before (step 3).
      const head = typeof value === 'object' && value !== null && 'head' in value ? String(value.head) : '';
      const vSidecar = versionNumber(head) ? await readIfPresent(this.backend, `${root}/${head}/${SIDECAR_FILE}`) : undefined;
      if (!vSidecar || parseSidecar(vSidecar.toString('utf8')) !== actual) {
        const code = sidecar === undefined ? 'E058' : recorded === undefined ? 'E061' : 'E060';
        throw new OcflError(`root inventory of ${id} fails its sidecar`, [finding(code, `${root}/${SIDECAR_FILE}`, undefined, 'corrupted')]);
      }
    }
    const errors = validateInventory(value).filter((f) => f.severity === 'error' && f.code.startsWith('E'));
    if (errors.length) throw new OcflError(`invalid inventory for ${id}`, errors);
    const inv = value as Inventory;
    if (inv.id !== id) throw new OcflError(`object root of ${id} holds another object`, [finding('E083', `inventory id is ${inv.id}`)]);
    return inv;
  }

  async listVersions(id: string): Promise<VersionSummary[]> {
    const inv = await this.readInventory(id);
    return Object.entries(inv.versions)
      .sort(([a], [b]) => versionNumber(a)! - versionNumber(b)!)
      .map(([version, v]) => ({
        version,
        created: v.created,
        ...(v.message === undefined ? {} : { message: v.message }),
        ...(v.user === undefined ? {} : { user: v.user }),
        files: Object.values(v.state).reduce((n, paths) => n + paths.length, 0),
      }));
  }

  /** The files of one version (the head by default), by logical path, with their recorded digests. */
  async listFiles(id: string, version?: string): Promise<FileEntry[]> {
    const inv = await this.readInventory(id);
    const fixity = fixityByPath(inv);
    return [...stateOf(inv, version ?? inv.head)].map(([logicalPath, sha512]) => {
      const contentPath = inv.manifest[sha512]![0]!;
      const f = fixity.get(contentPath) ?? {};
      const entry: FileEntry = { logicalPath, contentPath, sha512 };
      if (f.sha256 !== undefined) entry.sha256 = f.sha256;
      if (f.sm3 !== undefined) entry.sm3 = f.sm3;
      if (f.size !== undefined) entry.size = Number(f.size);
      return entry;
    });
  }

  /** Streams one file of one version; the stream fails at its end if the bytes do not match the inventory. */
  async openFile(id: string, logicalPath: string, version?: string): Promise<Readable> {
    const inv = await this.readInventory(id);
    const v = version ?? inv.head;
    const digest = stateOf(inv, v).get(logicalPath.normalize('NFC'));
    if (!digest) throw new OcflError(`${JSON.stringify(logicalPath)} is not in ${v} of ${id}`);
    const rec = recordedDigests(inv, digest);
    const source = await this.backend.get(`${this.objectRoot(id)}/${rec.contentPath}`);
    return pipeline(source, new VerifyingDigest(digest, rec.size, rec.contentPath), () => undefined);
  }

  /** Full check of one object: inventories, sidecars, every content file re-hashed, unexpected files. */
  async validateObject(id: string): Promise<ValidationReport> {
    return checkObject(this.backend, this.objectRoot(id), id);
  }

  /** Re-hashes every content file and compares sha512 (manifest), sha256, sm3 and size (fixity). */
  async verifyFixity(id: string): Promise<FixityReport> {
    return checkFixity(this.backend, this.objectRoot(id), await this.readInventory(id));
  }

  private async commit(id: string, files: Iterable<NewFile> | AsyncIterable<NewFile>, meta: CommitMeta): Promise<CommitResult> {
    await this.init();
    const root = this.objectRoot(id);
    const prev = await this.tryReadInventory(id);
    if (prev && prev.digestAlgorithm !== 'sha512') throw new OcflError(`${id} uses ${prev.digestAlgorithm}; Dangan writes sha512 objects only`);
    if (!prev && (await this.backend.head(`${root}/v1/${INVENTORY_FILE}`))) {
      throw new OcflError(`${root} has v1/${INVENTORY_FILE} but no root inventory: repair by hand (see docs/ocfl.md)`, [finding('E063', root, undefined, 'missing')]);
    }
    const version = versionName(prev ? versionNumber(prev.head)! + 1 : 1);
    const cleaned = await this.deleteUnder(`${root}/${version}/`);
    const written: string[] = [];
    let committing = false;
    try {
      if (!prev) {
        for (const f of [{ path: OBJECT_DECLARATION.name, content: OBJECT_DECLARATION.content }, ...objectExtensionFiles()]) {
          written.push(`${root}/${f.path}`);
          await putBytes(this.backend, `${root}/${f.path}`, Buffer.from(f.content, 'utf8'));
        }
      }
      const headState = prev ? stateOf(prev) : new Map<string, string>();
      const entries: VersionEntry[] = [];
      const files_ = new Set<string>();
      const dirs = new Set<string>();
      for await (const f of files) {
        const lp = checkedPath(f, files_, dirs);
        if ('unchanged' in f) {
          const sha512 = headState.get(lp);
          if (!sha512) throw new OcflError(`${lp} is marked unchanged but is not in the head of ${id}`);
          entries.push({ logicalPath: lp, digests: { sha512, sha256: '', sm3: '', size: 0 } }); // known digest: only sha512 is used
          continue;
        }
        const key = `${root}/${contentPathFor(version, lp)}`;
        written.push(key);
        const put = await this.backend.put(key, 'source' in f ? f.source : await f.open());
        entries.push({ logicalPath: lp, digests: put });
      }
      const same = prev && !meta.allowUnchanged && entries.length === headState.size && entries.every((e) => headState.get(e.logicalPath) === e.digests.sha512);
      const created = meta.created === undefined ? rfc3339(new Date()) : typeof meta.created === 'string' ? meta.created : rfc3339(meta.created);
      const next = same ? undefined : addVersion(prev, id, entries, { created, message: meta.message, user: meta.user });
      const keep = new Set([...(next?.stored.values() ?? [])].map((cp) => `${root}/${cp}`));
      for (const key of written) if (key.startsWith(`${root}/${version}/`) && !keep.has(key)) await this.backend.delete(key);
      if (!next) return { id, objectRoot: root, version: prev!.head, changed: false, inventory: prev!, stored: [], deduplicated: entries.map((e) => e.logicalPath), cleaned };

      const { bytes, sha512, sidecar } = serializeInventory(next.inventory);
      await putBytes(this.backend, `${root}/${version}/${INVENTORY_FILE}`, bytes, sha512);
      await putBytes(this.backend, `${root}/${version}/${SIDECAR_FILE}`, Buffer.from(sidecar, 'utf8'));
      committing = true; // from here a failure may or may not have committed: leave everything for the next write
      await putBytes(this.backend, `${root}/${INVENTORY_FILE}`, bytes, sha512);
      await putBytes(this.backend, `${root}/${SIDECAR_FILE}`, Buffer.from(sidecar, 'utf8'));
      const stored = [...next.stored.values()];
      return { id, objectRoot: root, version, changed: true, inventory: next.inventory, stored, deduplicated: entries.filter((e) => !next.stored.has(e.logicalPath)).map((e) => e.logicalPath), cleaned };
    } catch (err) {
      if (!committing) await this.discard(root, version, prev ? [] : written.filter((k) => !k.startsWith(`${root}/${version}/`)));
      throw err;
    }
  }

  /** Best effort, after a failed write that did not reach the commit point. */
  private async discard(root: string, version: string, extra: string[]): Promise<void> {
    try {
      await this.deleteUnder(`${root}/${version}/`);
      for (const key of extra) await this.backend.delete(key);
    } catch {
      // the next write of this object deletes what is left
    }
  }

  private async deleteUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const o of this.backend.list(prefix)) keys.push(o.key);
    for (const key of keys) await this.backend.delete(key);
    return keys;
  }

  /** One write at a time per object within this process (other processes must not write the same object). */
  private async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(id) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    }
  }
}

/** The NFC logical path of `f`, refused (and its stream closed) if invalid, repeated, or in a file-vs-directory conflict. */
function checkedPath(f: NewFile, files: Set<string>, dirs: Set<string>): string {
  try {
    const lp = normaliseLogicalPath(f.logicalPath);
    const parts = lp.split('/');
    const ancestors = parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
    if (files.has(lp) || dirs.has(lp) || ancestors.some((a) => files.has(a))) {
      throw new OcflError('logical path conflict', [finding('E095', `${lp} repeats or conflicts with another path`, lp)]);
    }
    files.add(lp);
    for (const a of ancestors) dirs.add(a);
    return lp;
  } catch (err) {
    if ('source' in f) f.source.destroy();
    throw err;
  }
}
