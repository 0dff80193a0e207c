/**
 * Check runs in the server: a run is requested (by a person, or automatically when a submission has been
 * unpacked), queued as a job, executed batch by batch on the file pool, and its report, verdict and manual
 * tasks stored. The facts measured for each file are committed as they come (check_file), so a run killed
 * at any moment resumes from what it had measured. Every run and every finished task is in the event chain.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { uuidv7 } from '../platform/ids.ts';
import type { IncomingPackage } from '../packages/model.ts';
import { appendEvent, type FsContentStore } from '../preservation/index.ts';
import type { CheckReport, CheckTask, Stage } from './model.ts';
import { buildReport } from './report/build.ts';
import { itemDef } from './registry/items.ts';
import { DEFAULT_SCHEME, parseScheme, type CheckScheme, type CheckSchemeBody } from './scheme/scheme.ts';
import type { FileFacts } from './engine/facts.ts';
import { runCheck, type Progress, type VirusScanner } from './engine/run.ts';
import { createFilePool, type FilePool } from './engine/file-pool.ts';

/** A refused request about checks (HTTP status, stable code `check.*`, bilingual message). */
export class CheckError extends AppError {
  constructor(statusCode: number, code: string, zh: string, en: string) {
    super(statusCode, `check.${code.replace(/-/g, '_')}`, { zh, en });
  }
}

export type RunRow = {
  id: string; repositoryId: string; submissionId: string | null; volumeId: string | null; stage: Stage; schemeId: string | null; schemeVersion: number;
  state: 'queued' | 'running' | 'done' | 'failed'; progress: Partial<Progress>; verdict: string | null; error: string | null; createdAt: string; startedAt: string | null; finishedAt: string | null;
  summary: CheckReport['summary'] | null;
};

const MAX_ATTEMPTS = 3;

const RUN_COLUMNS = `r.id, r.repository_id AS "repositoryId", r.submission_id AS "submissionId", r.volume_id AS "volumeId", r.stage, r.scheme_id AS "schemeId",
  r.scheme_version AS "schemeVersion", r.state, r.progress, r.verdict, r.error, r.report -> 'summary' AS summary,
  to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startedAt",
  to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "finishedAt"`;

export type ChecksDeps = {
  db: Db;
  content: FsContentStore;
  /** queues a run (the job calls `execute`) */
  enqueue: (runId: string) => Promise<void>;
  /** the configured virus scanner, or why there is none */
  scanner: () => Promise<VirusScanner | { unavailable: string } | undefined> | undefined;
  /** told when a submission's check finished (webhooks) */
  onSubmissionChecked?: (submissionId: string) => Promise<void>;
  workers?: number;
};

export class Checks {
  /** One worker pool for every run of this process, started on first use: its workers stay loaded. */
  private pool: FilePool | undefined;

