/**
 * One check run: every file of the package read once on the worker pool (digests, format, validator),
 * virus-scanned when a scanner is configured, then every planned item evaluated and the report built.
 * Resumable: facts already measured (from a crashed run) are passed in `done` and not measured again;
 * `onFile` is called as each file finishes so the caller can persist progress in batches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSTRUCTION_PROFILE } from '../../catalog/index.ts';
import type { IncomingFile, IncomingPackage } from '../../packages/model.ts';
import { projectRoot } from '../../platform/paths.ts';
import type { CheckReport, CheckResult, Stage } from '../model.ts';
import { buildReport } from '../report/build.ts';
import { planItems, type CheckScheme } from '../scheme/scheme.ts';
import { checkContent, type CheckedFile, type ContentCheckInput, type VirusOutcome } from './content.ts';
import type { FileFacts } from './facts.ts';
import { createFilePool, type FilePool } from './file-pool.ts';
import { checkMetadata, type ElementRule, type ExistingKeys } from './metadata.ts';
import { checkPackage, manualItems, type PackageCheckInput } from './package-items.ts';

/** What a virus scanner must offer the engine (checks/virus implements it over clamd). */
export interface VirusScanner {
  readonly name: string;
  scanFile(path: string): Promise<{ outcome: 'clean' | 'infected' | 'error'; signature?: string | undefined; error?: { message: { zh: string; en: string } } | undefined }>;
}

export type Progress = { files: number; done: number; bytes: number; phase: 'files' | 'items' | 'done' };

export type RunInput = {
  stage: Stage;
  scheme: CheckScheme;
  /** the directory the package's paths are relative to, or a function giving each path's file (undefined: not kept) */
  root: string | ((path: string) => string | undefined);
  pkg: IncomingPackage;
  target: CheckReport['target'];
  elements?: readonly ElementRule[];
  existing?: ExistingKeys;
  registered?: ContentCheckInput['registered'];
  packageDigest?: PackageCheckInput['packageDigest'];
  carrier?: boolean;
  database?: PackageCheckInput['database'];
  scope?: PackageCheckInput['scope'];
  previousEnvironment?: Record<string, string>;
  virus?: VirusScanner | { unavailable: string };
  /** facts measured by an earlier, interrupted attempt of this run, by path */
  done?: ReadonlyMap<string, FileFacts>;
  onFile?: (facts: FileFacts) => Promise<void> | void;
  onProgress?: (p: Progress) => void;
  pool?: FilePool;
  /** fixity only (BC when nothing changed): digests without format validation */
  fixityOnly?: boolean;
  now?: () => Date;
};

