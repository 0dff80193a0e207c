/**
 * Checks an OCFL 1.1 inventory (parsed JSON, any shape) against the rules of §3.3–§3.5 and reports
 * every problem with its validation code, plus Dangan's local rules (DANGAN-…). Pure.
 */
import type { Inventory } from './inventory.ts';
import {
  contentPathProblems,
  DEFAULT_CONTENT_DIRECTORY,
  digestPattern,
  finding,
  INVENTORY_TYPE,
  isRfc3339,
  KNOWN_FIXITY_ALGORITHMS,
  logicalPathProblems,
  pathConflicts,
  versionNumber,
  type Finding,
} from './paths.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isUri = (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(s);
const TOP_KEYS = new Set(['id', 'type', 'digestAlgorithm', 'head', 'contentDirectory', 'manifest', 'versions', 'fixity']);
const VERSION_KEYS = new Set(['created', 'state', 'message', 'user']);
const DANGAN_FIXITY = ['sha256', 'sm3'];

export function validateInventory(value: unknown): Finding[] {
  const out: Finding[] = [];
  const add = (code: string, message: string, path?: string) => out.push(finding(code, message, path));
  if (!isObj(value)) return [finding('E033', 'the inventory is not a JSON object')];
  for (const k of Object.keys(value)) if (!TOP_KEYS.has(k)) add('E102', `unknown key "${k}" in the inventory`);

  const { id, type, digestAlgorithm, head, contentDirectory, manifest, versions, fixity } = value;
  if (id === undefined) add('E036', 'no "id"');
  else if (typeof id !== 'string' || id.length === 0) add('E037', '"id" is not a non-empty string');
  else if (!isUri(id)) add('W005', `"id" is not a URI: ${id}`);
  if (type === undefined) add('E036', 'no "type"');
  else if (type !== INVENTORY_TYPE) add('E038', `"type" is ${JSON.stringify(type)}, not ${INVENTORY_TYPE}`);
  if (digestAlgorithm === undefined) add('E036', 'no "digestAlgorithm"');
  else if (digestAlgorithm !== 'sha512' && digestAlgorithm !== 'sha256') add('E025', `"digestAlgorithm" must be sha512 or sha256, not ${JSON.stringify(digestAlgorithm)}`);
  else if (digestAlgorithm === 'sha256') add('W004', '"digestAlgorithm" SHOULD be sha512');
  if (head === undefined) add('E036', 'no "head"');
  let contentDir = DEFAULT_CONTENT_DIRECTORY;
  if (contentDirectory !== undefined) {
    if (typeof contentDirectory !== 'string' || contentDirectory.includes('/')) add('E017', '"contentDirectory" must be a string without "/"');
    else if (contentDirectory === '.' || contentDirectory === '..') add('E018', '"contentDirectory" must not be "." or ".."');
    else if (contentDirectory === '') add('E108', '"contentDirectory" must name a child directory');
    else contentDir = contentDirectory;
  }

  // versions (§3.3, §3.5.3)
  const versionNames: string[] = [];
  if (versions === undefined) add('E041', 'no "versions" block');
  else if (!isObj(versions)) add('E045', '"versions" is not a JSON object');
  else {
    versionNames.push(...Object.keys(versions));
    if (versionNames.length === 0) add('E008', 'the object has no version');
    checkVersionNames(versionNames, add);
    const highest = versionNames.filter((v) => versionNumber(v) !== undefined).sort((a, b) => versionNumber(b)! - versionNumber(a)!)[0];
    if (head !== undefined && head !== highest) add('E040', `"head" is ${JSON.stringify(head)}, the highest version is ${highest ?? 'none'}`);
    for (const [name, v] of Object.entries(versions)) checkVersion(name, v, add);
  }

  // manifest (§3.5.2)
  const contentPaths = new Set<string>();
  const pattern = digestPattern(typeof digestAlgorithm === 'string' ? digestAlgorithm : 'sha512');
  if (manifest === undefined) add('E041', 'no "manifest" block');
  else if (!isObj(manifest)) add('E106', '"manifest" is not a JSON object');
  else {
    const allPaths: string[] = [];
    const lower = new Set<string>();
    for (const [digest, paths] of Object.entries(manifest)) {
      if (pattern && !pattern.test(digest)) add('E039', `manifest key is not a ${String(digestAlgorithm)} digest: ${digest}`);
      if (lower.has(digest.toLowerCase())) add('E096', `digest ${digest} occurs more than once in the manifest`);
      lower.add(digest.toLowerCase());
      if (!isStringArray(paths)) {
        add('E092', `manifest value for ${digest} is not an array of content paths`);
        continue;
      }
      for (const p of paths) {
        allPaths.push(p);
        contentPaths.add(p);
        out.push(...contentPathProblems(p));
        const [ver, dir, ...rest] = p.split('/');
        if (!ver || !versionNames.includes(ver) || dir !== contentDir || rest.length === 0) {
          add('E042', `content path ${p} is not under <version>/${contentDir}/ of a version in the inventory`, p);
        }
      }
    }
    for (const c of pathConflicts(allPaths)) {
      add('E101', c.repeated ? `content path ${c.path} is listed twice` : `content path ${c.conflictsWith} is both a file and a directory`, c.path);
    }
    const used = new Set<string>();
    if (isObj(versions)) for (const v of Object.values(versions)) if (isObj(v) && isObj(v.state)) for (const d of Object.keys(v.state)) used.add(d);
    for (const d of Object.keys(manifest)) if (!used.has(d)) add('E107', `manifest digest ${d} is in no version state`);
    if (isObj(versions)) {
      for (const [name, v] of Object.entries(versions)) {
        if (!isObj(v) || !isObj(v.state)) continue;
        for (const d of Object.keys(v.state)) if (!(d in manifest)) add('E050', `${name} state digest ${d} is not in the manifest`);
      }
    }
  }

  // fixity (§3.5.4)
  if (fixity !== undefined) {
    if (!isObj(fixity)) add('E111', '"fixity" is not a JSON object');
    else checkFixity(fixity, contentPaths, add);
  }
  return out;
}

