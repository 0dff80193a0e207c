/**
 * Validation of one OCFL object as stored (§3.1–§3.7) and fixity re-checks. Every content file is
 * re-read and re-hashed through backend.digest (SHA-256, SHA-512 and SM3 in one pass).
 */
import type { StorageBackend } from '../storage/backend.ts';
import {
  contentDirectoryOf,
  fixityByPath,
  INVENTORY_FILE,
  OBJECT_DECLARATION,
  parseInventoryJson,
  parseSidecar,
  sha512Hex,
  SIDECAR_FILE,
  validateInventory,
  type Inventory,
} from './inventory.ts';
import { readBytes } from './io.ts';
import { finding, OcflError, type Finding } from './paths.ts';
import { compareInventories } from './validate-inventory.ts';

export type FixityStatus = 'ok' | 'missing' | 'corrupted';
export type FileCheck = {
  contentPath: string;
  status: FixityStatus;
  /** algorithms whose value differs (sha512, sha256, sm3, size) */
  mismatched: string[];
  expected: Record<string, string>;
  actual?: Record<string, string>;
};
export type FixityReport = { id: string; objectRoot: string; ok: boolean; files: FileCheck[] };
export type ValidationReport = { id: string; objectRoot: string; valid: boolean; findings: Finding[] };

const CHECKED = ['sha512', 'sha256', 'sm3', 'size'] as const;

/** Re-hashes one content file and compares it with the manifest digest and its fixity values. */
export async function checkContentFile(
  backend: StorageBackend,
  objectRoot: string,
  contentPath: string,
  expected: Record<string, string>,
): Promise<FileCheck> {
  const key = `${objectRoot}/${contentPath}`;
  if (!(await backend.head(key))) return { contentPath, status: 'missing', mismatched: [], expected };
  const d = await backend.digest(key);
  const actual: Record<string, string> = { sha512: d.sha512, sha256: d.sha256, sm3: d.sm3, size: String(d.size) };
  const mismatched = CHECKED.filter((alg) => expected[alg] !== undefined && expected[alg]!.toLowerCase() !== actual[alg]);
  return { contentPath, status: mismatched.length ? 'corrupted' : 'ok', mismatched, expected, actual };
}

function expectations(inv: Inventory): Array<{ contentPath: string; expected: Record<string, string> }> {
  const fixity = fixityByPath(inv);
  const out: Array<{ contentPath: string; expected: Record<string, string> }> = [];
  for (const [digest, paths] of Object.entries(inv.manifest)) {
    for (const p of paths) {
      const known = Object.fromEntries(Object.entries(fixity.get(p) ?? {}).filter(([alg]) => (CHECKED as readonly string[]).includes(alg)));
      out.push({ contentPath: p, expected: { ...known, [inv.digestAlgorithm]: digest } });
    }
  }
  return out.sort((a, b) => (a.contentPath < b.contentPath ? -1 : 1));
}

export async function checkFixity(backend: StorageBackend, objectRoot: string, inv: Inventory): Promise<FixityReport> {
  const files: FileCheck[] = [];
  for (const e of expectations(inv)) files.push(await checkContentFile(backend, objectRoot, e.contentPath, e.expected));
  return { id: inv.id, objectRoot, ok: files.every((f) => f.status === 'ok'), files };
}

/** Reads an inventory and its sidecar; findings for a missing, malformed or wrong sidecar. */
async function readChecked(backend: StorageBackend, base: string, label: string, keys: Set<string>, out: Finding[]): Promise<{ bytes: Buffer; value: unknown } | undefined> {
  const bytes = await readBytes(backend, `${base}${INVENTORY_FILE}`);
  const rel = `${label}${INVENTORY_FILE}`;
  if (!keys.has(`${label}${SIDECAR_FILE}`)) out.push(finding('E058', `${rel} has no ${SIDECAR_FILE}`, `${label}${SIDECAR_FILE}`, 'missing'));
  else {
    const recorded = parseSidecar((await readBytes(backend, `${base}${SIDECAR_FILE}`)).toString('utf8'));
    if (recorded === undefined) out.push(finding('E061', `${label}${SIDECAR_FILE} is not "DIGEST inventory.json"`, `${label}${SIDECAR_FILE}`));
    else if (recorded !== sha512Hex(bytes)) out.push(finding('E060', `${rel} does not match its sidecar`, rel, 'corrupted'));
  }
  try {
    return { bytes, value: parseInventoryJson(bytes) };
  } catch (err) {
    out.push(...(err instanceof OcflError ? err.findings.map((f) => ({ ...f, path: rel })) : [finding('E033', String(err), rel)]));
    return undefined;
  }
}

