import { uuidv7 } from '../platform/ids.ts';
import { appendEvent } from './event-chain.ts';
import type { Finding } from './ocfl/index.ts';
import { copyObject } from './replicate.ts';
import { damage, intact, type Location, type Preservation } from './service.ts';

export type AuditOptions = {
  location: string;
  mode: 'full' | 'sample';
  /** sample mode: share of packages checked, deterministic per run (so a resumed run picks the same ones) */
  samplePercent?: number;
  /** the run stops when this is spent and resumes from its checkpoint next time */
  timeBudgetMs?: number;
  /** throttle; 0 = unlimited */
  bytesPerSecond?: number;
  actor: string;
  /** stop after this many packages (tests, and to bound a single call) */
  maxObjects?: number;
};
export type AuditFinding = { volumeId: string | null; path: string; kind: Finding['kind']; detail: string; repaired: boolean; repairedFrom: string | null };
export type AuditReport = {
  runId: string; location: string; mode: 'full' | 'sample'; status: 'done' | 'interrupted' | 'busy';
  resumed: boolean; objectsChecked: number; bytesChecked: number; findings: AuditFinding[]; unrepaired: number;
};

const AUDIT_LOCK = 7_246_200; // + hashtext(location): one audit per location across processes
const BATCH = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fixity audit of one location: every archival package (or a sample) is re-validated as an OCFL
 * object (inventories, sidecars, every content file re-hashed with SHA-512, SHA-256 and SM3,
 * unexpected files). Damage is repaired from a copy that verifies at another location, then
 * re-verified; stray files are reported, never deleted. Progress is checkpointed after every
 * package, so a run cut short by a crash, a restart or its time budget resumes where it stopped.
 */
export async function runAudit(p: Preservation, opts: AuditOptions): Promise<AuditReport> {
  const loc = p.location(opts.location);
  const client = await p.db.pool.connect();
  try {
    const [{ locked }] = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [AUDIT_LOCK, opts.location])).rows as [{ locked: boolean }];
    if (!locked) return { runId: '', location: opts.location, mode: opts.mode, status: 'busy', resumed: false, objectsChecked: 0, bytesChecked: 0, findings: [], unrepaired: 0 };
    try {
      return await audit(p, loc, opts);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [AUDIT_LOCK, opts.location]);
    }
  } finally {
    client.release();
  }
}