function checkVersionNames(names: string[], add: (code: string, message: string, path?: string) => void): void {
  const nums: number[] = [];
  const padded = new Set<number>();
  for (const name of names) {
    if (!/^v\d+$/.test(name)) {
      add('E104', `version name ${JSON.stringify(name)} is not "v" followed by a number`);
      continue;
    }
    const n = versionNumber(name);
    if (n === undefined) {
      add('E105', `version number of ${name} is not a positive integer`);
      continue;
    }
    nums.push(n);
    if (name.startsWith('v0')) padded.add(name.length);
  }
  if (padded.size > 0) {
    add('W001', 'version names SHOULD NOT be zero-padded');
    const unpadded = names.filter((n) => /^v[1-9]\d*$/.test(n));
    if (unpadded.some((n) => padded.has(n.length))) add('E011', 'a zero-padded version sequence has a name that does not start with "v0"');
    if (padded.size > 1 || unpadded.some((n) => !padded.has(n.length))) add('E012', 'version names mix zero-padded and non-padded forms or lengths');
  }
  if (nums.length && !nums.includes(1)) add('E009', 'the version sequence does not start at v1');
  else for (let i = 1; i <= Math.max(0, ...nums); i++) if (!nums.includes(i)) add('E010', `version ${i} is missing from the sequence`);
}

