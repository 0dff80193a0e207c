import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { actorName, type UserActor } from '../../identity/index.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { uuidv7 } from '../../platform/ids.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { appendEvent, canonicalJson, type FsContentStore, type StoredObject } from '../../preservation/index.ts';
import { prepareRecord, type Prepared } from './prepare.ts';
import type { RecordInput, RecordResult } from './schema.ts';
import { notifySubmissionEvent } from './webhooks.ts';

export type Endpoint = 'records' | 'batches';
export type PushOutcome = { status: number; body: Record<string, unknown> & { replayed: boolean } };
type PriorRow = { endpoint: Endpoint; body_hash: string; status: number; response: Record<string, unknown> };

/** Name of the package snapshot each API submission points to (submission.file_name / storage_key). */
export const PACKAGE_FILE = 'incoming-package.json';

const conflictError = () => new AppError(409, 'archiving.idempotency_conflict',
  { zh: '该幂等键已用于另一份不同的请求', en: 'this Idempotency-Key was already used with a different request body' });

/** What a key is bound to: the endpoint and the canonical JSON of the validated body. */
export function bodyHash(endpoint: Endpoint, body: unknown): string {
  return createHash('sha256').update(`${endpoint}\n${canonicalJson(body)}`).digest('hex');
}

function replay(prior: PriorRow, endpoint: Endpoint, hash: string): PushOutcome {
  if (prior.endpoint !== endpoint || prior.body_hash !== hash) throw conflictError();
  return { status: 200, body: { ...prior.response, replayed: true } };
}

/** An unexpired earlier request with this key, if any. */
async function findPrior(q: Db | Tx, userId: string, key: string): Promise<PriorRow | undefined> {
  const [row] = await q.query<PriorRow>(
    'SELECT endpoint, body_hash, status, response FROM archiving_request WHERE user_id = $1 AND idempotency_key = $2 AND expires_at > now()', [userId, key]);
  return row;
}