async function audit(p: Preservation, loc: Location, opts: AuditOptions): Promise<AuditReport> {
  const started = Date.now();
  const percent = opts.mode === 'sample' ? (opts.samplePercent ?? 5) : 100;
  // Under the lock, a run still marked running was cut short (crash, kill): it is resumed.
  const [open] = await p.db.query<{ id: string; checkpoint: string; objects_checked: number; bytes_checked: number }>(
    `SELECT id, checkpoint, objects_checked, bytes_checked FROM audit_run
      WHERE location = $1 AND mode = $2 AND status IN ('running', 'interrupted') ORDER BY started_at DESC LIMIT 1`,
    [opts.location, opts.mode],
  );
  const runId = open?.id ?? uuidv7();
  let checkpoint = open?.checkpoint ?? '';
  let objectsChecked = open?.objects_checked ?? 0;
  let bytesChecked = open?.bytes_checked ?? 0;
  if (open) {
    await p.db.query(`UPDATE audit_run SET status = 'running' WHERE id = $1`, [runId]);
  } else {
    await p.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO audit_run (id, location, mode, sample_percent, status, requested_by) VALUES ($1, $2, $3, $4, 'running', $5)`,
        [runId, opts.location, opts.mode, opts.mode === 'sample' ? percent : null, opts.actor],
      );
      await appendEvent(tx, { actor: opts.actor, action: 'preservation.audit.started', subject: `location:${opts.location}`, data: { runId, mode: opts.mode, percent } });
    });
  }
  const findings: AuditFinding[] = [];
  let unrepaired = 0;
  let done = 0;
  for (;;) {
    const batch = await p.db.query<{ volume_id: string; repository_id: string; ocfl_id: string; bytes: number; head_version: number }>(
      `SELECT volume_id, repository_id, ocfl_id, bytes, head_version FROM archival_package
        WHERE ocfl_id > $1 AND ($2::numeric >= 100 OR abs(hashtext(ocfl_id || $3)) % 10000 < $2::numeric * 100)
        ORDER BY ocfl_id LIMIT $4`,
      [checkpoint, percent, runId, BATCH],
    );
    if (batch.length === 0) break;
    for (const pkg of batch) {
      if ((opts.timeBudgetMs !== undefined && Date.now() - started > opts.timeBudgetMs) || (opts.maxObjects !== undefined && done >= opts.maxObjects)) {
        await p.db.query(`UPDATE audit_run SET status = 'interrupted' WHERE id = $1`, [runId]);
        return { runId, location: opts.location, mode: opts.mode, status: 'interrupted', resumed: !!open, objectsChecked, bytesChecked, findings, unrepaired };
      }
      const result = await auditPackage(p, loc, pkg, runId, opts.actor);
      findings.push(...result.findings);
      unrepaired += result.findings.filter((f) => !f.repaired && f.kind !== 'unexpected').length;
      checkpoint = pkg.ocfl_id;
      objectsChecked += 1;
      bytesChecked += pkg.bytes;
      done += 1;
      await p.db.query(
        `UPDATE audit_run SET checkpoint = $2, objects_checked = $3, bytes_checked = $4,
           findings = findings + $5, unrepaired = unrepaired + $6 WHERE id = $1`,
        [runId, checkpoint, objectsChecked, bytesChecked, result.findings.length, result.findings.filter((f) => !f.repaired && f.kind !== 'unexpected').length],
      );
      if (opts.bytesPerSecond) {
        const due = (bytesChecked / opts.bytesPerSecond) * 1000 - (Date.now() - started);
        if (due > 0) await sleep(Math.min(due, 60_000));
      }
    }
  }
  await p.db.tx(async (tx) => {
    const [run] = await tx.query<{ findings: number; unrepaired: number }>(
      `UPDATE audit_run SET status = 'done', finished_at = now() WHERE id = $1 RETURNING findings, unrepaired`, [runId]);
    await appendEvent(tx, {
      actor: opts.actor, action: 'preservation.audit.finished', subject: `location:${opts.location}`,
      data: { runId, mode: opts.mode, objectsChecked, bytesChecked, findings: run!.findings, unrepaired: run!.unrepaired },
    });
  });
  return { runId, location: opts.location, mode: opts.mode, status: 'done', resumed: !!open, objectsChecked, bytesChecked, findings, unrepaired };
}

/** Validates one package at `loc`; repairs what is missing or corrupted from a verified copy elsewhere. */
async function auditPackage(
  p: Preservation, loc: Location, pkg: { volume_id: string; repository_id: string; ocfl_id: string; head_version: number }, runId: string, actor: string,
): Promise<{ findings: AuditFinding[] }> {
  const report = await loc.store.validateObject(pkg.ocfl_id);
  const problems = report.findings.filter((f) => f.severity === 'error' || f.kind === 'unexpected');
  if (problems.length === 0) {
    await p.recordReplica(pkg.volume_id, pkg.repository_id, loc, pkg.head_version, report, actor);
    await p.settle(pkg.volume_id, actor); // a copy found healthy again can make the package whole again
    return { findings: [] };
  }
  const damaged = problems.some((f) => f.kind !== 'unexpected' && f.severity === 'error');
  let repairedFrom: string | null = null;
  let after = report;
  if (damaged) {
    for (const source of p.online.filter((l) => l !== loc)) {
      const check = await source.store.validateObject(pkg.ocfl_id).catch(() => undefined);
      if (!check || !intact(check)) continue; // never repair from a copy that does not verify itself
      try {
        await copyObject(source.store, loc.store, pkg.ocfl_id);
      } catch {
        continue;
      }
      after = await loc.store.validateObject(pkg.ocfl_id);
      if (intact(after)) {
        repairedFrom = source.config.name;
        break;
      }
    }
  }
  const stillBad = new Set(damage(after).map((f) => `${f.kind}:${f.path ?? ''}`));
  const out: AuditFinding[] = problems.map((f) => {
    const repaired = f.kind !== 'unexpected' && repairedFrom !== null && !stillBad.has(`${f.kind}:${f.path ?? ''}`);
    return { volumeId: pkg.volume_id, path: f.path ?? '', kind: f.kind, detail: `[${f.code}] ${f.message}`, repaired, repairedFrom: repaired ? repairedFrom : null };
  });
  await p.db.tx(async (tx) => {
    for (const f of out) {
      await tx.query(
        `INSERT INTO audit_finding (id, run_id, location, volume_id, path, kind, detail, repaired, repaired_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [uuidv7(), runId, loc.config.name, f.volumeId, f.path, f.kind, f.detail, f.repaired, f.repairedFrom],
      );
      await appendEvent(tx, {
        actor, action: 'preservation.audit.finding', subject: `volume:${pkg.volume_id}`, repositoryId: pkg.repository_id,
        data: { runId, location: loc.config.name, path: f.path, kind: f.kind, detail: f.detail },
      });
    }
    if (repairedFrom) {
      await appendEvent(tx, {
        actor, action: 'preservation.repaired', subject: `volume:${pkg.volume_id}`, repositoryId: pkg.repository_id,
        data: { runId, location: loc.config.name, from: repairedFrom, paths: out.filter((f) => f.repaired).map((f) => f.path) },
      });
    }
  });
  await p.recordReplica(pkg.volume_id, pkg.repository_id, loc, pkg.head_version, after, actor);
  await p.settle(pkg.volume_id, actor);
  return { findings: out };
}