let danganVersion: string | undefined;
/** What 3-7 compares between runs: the software that checks and keeps the records. */
export function environment(): Record<string, string> {
  danganVersion ??= (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return { dangan: danganVersion, node: process.version, platform: `${process.platform}-${process.arch}` };
}

export async function runCheck(input: RunInput): Promise<CheckReport> {
  const now = input.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const planned = planItems(input.scheme, input.stage);
  const plannedCodes = new Set(planned.map((p) => p.code));
  const params = input.scheme.params;

  // Every file the metadata claims, then every file nobody claims, each measured once.
  const claimed: { declared: IncomingFile; record?: string }[] = [];
  for (const r of input.pkg.records) for (const f of r.files) claimed.push({ declared: f, record: r.key });
  const declaredAlgs = new Set<string>();
  for (const c of claimed) for (const a of ['md5', 'sha512'] as const) if (c.declared.declared[a]) declaredAlgs.add(a);
  const all = [...claimed.map((c) => c.declared.path), ...input.pkg.unclaimed.map((u) => u.path)];
  const facts = new Map<string, FileFacts>(input.done ?? []);
  const progress: Progress = { files: all.length, done: facts.size, bytes: [...facts.values()].reduce((a, f) => a + f.size, 0), phase: 'files' };
  input.onProgress?.({ ...progress });

  const pool = input.pool ?? createFilePool({ timeoutMs: params.fileTimeoutMs });
  const virusResults: VirusOutcome[] = [];
  const t0 = performance.now();
  let readBytes = 0;
  try {
    const locate = (p: string) => (typeof input.root === 'string' ? join(input.root, ...p.split('/')) : input.root(p));
    // A file that was in the package but is not kept (an unclaimed file of a submission): its declared size only.
    for (const u of input.pkg.unclaimed) {
      if (!facts.has(u.path) && locate(u.path) === undefined) facts.set(u.path, { path: u.path, exists: true, size: u.size, digests: {}, format: 'unknown', mime: 'application/octet-stream', signatures: [], ms: 0 });
    }
    for (const c of claimed) {
      if (!facts.has(c.declared.path) && locate(c.declared.path) === undefined) facts.set(c.declared.path, { path: c.declared.path, exists: false, size: 0, digests: {}, format: 'unknown', mime: 'application/octet-stream', signatures: [], ms: 0 });
    }
    const todo = [...new Set(all)].filter((p) => !facts.has(p));
    // Keep the pool busy (two tasks per worker in flight), bounded: memory stays constant.
    const width = Math.max(2, pool.workers * 2);
    let next = 0;
    const lane = async () => {
      while (next < todo.length) {
        const path = todo[next++]!;
        const f = await pool.inspect({ abs: locate(path)!, path, algorithms: [...declaredAlgs], maxFileBytes: params.maxFileBytes, validate: !input.fixityOnly }, params.fileTimeoutMs);
        facts.set(path, f);
        readBytes += f.size;
        progress.done++;
        progress.bytes += f.size;
        await input.onFile?.(f);
        input.onProgress?.({ ...progress });
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, todo.length) }, lane));
  } finally {
    if (!input.pool) await pool.close();
  }
  const readMs = performance.now() - t0;

  if (input.virus && 'scanFile' in input.virus && plannedCodes.has(`${input.stage}-4-2`)) {
    const scanner = input.virus;
    let i = 0;
    const paths = [...new Set(all)].filter((p) => facts.get(p)?.exists);
    const lane = async () => {
      while (i < paths.length) {
        const p = paths[i++]!;
        const abs = typeof input.root === 'string' ? join(input.root, ...p.split('/')) : input.root(p);
        if (abs === undefined) continue;
        const r = await scanner.scanFile(abs);
        virusResults.push({ path: p, outcome: r.outcome, ...(r.signature ? { signature: r.signature } : {}), ...(r.error ? { error: r.error.message.zh } : {}) });
      }
    };
    await Promise.all([lane(), lane()]);
  }

  progress.phase = 'items';
  input.onProgress?.({ ...progress });
  const results: CheckResult[] = [];
  const emit = (r: CheckResult) => void results.push(r);
  const checked: CheckedFile[] = claimed.map((c) => ({ declared: c.declared, record: c.record, facts: facts.get(c.declared.path)! }));
  checkPackage({ stage: input.stage, pkg: input.pkg, planned: plannedCodes, packageDigest: input.packageDigest, database: input.database, scope: input.scope, environment: environment(), previousEnvironment: input.previousEnvironment }, emit);
  checkMetadata({ stage: input.stage, pkg: input.pkg, elements: input.elements ?? CONSTRUCTION_PROFILE, params, existing: input.existing, planned: plannedCodes, now: now() }, emit);
  checkContent({
    stage: input.stage, pkg: input.pkg, params, planned: plannedCodes, files: checked,
    unclaimed: input.pkg.unclaimed.map((u) => facts.get(u.path)!).filter(Boolean), registered: input.registered,
    virus: input.virus === undefined ? undefined : 'unavailable' in input.virus ? { unavailable: input.virus.unavailable } : { scanner: input.virus.name, results: virusResults },
    carrier: input.carrier ?? false, read: readBytes > 0 ? { bytes: readBytes, ms: readMs } : undefined,
  }, emit);
  const previewable = checked.some((c) => c.facts.format === 'pdf' || c.facts.format === 'ofd' || c.facts.inspection?.kind === 'image');
  const tasks = manualItems(input.stage, plannedCodes, emit, previewable ? { '3-4': { zh: '需人工检测：打开文件确认可读（已生成首页预览供核对）', en: 'to be checked by a person: open the files and confirm they read (first-page previews are provided)' } } : {});

  // Items a system computed but a person must confirm (S items without the data to decide) are tasks too.
  for (const code of new Set(results.filter((r) => r.outcome === 'manual').map((r) => r.code))) {
    if (!tasks.some((t) => t.code === code)) tasks.push({ code, name: planned.find((p) => p.code === code)!.def.name, state: 'open' });
  }
  tasks.sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));

  const files = [...facts.values()];
  progress.phase = 'done';
  input.onProgress?.({ ...progress });
  return buildReport(
    { stage: input.stage, scheme: { id: input.scheme.id, name: input.scheme.name, version: input.scheme.version }, target: input.target, startedAt, finishedAt: now().toISOString(), tool: `dangan ${environment().dangan}`, files: files.filter((f) => f.exists).length, bytes: files.reduce((a, f) => a + f.size, 0) },
    planned, results, tasks,
  );
}