function checkVersion(name: string, v: unknown, add: (code: string, message: string, path?: string) => void): void {
  if (!isObj(v)) return add('E047', `version ${name} is not a JSON object`);
  for (const k of Object.keys(v)) if (!VERSION_KEYS.has(k)) add('E102', `unknown key "${k}" in version ${name}`);
  if (v.created === undefined) add('E048', `version ${name} has no "created"`);
  else if (typeof v.created !== 'string' || !isRfc3339(v.created)) add('E049', `version ${name} "created" is not an RFC 3339 date-time`);
  if (v.message === undefined) add('W007', `version ${name} has no "message"`);
  else if (typeof v.message !== 'string') add('E094', `version ${name} "message" is not a string`);
  if (v.user === undefined) add('W007', `version ${name} has no "user"`);
  else if (!isObj(v.user) || typeof v.user.name !== 'string') add('E054', `version ${name} "user" has no string "name"`);
  else {
    for (const k of Object.keys(v.user)) if (k !== 'name' && k !== 'address') add('E102', `unknown key "${k}" in version ${name} user`);
    if (v.user.address === undefined) add('W008', `version ${name} user has no "address"`);
    else if (typeof v.user.address !== 'string') add('E054', `version ${name} user "address" is not a string`);
    else if (!isUri(v.user.address)) add('W009', `version ${name} user "address" is not a URI`);
  }
  if (v.state === undefined) return add('E048', `version ${name} has no "state"`);
  if (!isObj(v.state)) return add('E050', `version ${name} "state" is not a JSON object`);
  const logical: string[] = [];
  for (const [digest, paths] of Object.entries(v.state)) {
    if (!isStringArray(paths)) {
      add('E050', `version ${name} state value for ${digest} is not an array of logical paths`);
      continue;
    }
    for (const p of paths) {
      logical.push(p);
      for (const f of logicalPathProblems(p)) add(f.code, `${name}: ${f.message}`, p);
    }
  }
  for (const c of pathConflicts(logical)) {
    add('E095', c.repeated ? `${name}: logical path ${c.path} is listed twice` : `${name}: ${c.conflictsWith} is both a file and a directory`, c.path);
  }
}

function checkFixity(fixity: Obj, contentPaths: Set<string>, add: (code: string, message: string, path?: string) => void): void {
  const covered = new Map<string, Set<string>>(DANGAN_FIXITY.map((a) => [a, new Set<string>()]));
  for (const [alg, block] of Object.entries(fixity)) {
    if (!KNOWN_FIXITY_ALGORITHMS.has(alg)) add('E056', `fixity algorithm ${JSON.stringify(alg)} is neither in the OCFL table nor in a known extension`);
    if (!isObj(block)) {
      add('E057', `fixity block ${alg} is not a JSON object`);
      continue;
    }
    const pattern = digestPattern(alg);
    const lower = new Set<string>();
    for (const [digest, paths] of Object.entries(block)) {
      if (pattern && !pattern.test(digest)) add('E057', `fixity ${alg} key is not a ${alg} value: ${digest}`);
      if (lower.has(digest.toLowerCase())) add('E097', `fixity ${alg} digest ${digest} occurs more than once`);
      lower.add(digest.toLowerCase());
      if (!isStringArray(paths)) {
        add('E057', `fixity ${alg} value for ${digest} is not an array of content paths`);
        continue;
      }
      for (const p of paths) {
        if (!contentPaths.has(p)) add('E057', `fixity ${alg} names ${p}, which is not in the manifest`, p);
        covered.get(alg)?.add(p);
      }
    }
  }
  for (const [alg, paths] of covered) {
    for (const p of contentPaths) if (!paths.has(p)) add('DANGAN-FIXITY', `content path ${p} has no ${alg} fixity value`, p);
  }
}

/**
 * A prior version's inventory against the current (root) one (§3.7): same id (E110), its versions are a
 * subset with the same logical state (E066), same created/message/user (W011), no newer spec (E103).
 */
export function compareInventories(prior: Inventory, current: Inventory, label: string): Finding[] {
  const out: Finding[] = [];
  if (prior.id !== current.id) out.push(finding('E110', `${label} inventory id ${prior.id} ≠ root id ${current.id}`));
  if (prior.type > current.type) out.push(finding('E103', `${label} inventory conforms to a later OCFL version than the root inventory`));
  for (const [name, v] of Object.entries(prior.versions)) {
    const cur = current.versions[name];
    if (!cur) {
      out.push(finding('E066', `${label} inventory has version ${name}, the root inventory does not`));
      continue;
    }
    const a = logicalToContent(prior, v.state);
    const b = logicalToContent(current, cur.state);
    const same = a.size === b.size && [...a].every(([p, c]) => b.get(p) === c);
    if (!same) out.push(finding('E066', `version ${name} has a different logical state in the ${label} inventory`));
    for (const k of ['created', 'message', 'user'] as const) {
      if (JSON.stringify(v[k]) !== JSON.stringify(cur[k])) out.push(finding('W011', `version ${name} "${k}" differs in the ${label} inventory`));
    }
  }
  return out;
}

function logicalToContent(inv: Inventory, state: Record<string, string[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [d, paths] of Object.entries(state)) for (const p of paths) out.set(p, [...(inv.manifest[d] ?? [])].sort().join('|'));
  return out;
}