function unexpected(key: string, inv: Inventory): Finding | undefined {
  const parts = key.split('/');
  const [top = '', second] = parts;
  if (parts.length === 1) return finding('E001', `unexpected file in the object root: ${key}`, key, 'unexpected');
  if (top === 'extensions') return parts.length === 2 ? finding('E067', `file directly in extensions/: ${key}`, key, 'unexpected') : undefined;
  if (top === 'logs') return undefined;
  if (inv.versions[top]) {
    if (parts.length === 2) return finding('E015', `unexpected file in version directory ${top}: ${key}`, key, 'unexpected');
    if (second === contentDirectoryOf(inv)) return finding('E023', `content file not in the manifest: ${key}`, key, 'unexpected');
    return finding('W002', `directory other than the content directory in ${top}: ${key}`, key, 'unexpected');
  }
  if (/^v\d+$/.test(top)) return finding('E046', `${top}/ is not a version of the inventory (left by an interrupted write?): ${key}`, key, 'unexpected');
  return finding('E001', `unexpected directory in the object root: ${key}`, key, 'unexpected');
}

export async function checkObject(backend: StorageBackend, objectRoot: string, id: string): Promise<ValidationReport> {
  const out: Finding[] = [];
  const report = (): ValidationReport => ({ id, objectRoot, valid: !out.some((f) => f.severity === 'error'), findings: out });
  const keys = new Set<string>();
  for await (const o of backend.list(`${objectRoot}/`)) keys.add(o.key.slice(objectRoot.length + 1));
  if (keys.size === 0) {
    out.push(finding('E003', `no object at ${objectRoot}`, undefined, 'missing'));
    return report();
  }

  const declarations = [...keys].filter((k) => k.startsWith('0='));
  if (!keys.has(OBJECT_DECLARATION.name)) out.push(finding('E003', `no ${OBJECT_DECLARATION.name}`, OBJECT_DECLARATION.name, 'missing'));
  else if ((await readBytes(backend, `${objectRoot}/${OBJECT_DECLARATION.name}`)).toString('utf8') !== OBJECT_DECLARATION.content) {
    out.push(finding('E007', `${OBJECT_DECLARATION.name} does not contain "${OBJECT_DECLARATION.content.trim()}\\n"`, OBJECT_DECLARATION.name, 'corrupted'));
  }
  for (const d of declarations) if (d !== OBJECT_DECLARATION.name) out.push(finding('E003', `more than one declaration: ${d}`, d, 'unexpected'));
  for (const d of declarations) keys.delete(d); // reported above, not again as unexpected files

  if (!keys.has(INVENTORY_FILE)) {
    out.push(finding('E063', `no root ${INVENTORY_FILE}`, INVENTORY_FILE, 'missing'));
    return report();
  }
  const root = await readChecked(backend, `${objectRoot}/`, '', keys, out);
  if (!root) return report();
  const problems = validateInventory(root.value);
  out.push(...problems);
  if (problems.some((f) => ['E033', 'E041', 'E045', 'E106'].includes(f.code))) return report();
  const inv = root.value as Inventory;
  if (inv.id !== id) out.push(finding('E083', `inventory id ${inv.id} does not map to this object root (expected ${id})`));

  const expected = new Set([OBJECT_DECLARATION.name, INVENTORY_FILE, SIDECAR_FILE, ...Object.values(inv.manifest).flat()]);
  for (const v of Object.keys(inv.versions)) {
    expected.add(`${v}/${INVENTORY_FILE}`).add(`${v}/${SIDECAR_FILE}`);
    if (!keys.has(`${v}/${INVENTORY_FILE}`)) {
      out.push(finding('W010', `version ${v} has no ${INVENTORY_FILE}`, `${v}/${INVENTORY_FILE}`, 'missing'));
      continue;
    }
    const vi = await readChecked(backend, `${objectRoot}/${v}/`, `${v}/`, keys, out);
    if (!vi) continue;
    const vProblems = validateInventory(vi.value);
    out.push(...vProblems.map((f) => ({ ...f, message: `${v}/${INVENTORY_FILE}: ${f.message}` })));
    if (vProblems.some((f) => f.severity === 'error')) continue;
    out.push(...compareInventories(vi.value as Inventory, inv, v));
    if (v === inv.head && !vi.bytes.equals(root.bytes)) out.push(finding('E064', `root ${INVENTORY_FILE} differs from ${v}/${INVENTORY_FILE}`, INVENTORY_FILE, 'corrupted'));
  }
  for (const key of [...keys].sort()) {
    if (expected.has(key)) continue;
    const f = unexpected(key, inv);
    if (f) out.push(f);
  }
  for (const e of expectations(inv)) {
    if (!keys.has(e.contentPath)) {
      out.push(finding('E092', `content file in the manifest is missing: ${e.contentPath}`, e.contentPath, 'missing'));
      continue;
    }
    const c = await checkContentFile(backend, objectRoot, e.contentPath, e.expected);
    if (c.status === 'corrupted') {
      const code = c.mismatched.includes(inv.digestAlgorithm) ? 'E092' : 'E093';
      out.push(finding(code, `${e.contentPath} does not match its recorded ${c.mismatched.join(', ')}`, e.contentPath, 'corrupted'));
    }
  }
  return report();
}
