/**
 * OCFL 1.1 inventories (§3.5): types, building the next version, and the deterministic serialisation
 * written to `inventory.json` with its `inventory.json.sha512` sidecar (§3.6). Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import type { Digests } from '../content-store.ts';
import {
  DEFAULT_CONTENT_DIRECTORY,
  finding,
  INVENTORY_TYPE,
  isRfc3339,
  logicalPathProblems,
  OcflError,
  pathConflicts,
  versionName,
  versionNumber,
  type Finding,
} from './paths.ts';
import { validateInventory } from './validate-inventory.ts';

export { DEFAULT_CONTENT_DIRECTORY, INVENTORY_TYPE, isRfc3339 } from './paths.ts';
export { validateInventory } from './validate-inventory.ts';
export const DIGEST_ALGORITHM = 'sha512';
export const INVENTORY_FILE = 'inventory.json';
export const SIDECAR_FILE = `${INVENTORY_FILE}.${DIGEST_ALGORITHM}`;
export const OBJECT_DECLARATION = { name: '0=ocfl_object_1.1', content: 'ocfl_object_1.1\n' } as const;
/** The fixity algorithms Dangan records for every content path (`size` is from extension 0009-digest-algorithms). */
export const FIXITY_ALGORITHMS = ['sha256', 'sm3', 'size'] as const;

/** digest → paths, the shape of `manifest`, `state` and each `fixity` block. */
export type DigestMap = Record<string, string[]>;
export type OcflUser = { name: string; address?: string };
export type OcflVersion = { created: string; state: DigestMap; message?: string; user?: OcflUser };
export type Inventory = {
  id: string;
  type: string;
  digestAlgorithm: string;
  head: string;
  contentDirectory?: string;
  manifest: DigestMap;
  versions: Record<string, OcflVersion>;
  fixity?: Record<string, DigestMap>;
};
export type FileDigests = Digests & { size: number };
export type VersionEntry = { logicalPath: string; digests: FileDigests };
export type VersionMeta = { created: string; message: string; user: OcflUser };
export type NextVersion = {
  inventory: Inventory;
  version: string;
  /** logical path → the new content path that must be kept; every other upload of this version is a duplicate. */
  stored: Map<string, string>;
};

export function contentDirectoryOf(inv: Pick<Inventory, 'contentDirectory'>): string {
  return inv.contentDirectory ?? DEFAULT_CONTENT_DIRECTORY;
}