/** One prepared record becomes one submission (kind 'api'): row, package snapshot, file items, event. */
async function insertSubmission(tx: Tx, me: UserActor, p: Prepared, manifest: StoredObject, idempotencyKey: string): Promise<RecordResult> {
  const id = uuidv7();
  await tx.query(
    `INSERT INTO submission (id, repository_id, project_id, submitted_by, unit_uscc, kind, file_name, size, sha256, sha512, sm3, storage_key)
     VALUES ($1, $2, $3, $4, $5, 'api', $6, $7, $8, $9, $10, $11)`,
    [id, p.project.repositoryId, p.project.id, me.id, p.unitUscc, PACKAGE_FILE, manifest.size, manifest.sha256, manifest.sha512, manifest.sm3, manifest.key]);
  await tx.query('INSERT INTO submission_package (submission_id, package) VALUES ($1, $2)', [id, JSON.stringify(p.pkg)]);
  for (const f of p.files) {
    await tx.query(
      `INSERT INTO submission_item (submission_id, path, record_key, size, sha256, sha512, sm3, storage_key, format, upload_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, f.path, p.recordKey, f.digests.size, f.digests.sha256, f.digests.sha512, f.digests.sm3, 'storageKey' in f ? f.storageKey : f.digests.sha256, f.format ?? null, 'uploadId' in f ? f.uploadId : null]);
  }
  await appendEvent(tx, {
    actor: actorName(me), action: 'submission.received', subject: `submission:${id}`, repositoryId: p.project.repositoryId,
    data: { projectId: p.project.id, kind: 'api', idempotencyKey, title: p.pkg.records[0]?.title ?? '', files: p.files.length, packageSha256: manifest.sha256 },
  });
  return { submissionId: id, projectId: p.project.id, state: 'received', files: p.files.map((f) => ({ path: f.path, size: f.digests.size, sha256: f.digests.sha256, sm3: f.digests.sm3 })) };
}

export type ArchivingDeps = { db: Db; store: FsContentStore; jobs: Pick<Jobs, 'send'>; idempotencyHours: number; log?: (msg: string, err: unknown) => void };

/**
 * Pushes one record or a batch, all or nothing, idempotent by the caller's key: the same key and body
 * replays the first response; the same key with another body is a 409; two concurrent requests with
 * one key make one submission (the key's primary key serializes them, the second replays the first).
 */
export async function push(deps: ArchivingDeps, me: UserActor, key: string, endpoint: Endpoint, records: RecordInput[], body: unknown): Promise<PushOutcome> {
  const { db, store } = deps;
  const hash = bodyHash(endpoint, body);
  const prior = await findPrior(db, me.id, key);
  if (prior) return replay(prior, endpoint, hash);

  const [user] = await db.query<{ unit_uscc: string | null }>('SELECT unit_uscc FROM app_user WHERE id = $1', [me.id]);
  const prepared: Prepared[] = [];
  const failures: { index: number; statusCode: number; code: string; message: { zh: string; en: string }; details?: unknown }[] = [];
  for (const [index, r] of records.entries()) {
    try {
      prepared.push(await prepareRecord(db, me, r, user?.unit_uscc ?? null));
    } catch (e) {
      if (!(e instanceof AppError) || endpoint === 'records') throw e;
      failures.push({ index, statusCode: e.statusCode, code: e.code, message: e.bilingual, ...(e.details === undefined ? {} : { details: e.details }) });
    }
  }
  if (failures.length > 0) {
    const f = failures[0]!;
    throw new AppError(f.statusCode, f.code, { zh: `第 ${f.index + 1} 条：${f.message.zh}（整批未接收）`, en: `record ${f.index}: ${f.message.en} (nothing in the batch was received)` }, failures);
  }

  // Bytes first (content-addressed, so a repeat or a concurrent duplicate stores nothing new), rows after.
  const manifests: StoredObject[] = [];
  for (const p of prepared) {
    for (const f of p.files) if ('bytes' in f) await store.put(Readable.from([f.bytes]));
    manifests.push(await store.put(Readable.from([Buffer.from(canonicalJson(p.pkg), 'utf8')])));
  }

  const out = await db.tx(async (tx) => {
    await tx.query('DELETE FROM archiving_request WHERE user_id = $1 AND idempotency_key = $2 AND expires_at <= now()', [me.id, key]);
    await tx.query('DELETE FROM archiving_request WHERE ctid = ANY(ARRAY(SELECT ctid FROM archiving_request WHERE expires_at <= now() LIMIT 100))');
    const claimed = await tx.query(
      `INSERT INTO archiving_request (user_id, idempotency_key, endpoint, body_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5)) ON CONFLICT DO NOTHING RETURNING user_id`,
      [me.id, key, endpoint, hash, deps.idempotencyHours]);
    if (claimed.length === 0) return { prior: await findPrior(tx, me.id, key) };
    const results: RecordResult[] = [];
    for (const [i, p] of prepared.entries()) results.push(await insertSubmission(tx, me, p, manifests[i]!, key));
    const response = endpoint === 'records' ? { ...results[0]! } : { results: results.map((r, index) => ({ index, ...r })) };
    await tx.query('UPDATE archiving_request SET response = $3, status = 201 WHERE user_id = $1 AND idempotency_key = $2', [me.id, key, JSON.stringify(response)]);
    return { response, ids: results.map((r) => r.submissionId) };
  });
  if ('prior' in out) {
    if (!out.prior) throw conflictError(); // expired in between: vanishingly rare, and safe to retry
    return replay(out.prior, endpoint, hash);
  }
  for (const id of out.ids) {
    await notifySubmissionEvent(db, deps.jobs, id, 'submission.received').catch((e: unknown) => deps.log?.('webhook notification failed', e));
  }
  return { status: 201, body: { ...out.response, replayed: false } };
}