  constructor(private readonly deps: ChecksDeps) {}

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }

  /** A stored object's bytes, streamed (evidence downloads). */
  openContent(storageKey: string): Readable {
    return this.deps.content.read(storageKey);
  }

  /** The file of a stored object (previews). */
  contentPath(storageKey: string): string {
    return this.deps.content.pathOf(storageKey);
  }

  /** The repository's current scheme (its latest version), or the shipped default. */
  async scheme(repositoryId: string): Promise<CheckScheme & { stored: boolean }> {
    const [row] = await this.deps.db.query<{ id: string; version: number; body: unknown }>(
      'SELECT id, version, body FROM check_scheme WHERE repository_id = $1 ORDER BY version DESC LIMIT 1', [repositoryId]);
    if (!row) return { ...DEFAULT_SCHEME, stored: false };
    const r = parseScheme(row.body, { id: row.id, version: row.version });
    if (!r.ok) throw new Error(`stored check scheme ${row.id} is invalid: ${r.problems.map((p) => p.message).join('; ')}`);
    return { ...r.scheme, stored: true };
  }

  /** A new version of the repository's scheme (never an overwrite: runs keep pointing at the version they used). */
  async saveScheme(repositoryId: string, body: CheckSchemeBody, actor: { id: string; username: string }): Promise<CheckScheme> {
    return this.deps.db.tx(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`check_scheme:${repositoryId}`]);
      const [last] = await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM check_scheme WHERE repository_id = $1', [repositoryId]);
      const version = (last?.v ?? 1) + 1; // version 1 is the shipped default
      const id = uuidv7();
      const parsed = parseScheme(body, { id, version });
      if (!parsed.ok) throw new CheckError(400, 'scheme-invalid', `检测方案无效：${parsed.problems.map((p) => `${p.path} ${p.message}`).join('；')}`, `invalid check scheme: ${parsed.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
      await tx.query('INSERT INTO check_scheme (id, repository_id, version, name, body, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [id, repositoryId, version, parsed.scheme.name, JSON.stringify(body), actor.id]);
      await appendEvent(tx, { actor: actor.username, action: 'check.scheme-saved', subject: `check-scheme:${id}`, repositoryId, data: { version, name: parsed.scheme.name } });
      return parsed.scheme;
    });
  }

  /** Queues a run over a submission (GD or YJ) or a volume in custody (BC). */
  async request(target: { submissionId: string } | { volumeId: string }, stage: Stage, actor: { id: string | null; username: string }): Promise<string> {
    const db = this.deps.db;
    const isSub = 'submissionId' in target;
    if (isSub && stage === 'BC') throw new CheckError(400, 'stage-invalid', '报送的检测阶段应为归档（GD）或移交接收（YJ）', 'a submission is checked at GD or YJ');
    if (!isSub && stage !== 'BC') throw new CheckError(400, 'stage-invalid', '馆藏案卷的检测阶段为长期保存（BC）', 'a volume in custody is checked at BC');
    const [t] = isSub
      ? await db.query<{ repositoryId: string }>('SELECT repository_id AS "repositoryId" FROM submission WHERE id = $1', [target.submissionId])
      : await db.query<{ repositoryId: string }>('SELECT repository_id AS "repositoryId" FROM volume WHERE id = $1', [target.volumeId]);
    if (!t) throw new CheckError(404, 'not-found', '检测对象不存在', 'nothing to check there');
    const scheme = await this.scheme(t.repositoryId);
    const id = uuidv7();
    await db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO check_run (id, repository_id, submission_id, volume_id, stage, scheme_id, scheme_version, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, t.repositoryId, isSub ? target.submissionId : null, isSub ? null : target.volumeId, stage, scheme.stored ? scheme.id : null, scheme.version, actor.id]);
      if (isSub) await tx.query(`UPDATE submission SET state = 'checking' WHERE id = $1 AND state IN ('received', 'checked')`, [target.submissionId]);
      await appendEvent(tx, { actor: actor.username, action: 'check.requested', subject: `check-run:${id}`, repositoryId: t.repositoryId, data: { stage, ...target, scheme: scheme.name, schemeVersion: scheme.version } });
    });
    await this.deps.enqueue(id);
    return id;
  }

  async get(runId: string): Promise<RunRow | undefined> {
    const [r] = await this.deps.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM check_run r WHERE r.id = $1`, [runId]);
    return r;
  }

  async list(target: { submissionId: string } | { volumeId: string }, limit = 50): Promise<RunRow[]> {
    const col = 'submissionId' in target ? 'submission_id' : 'volume_id';
    return this.deps.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM check_run r WHERE r.${col} = $1 ORDER BY r.id DESC LIMIT $2`, ['submissionId' in target ? target.submissionId : target.volumeId, limit]);
  }

  async report(runId: string): Promise<CheckReport | undefined> {
    const [r] = await this.deps.db.query<{ report: CheckReport | null }>('SELECT report FROM check_run WHERE id = $1', [runId]);
    return r?.report ?? undefined;
  }

  /** The job: runs (or resumes) a queued run to its report. */
  async execute(runId: string): Promise<{ verdict: string } | { skipped: string }> {
    const db = this.deps.db;
    const [run] = await db.query<{ id: string; repository_id: string; submission_id: string | null; volume_id: string | null; stage: Stage; scheme_id: string | null; scheme_version: number; state: string }>(
      'SELECT id, repository_id, submission_id, volume_id, stage, scheme_id, scheme_version, state FROM check_run WHERE id = $1', [runId]);
    if (!run) return { skipped: 'no such run' };
    if (run.state === 'done' || run.state === 'failed') return { skipped: `already ${run.state}` };
    const [{ attempts } = { attempts: 1 }] = await db.query<{ attempts: number }>(
      `UPDATE check_run SET state = 'running', started_at = coalesce(started_at, now()), attempts = attempts + 1 WHERE id = $1 RETURNING attempts`, [runId]);
    try {
      const scheme = await this.schemeOf(run.scheme_id, run.scheme_version);
      const target = run.submission_id ? await this.submissionTarget(run.submission_id) : await this.volumeTarget(run.volume_id!);
      const done = new Map<string, FileFacts>();
      for (const r of await db.query<{ path: string; facts: FileFacts }>('SELECT path, facts FROM check_file WHERE run_id = $1', [runId])) done.set(r.path, r.facts);
      const [prev] = await db.query<{ environment: Record<string, string> }>(
        `SELECT environment FROM check_run WHERE id <> $1 AND state = 'done' AND environment IS NOT NULL AND (submission_id = $2 OR volume_id = $3) ORDER BY id DESC LIMIT 1`,
        [runId, run.submission_id, run.volume_id]);
      // Facts go to the database in small batches as files finish: a crash loses at most a batch.
      let batch: FileFacts[] = [];
      const flush = async () => {
        if (!batch.length) return;
        const b = batch;
        batch = [];
        await db.query(
          `INSERT INTO check_file (run_id, path, facts) SELECT $1, x.path, x.facts FROM jsonb_to_recordset($2::jsonb) AS x(path text, facts jsonb) ON CONFLICT DO NOTHING`,
          [runId, JSON.stringify(b.map((f) => ({ path: f.path, facts: f })))]);
      };
      let lastProgress = 0;
      const report = await runCheck({
        stage: run.stage, scheme, root: target.locate, pkg: target.pkg, pool: (this.pool ??= createFilePool({ timeoutMs: scheme.params.fileTimeoutMs, ...(this.deps.workers ? { workers: this.deps.workers } : {}) })), target: target.target, existing: await this.existingKeys(run.repository_id, target.pkg, run.volume_id),
        registered: target.pkg.registered, database: { ok: true }, virus: await this.deps.scanner(), done, carrier: false,
        ...(prev ? { previousEnvironment: prev.environment } : {}),
        onFile: async (f) => {
          batch.push(f);
          if (batch.length >= 25) await flush();
        },
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastProgress < 500 && p.phase === 'files' && p.done !== p.files) return;
          lastProgress = now;
          void db.query('UPDATE check_run SET progress = $2 WHERE id = $1', [runId, JSON.stringify(p)]).catch(() => undefined);
        },
      });
      await flush();
      await db.tx(async (tx) => {
        await tx.query(`UPDATE check_run SET state = 'done', report = $2, verdict = $3, environment = $4, finished_at = now(), progress = $5 WHERE id = $1`,
          [runId, JSON.stringify(report), report.summary.verdict, JSON.stringify((report.items.find((i) => i.code.endsWith('-3-7'))?.evidence?.current as Record<string, string> | undefined) ?? null),
            JSON.stringify({ files: report.summary.files, done: report.summary.files, bytes: report.summary.bytes, phase: 'done' })]);
        for (const t of report.tasks) await tx.query('INSERT INTO check_task (id, run_id, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [uuidv7(), runId, t.code]);
        if (run.submission_id) await tx.query(`UPDATE submission SET state = 'checked' WHERE id = $1 AND state = 'checking'`, [run.submission_id]);
        await appendEvent(tx, {
          actor: 'system:checks', action: 'check.completed', subject: `check-run:${runId}`, repositoryId: run.repository_id,
          data: { stage: run.stage, verdict: report.summary.verdict, counts: report.summary.counts, blockingFailures: report.summary.blockingFailures, files: report.summary.files, bytes: report.summary.bytes, schemeVersion: run.scheme_version },
        });
      });
      if (run.submission_id) await this.deps.onSubmissionChecked?.(run.submission_id).catch(() => undefined);
      return { verdict: report.summary.verdict };
    } catch (e) {
      // Transient trouble (database, store): the job retries and resumes. After MAX_ATTEMPTS the run is failed for good.
      if (attempts >= MAX_ATTEMPTS || e instanceof CheckError) {
        await this.markFailed(runId, (e as Error).message);
        return { skipped: `failed: ${(e as Error).message}` };
      }
      await db.query(`UPDATE check_run SET error = $2 WHERE id = $1`, [runId, (e as Error).message.slice(0, 2000)]);
      throw e;
    }
  }

  /** Marks a run failed for good (the job gave up after its retries). */
  async markFailed(runId: string, message: string): Promise<void> {
    await this.deps.db.tx(async (tx) => {
      const [r] = await tx.query<{ submission_id: string | null; repository_id: string }>(
        `UPDATE check_run SET state = 'failed', error = $2, finished_at = now() WHERE id = $1 AND state <> 'done' RETURNING submission_id, repository_id`, [runId, message.slice(0, 2000)]);
      if (!r) return;
      if (r.submission_id) await tx.query(`UPDATE submission SET state = 'received' WHERE id = $1 AND state = 'checking'`, [r.submission_id]);
      await appendEvent(tx, { actor: 'system:checks', action: 'check.failed', subject: `check-run:${runId}`, repositoryId: r.repository_id, data: { error: message.slice(0, 500) } });
    });
  }

  private async schemeOf(id: string | null, version: number): Promise<CheckScheme> {
    if (!id) return DEFAULT_SCHEME;
    const [row] = await this.deps.db.query<{ body: unknown }>('SELECT body FROM check_scheme WHERE id = $1', [id]);
    const r = parseScheme(row?.body, { id, version });
    if (!r.ok) throw new Error(`check scheme ${id} is invalid`);
    return r.scheme;
  }

  private async submissionTarget(submissionId: string): Promise<{ pkg: IncomingPackage; locate: (p: string) => string | undefined; target: CheckReport['target'] }> {
    const db = this.deps.db;
    const [s] = await db.query<{ file_name: string; package: IncomingPackage | null; problems: IncomingPackage['problems'] }>(
      'SELECT s.file_name, sp.package, s.problems FROM submission s LEFT JOIN submission_package sp ON sp.submission_id = s.id WHERE s.id = $1', [submissionId]);
    if (!s) throw new Error(`submission ${submissionId} not found`);
    if (!s.package) throw new CheckError(409, 'not-unpacked', '报送包尚未拆包，稍后再检测', 'the submission has not been unpacked yet');
    // A rejected package may have been stored as its problems only.
    const stored = s.package as Partial<IncomingPackage>;
    const pkg: IncomingPackage = {
      source: stored.source ?? { format: 'api' }, units: stored.units ?? [], volumes: stored.volumes ?? [], records: stored.records ?? [], unclaimed: stored.unclaimed ?? [],
      problems: stored.problems ?? s.problems ?? [],
      ...(stored.project ? { project: stored.project } : {}), ...(stored.submitter ? { submitter: stored.submitter } : {}), ...(stored.registered ? { registered: stored.registered } : {}),
    };
    const items = await db.query<{ path: string; storage_key: string }>('SELECT path, storage_key FROM submission_item WHERE submission_id = $1', [submissionId]);
    const where = new Map(items.map((i) => [i.path, this.deps.content.pathOf(i.storage_key)]));
    return { pkg, locate: (p) => where.get(p.normalize('NFC')), target: { kind: 'submission', name: s.file_name, submissionId } };
  }

  /** A volume in custody as a package: its records and components, with the digests recorded at ingest as the declared fixity. */
  private async volumeTarget(volumeId: string): Promise<{ pkg: IncomingPackage; locate: (p: string) => string | undefined; target: CheckReport['target'] }> {
    const db = this.deps.db;
    const [v] = await db.query<{ archival_code: string; title: string; category: string; subclass: string | null; year: number; retention: 'permanent' | 'long' | 'short'; classification: 'none' | 'internal' | 'confidential' | 'secret'; project_code: string; project_name: string; region_code: string | null }>(
      `SELECT v.archival_code, v.title, v.category, v.subclass, v.year, v.retention, v.classification, p.project_code, p.name AS project_name, r.region_code
         FROM volume v JOIN project p ON p.id = v.project_id JOIN repository r ON r.id = v.repository_id WHERE v.id = $1`, [volumeId]);
    if (!v) throw new Error(`volume ${volumeId} not found`);
    const rows = await db.query<{ id: string; seq: number; title: string; author: string; doc_date: string | null; doc_number: string; pages: number; category: string; c_seq: number | null; file_name: string | null; size: number | null; format: string | null; sha256: string | null; sm3: string | null; sha512: string | null; storage_key: string | null }>(
      `SELECT r.id, r.seq, r.title, r.author, to_char(r.doc_date, 'YYYY-MM-DD') AS doc_date, r.doc_number, r.pages, r.category,
              c.seq AS c_seq, c.file_name, c.size, c.format, c.sha256, c.sm3, c.sha512, c.storage_key
         FROM record r LEFT JOIN component c ON c.record_id = r.id WHERE r.volume_id = $1 ORDER BY r.seq, c.seq`, [volumeId]);
    const where = new Map<string, string>();
    const records = new Map<string, IncomingPackage['records'][number]>();
    for (const r of rows) {
      let rec = records.get(r.id);
      if (!rec) {
        rec = { key: String(r.seq), volumeKey: v.archival_code, seq: r.seq, title: r.title, ...(r.author ? { author: r.author } : {}), ...(r.doc_date ? { date: r.doc_date } : {}), ...(r.doc_number ? { docNumber: r.doc_number } : {}), ...(r.pages ? { pageCount: r.pages } : {}), category: r.category, files: [] };
        records.set(r.id, rec);
      }
      if (r.file_name && r.storage_key) {
        const path = `${r.seq}/${r.c_seq}-${r.file_name}`;
        where.set(path, this.deps.content.pathOf(r.storage_key));
        rec.files.push({ path, size: Number(r.size), declared: { sha256: r.sha256!, sm3: r.sm3!, sha512: r.sha512! }, ...(r.format ? { format: r.format } : {}) });
      }
    }
    const pkg: IncomingPackage = {
      source: { format: 'api' }, project: { projectCode: v.project_code, name: v.project_name, ...(v.region_code ? { regionCode: v.region_code } : {}) }, units: [],
      volumes: [{ key: v.archival_code, archivalCode: v.archival_code, title: v.title, category: v.category, year: v.year, retention: v.retention, classification: v.classification, ...(v.subclass ? { subclass: v.subclass } : {}) }],
      records: [...records.values()], unclaimed: [], problems: [],
    };
    return { pkg, locate: (p) => where.get(p), target: { kind: 'volume', name: `${v.archival_code} ${v.title}`, volumeId } };
  }

  /** What the archive already holds of the package's keys (1-8), looked up for those keys only. */
  private async existingKeys(repositoryId: string, pkg: IncomingPackage, selfVolume: string | null) {
    const codes = pkg.volumes.map((v) => v.archivalCode).filter((c): c is string => Boolean(c));
    const docs = pkg.records.map((r) => r.docNumber).filter((c): c is string => Boolean(c));
    const [a, d] = await Promise.all([
      codes.length ? this.deps.db.query<{ k: string }>('SELECT archival_code AS k FROM volume WHERE repository_id = $1 AND archival_code = ANY($2) AND ($3::uuid IS NULL OR id <> $3)', [repositoryId, codes, selfVolume]) : [],
      docs.length ? this.deps.db.query<{ k: string }>('SELECT doc_number AS k FROM record WHERE repository_id = $1 AND doc_number = ANY($2) AND ($3::uuid IS NULL OR volume_id <> $3)', [repositoryId, docs, selfVolume]) : [],
    ]);
    return { archivalCodes: new Set(a.map((x) => x.k)), docNumbers: new Set(d.map((x) => x.k)), titles: new Set<string>() };
  }

  async tasks(runId: string): Promise<(CheckTask & { id: string })[]> {
    return this.deps.db.query<CheckTask & { id: string }>(
      `SELECT t.id, t.code, t.state, a.username AS assignee, t.outcome, t.note, t.evidence, d.username AS "doneBy",
              to_char(t.done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "doneAt"
         FROM check_task t LEFT JOIN app_user a ON a.id = t.assignee LEFT JOIN app_user d ON d.id = t.done_by
        WHERE t.run_id = $1 ORDER BY t.code`, [runId]).then((rows) => rows.map((t) => ({ ...t, name: itemDef(t.code.slice(3))!.name, ...(t.assignee ? {} : { assignee: undefined }) })));
  }

  async taskRun(taskId: string): Promise<{ runId: string; repositoryId: string; submissionId: string | null } | undefined> {
    const [t] = await this.deps.db.query<{ runId: string; repositoryId: string; submissionId: string | null }>(
      'SELECT r.id AS "runId", r.repository_id AS "repositoryId", r.submission_id AS "submissionId" FROM check_task t JOIN check_run r ON r.id = t.run_id WHERE t.id = $1', [taskId]);
    return t;
  }

  async assign(taskId: string, assignee: string | null, actor: { username: string }): Promise<void> {
    await this.deps.db.tx(async (tx) => {
      const [t] = await tx.query<{ repository_id: string }>('UPDATE check_task t SET assignee = $2 FROM check_run r WHERE t.id = $1 AND r.id = t.run_id RETURNING r.repository_id', [taskId, assignee]);
      if (!t) throw new CheckError(404, 'not-found', '检测任务不存在', 'no such task');
      await appendEvent(tx, { actor: actor.username, action: 'check.task-assigned', subject: `check-task:${taskId}`, repositoryId: t.repository_id, data: { assignee } });
    });
  }

  /** Adds an evidence file (photo of the carrier, a tool's report…) to a task. */
  async addEvidence(taskId: string, fileName: string, body: Readable, actor: { username: string }): Promise<{ fileName: string; storageKey: string; size: number }> {
    const stored = await this.deps.content.put(body);
    const ev = { fileName: fileName.normalize('NFC'), storageKey: stored.key, size: stored.size, sm3: stored.sm3 };
    await this.deps.db.tx(async (tx) => {
      const [t] = await tx.query<{ repository_id: string; state: string }>(
        `UPDATE check_task t SET evidence = t.evidence || $2::jsonb FROM check_run r WHERE t.id = $1 AND r.id = t.run_id AND t.state = 'open' RETURNING r.repository_id, t.state`, [taskId, JSON.stringify([ev])]);
      if (!t) throw new CheckError(409, 'task-closed', '任务不存在或已完成', 'no such open task');
      await appendEvent(tx, { actor: actor.username, action: 'check.task-evidence', subject: `check-task:${taskId}`, repositoryId: t.repository_id, data: ev });
    });
    return ev;
  }

  /** Records a person's outcome for a manual item; the run's report and verdict are rebuilt with it. */
  async complete(taskId: string, input: { outcome: 'pass' | 'fail'; note: string }, actor: { id: string; username: string }): Promise<RunRow> {
    const runId = await this.deps.db.tx(async (tx) => {
      const [t] = await tx.query<{ run_id: string; code: string; repository_id: string }>(
        `UPDATE check_task t SET state = 'done', outcome = $2, note = $3, done_by = $4, done_at = now() FROM check_run r
          WHERE t.id = $1 AND r.id = t.run_id AND t.state = 'open' RETURNING t.run_id, t.code, r.repository_id`, [taskId, input.outcome, input.note, actor.id]);
      if (!t) throw new CheckError(409, 'task-closed', '任务不存在或已完成', 'no such open task');
      await tx.query('SELECT 1 FROM check_run WHERE id = $1 FOR UPDATE', [t.run_id]);
      const [r] = await tx.query<{ report: CheckReport }>('SELECT report FROM check_run WHERE id = $1', [t.run_id]);
      const tasks = await tx.query<CheckTask>(
        `SELECT t.code, t.state, t.outcome, t.note, d.username AS "doneBy", to_char(t.done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "doneAt"
           FROM check_task t LEFT JOIN app_user d ON d.id = t.done_by WHERE t.run_id = $1`, [t.run_id]);
      const report = rebuild(r!.report, tasks.map((x) => ({ ...x, name: itemDef(x.code.slice(3))!.name })));
      await tx.query('UPDATE check_run SET report = $2, verdict = $3 WHERE id = $1', [t.run_id, JSON.stringify(report), report.summary.verdict]);
      await appendEvent(tx, { actor: actor.username, action: 'check.task-done', subject: `check-task:${taskId}`, repositoryId: t.repository_id, data: { run: t.run_id, code: t.code, outcome: input.outcome, verdict: report.summary.verdict } });
      return t.run_id;
    });
    return (await this.get(runId))!;
  }
}

/** A stored report with the tasks' current state applied (a done task decides its manual item). */
export function rebuild(report: CheckReport, tasks: CheckTask[]): CheckReport {
  const planned = report.byItem.map((i) => ({ code: i.code, def: itemDef(i.item)!, severity: i.severity }));
  const { summary, byItem: _b, items, tasks: _t, format: _f, version: _v, ...meta } = report;
  return buildReport({ ...meta, files: summary.files, bytes: summary.bytes }, planned, items, tasks);
}