/** The content path a file of a new version is uploaded to before deduplication. */
export function contentPathFor(version: string, logicalPath: string, contentDirectory = DEFAULT_CONTENT_DIRECTORY): string {
  return `${version}/${contentDirectory}/${logicalPath}`;
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The inventory after adding one version whose logical state is exactly `entries` (a file left out is
 * not in the new state; its bytes stay in earlier versions). A digest already in the manifest is not
 * stored again: the state points at the first copy. Throws OcflError on a bad logical path, a
 * repeated or conflicting path, or an id that differs from the previous inventory's.
 */
export function addVersion(prev: Inventory | undefined, id: string, entries: readonly VersionEntry[], meta: VersionMeta): NextVersion {
  if (prev && prev.id !== id) throw new OcflError('object id cannot change', [finding('E110', `inventory id ${prev.id} ≠ ${id}`)]);
  if (!isRfc3339(meta.created)) throw new OcflError('bad created date', [finding('E049', `not RFC 3339: ${meta.created}`)]);
  const n = prev ? (versionNumber(prev.head) ?? NaN) + 1 : 1;
  const version = versionName(n);
  const contentDirectory = prev ? contentDirectoryOf(prev) : DEFAULT_CONTENT_DIRECTORY;
  const manifest = cloneMap(prev?.manifest ?? {});
  const fixity: Record<string, DigestMap> = {};
  for (const [alg, block] of Object.entries(prev?.fixity ?? {})) fixity[alg] = cloneMap(block);
  for (const alg of FIXITY_ALGORITHMS) fixity[alg] ??= {};
  const known = new Map<string, string>(); // lower-case digest → the manifest key (E096: one key per digest)
  for (const d of Object.keys(manifest)) known.set(d.toLowerCase(), d);

  const problems: Finding[] = [];
  const state: DigestMap = {};
  const stored = new Map<string, string>();
  for (const e of entries) {
    problems.push(...logicalPathProblems(e.logicalPath));
    const sha512 = e.digests.sha512.toLowerCase();
    let key = known.get(sha512);
    if (key === undefined) {
      key = sha512;
      const cp = contentPathFor(version, e.logicalPath, contentDirectory);
      manifest[key] = [cp];
      known.set(sha512, key);
      stored.set(e.logicalPath, cp);
      addTo(fixity.sha256!, e.digests.sha256.toLowerCase(), cp);
      addTo(fixity.sm3!, e.digests.sm3.toLowerCase(), cp);
      addTo(fixity.size!, String(e.digests.size), cp);
    }
    addTo(state, key, e.logicalPath);
  }
  for (const c of pathConflicts(entries.map((e) => e.logicalPath))) {
    problems.push(finding('E095', c.repeated ? `logical path given twice: ${c.path}` : `${c.conflictsWith} is both a file and a directory (${c.path})`, c.path));
  }
  if (problems.length) throw new OcflError(`cannot build ${version} of ${id}`, problems);

  const inventory: Inventory = {
    id,
    type: INVENTORY_TYPE,
    digestAlgorithm: DIGEST_ALGORITHM,
    head: version,
    ...(prev?.contentDirectory === undefined ? {} : { contentDirectory: prev.contentDirectory }),
    manifest: sortMap(manifest),
    versions: { ...(prev?.versions ?? {}), [version]: { created: meta.created, message: meta.message, user: { ...meta.user }, state: sortMap(state) } },
    fixity: Object.fromEntries(Object.entries(fixity).map(([alg, block]) => [alg, sortMap(block)])),
  };
  const errors = validateInventory(inventory).filter((f) => f.severity === 'error');
  if (errors.length) throw new OcflError(`built an invalid inventory for ${id}`, errors);
  return { inventory, version, stored };
}

/** The recorded digests of the content behind one manifest digest, read back from the fixity block. */
export function recordedDigests(inv: Inventory, sha512: string): Partial<FileDigests> & { sha512: string; contentPath: string } {
  const contentPath = inv.manifest[sha512]?.[0];
  if (contentPath === undefined) throw new OcflError(`digest not in the manifest of ${inv.id}`, [finding('E050', sha512)]);
  const out: Partial<FileDigests> & { sha512: string; contentPath: string } = { sha512, contentPath };
  for (const [alg, block] of Object.entries(inv.fixity ?? {})) {
    for (const [digest, paths] of Object.entries(block)) {
      if (!paths.includes(contentPath)) continue;
      if (alg === 'sha256' || alg === 'sm3') out[alg] = digest;
      else if (alg === 'size') out.size = Number(digest);
    }
  }
  return out;
}

/** Content path → { algorithm → recorded value } over every fixity block (values as written). */
export function fixityByPath(inv: Inventory): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const [alg, block] of Object.entries(inv.fixity ?? {})) {
    for (const [digest, paths] of Object.entries(block)) {
      for (const p of paths) {
        const rec = out.get(p) ?? {};
        rec[alg] = digest;
        out.set(p, rec);
      }
    }
  }
  return out;
}

/** Logical path → manifest digest, for one version (the head by default). */
export function stateOf(inv: Inventory, version = inv.head): Map<string, string> {
  const v = inv.versions[version];
  if (!v) throw new OcflError(`${inv.id} has no version ${version}`);
  const out = new Map<string, string>();
  for (const [digest, paths] of Object.entries(v.state)) for (const p of paths) out.set(p, digest);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Deterministic JSON: keys in code-point order at every depth (as `canonicalJson`), two-space indent,
 * final newline. The sidecar holds the SHA-512 of exactly these bytes.
 */
export function serializeInventory(inv: Inventory): { bytes: Buffer; sha512: string; sidecar: string } {
  const bytes = Buffer.from(`${pretty(inv, '')}\n`, 'utf8');
  const sha512 = createHash('sha512').update(bytes).digest('hex');
  return { bytes, sha512, sidecar: `${sha512} ${INVENTORY_FILE}\n` };
}

/** Reads `DIGEST inventory.json` (one or more spaces or tabs between) from a sidecar; undefined if malformed (E061). */
export function parseSidecar(text: string): string | undefined {
  const m = /^([0-9a-fA-F]+)[ \t]+inventory\.json[ \t]*\r?\n?$/.exec(text);
  return m?.[1]?.toLowerCase();
}

export function sha512Hex(bytes: Buffer): string {
  return createHash('sha512').update(bytes).digest('hex');
}

/** Parses inventory bytes as JSON (E033); the structure is checked by validateInventory. */
export function parseInventoryJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new OcflError('inventory is not UTF-8 JSON', [finding('E033', (err as Error).message)]);
  }
}

function pretty(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return value.length ? `[\n${value.map((v) => `${inner}${pretty(v, inner)}`).join(',\n')}\n${indent}]` : '[]';
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(',\n')}\n${indent}}` : '{}';
  }
  return canonicalJson(value);
}

function addTo(map: DigestMap, key: string, path: string): void {
  const list = (map[key] ??= []);
  if (!list.includes(path)) list.push(path);
}

function cloneMap(m: DigestMap): DigestMap {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v]]));
}

function sortMap(m: DigestMap): DigestMap {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v].sort()]));
}
