import { createHmac, randomBytes } from 'node:crypto';
import { actorName, type UserActor } from '../../identity/index.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { uuidv7 } from '../../platform/ids.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { appendEvent } from '../../preservation/index.ts';
import { loadArchivingOptions, type SubmissionEvent, type WebhookView } from './schema.ts';

/** pg-boss queue of webhook deliveries (retried with exponential backoff). */
export const WEBHOOK_DELIVER = 'archiving-webhook';
export const WEBHOOK_RETRY_LIMIT = 10;
const TIMEOUT_MS = 10_000;

/** `X-Dangan-Signature` value: HMAC-SHA256 of the exact request body bytes with the webhook's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * SSRF guard. Only http(s); when an allow-list is configured (DANGAN_WEBHOOK_ALLOW, comma-separated),
 * the host must equal an entry or, for an entry starting with '.', end with it. Empty list = any host
 * (the default for now: production should set it).
 */
export function targetAllowed(url: string, allow: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.username || u.password) return false;
  if (allow.length === 0) return true;
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allow.some((a) => (a.startsWith('.') ? host.endsWith(a) && host.length > a.length : host === a));
}

const VIEW = `id, url, events, scope, description, active,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

export async function createWebhook(
  db: Db, me: UserActor, allow: readonly string[],
  input: { url: string; events: SubmissionEvent[]; scope: 'own' | 'repository'; secret?: string | undefined; description: string },
): Promise<WebhookView & { secret: string }> {
  if (!targetAllowed(input.url, allow)) {
    throw new AppError(400, 'archiving.webhook_url', { zh: '回调地址须为 http(s)，且在允许的主机名单内', en: 'the URL must be http(s) and its host on the allow-list (DANGAN_WEBHOOK_ALLOW)' });
  }
  if (input.scope === 'repository' && me.role !== 'admin' && me.role !== 'archivist') {
    throw new AppError(403, 'auth.forbidden', { zh: '只有档案馆人员可订阅全馆报送', en: 'only archive staff may subscribe to the whole repository' });
  }
  const id = uuidv7();
  const secret = input.secret ?? randomBytes(24).toString('base64url');
  const events = [...new Set(input.events)];
  const [row] = await db.tx(async (tx) => {
    const rows = await tx.query<WebhookView>(
      `INSERT INTO webhook (id, owner_id, repository_id, scope, url, secret, events, description) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${VIEW}`,
      [id, me.id, me.repository.id, input.scope, input.url, secret, events, input.description]);
    await appendEvent(tx, { actor: actorName(me), action: 'webhook.created', subject: `webhook:${id}`, repositoryId: me.repository.id, data: { url: input.url, events, scope: input.scope } });
    return rows;
  });
  return { ...row!, secret };
}

export async function listWebhooks(db: Db, me: UserActor): Promise<WebhookView[]> {
  return db.query<WebhookView>(`SELECT ${VIEW} FROM webhook WHERE owner_id = $1 AND active ORDER BY id`, [me.id]);
}

/** Deactivates (keeps the delivery history); someone else's webhook does not exist for the caller. */
export async function deleteWebhook(db: Db, me: UserActor, id: string): Promise<void> {
  await db.tx(async (tx) => {
    const rows = await tx.query('UPDATE webhook SET active = false WHERE id = $1 AND owner_id = $2 AND active RETURNING id', [id, me.id]);
    if (rows.length === 0) throw new AppError(404, 'archiving.webhook_not_found', { zh: '回调不存在', en: 'webhook not found' });
    await appendEvent(tx, { actor: actorName(me), action: 'webhook.deleted', subject: `webhook:${id}`, repositoryId: me.repository.id, data: {} });
  });
}

type SubmissionPayload = { id: string; kind: string; state: string; projectId: string; projectCode: string; unitUscc: string | null; createdAt: string };

/**
 * Queues one delivery per matching active webhook (the submitter's own, and repository-wide ones) for
 * a submission event. Idempotent: notifying the same event twice sends nothing new. The checks and
 * acceptance modules call this with 'submission.checked' / 'submission.accepted'.
 */
export async function notifySubmissionEvent(db: Db, jobs: Pick<Jobs, 'send'>, submissionId: string, event: SubmissionEvent): Promise<number> {
  const [s] = await db.query<SubmissionPayload & { submittedBy: string; repositoryId: string }>(
    `SELECT s.id, s.kind, s.state, s.project_id AS "projectId", p.project_code AS "projectCode", s.unit_uscc AS "unitUscc",
            s.submitted_by AS "submittedBy", s.repository_id AS "repositoryId",
            to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
       FROM submission s JOIN project p ON p.id = s.project_id WHERE s.id = $1`, [submissionId]);
  if (!s) throw new Error(`no submission ${submissionId}`);
  const { submittedBy, repositoryId, ...submission } = s;
  const hooks = await db.query<{ id: string }>(
    `SELECT id FROM webhook WHERE active AND $1 = ANY(events)
        AND ((scope = 'own' AND owner_id = $2) OR (scope = 'repository' AND repository_id = $3)) ORDER BY id`,
    [event, submittedBy, repositoryId]);
  let queued = 0;
  for (const h of hooks) {
    const id = uuidv7();
    const body = JSON.stringify({ id, event, occurredAt: new Date().toISOString(), submission });
    const rows = await db.query(
      `INSERT INTO webhook_delivery (id, webhook_id, submission_id, event, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (webhook_id, submission_id, event) DO NOTHING RETURNING id`, [id, h.id, submissionId, event, body]);
    if (rows.length === 0) continue;
    await jobs.send(WEBHOOK_DELIVER, { deliveryId: id });
    queued++;
  }
  return queued;
}

type DeliveryRow = { id: string; event: string; body: string; state: string; attempts: number; url: string; secret: string; active: boolean };

/** One attempt of one delivery; a throw makes pg-boss retry it later (2 s, 4 s, 8 s … with jitter). */
export async function deliverWebhook(db: Db, deliveryId: string, allow: readonly string[], fetchImpl: typeof fetch = fetch): Promise<{ state: string; status?: number }> {
  const [d] = await db.query<DeliveryRow>(
    `UPDATE webhook_delivery d SET attempts = attempts + 1 FROM webhook w
      WHERE d.id = $1 AND w.id = d.webhook_id
      RETURNING d.id, d.event, d.body, d.state, d.attempts, w.url, w.secret, w.active`, [deliveryId]);
  if (!d || d.state !== 'pending') return { state: d?.state ?? 'missing' };
  const finish = async (state: string, status: number | null, error: string | null) => {
    await db.query(`UPDATE webhook_delivery SET state = $2, last_status = $3, last_error = $4, delivered_at = CASE WHEN $2 = 'delivered' THEN now() END WHERE id = $1`,
      [d.id, state, status, error]);
  };
  if (!d.active || !targetAllowed(d.url, allow)) {
    await finish('skipped', null, d.active ? 'target not allowed' : 'webhook deleted');
    return { state: 'skipped' };
  }
  let status: number | null = null;
  let error: string;
  try {
    const res = await fetchImpl(d.url, {
      method: 'POST', body: d.body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/json; charset=utf-8', 'user-agent': 'Dangan-Webhook/1',
        'x-dangan-event': d.event, 'x-dangan-delivery': d.id, 'x-dangan-signature': signature(d.secret, d.body),
      },
    });
    status = res.status;
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) {
      await finish('delivered', status, null);
      return { state: 'delivered', status };
    }
    error = `HTTP ${res.status}`;
  } catch (e) {
    error = (e as Error).message;
  }
  const last = d.attempts > WEBHOOK_RETRY_LIMIT;
  await finish(last ? 'failed' : 'pending', status, error);
  if (last) return { state: 'failed', ...(status === null ? {} : { status }) };
  throw new Error(`webhook delivery ${d.id} to ${new URL(d.url).host}: ${error}`);
}

/** Registers the delivery job; call before `jobs.start()` (src/app/jobs.ts `defineJobs`). */
export function defineArchivingJobs(jobs: Jobs, db: Db, allow: readonly string[] = loadArchivingOptions().webhookAllow): void {
  jobs.define<{ deliveryId: string }>({
    name: WEBHOOK_DELIVER,
    retryLimit: WEBHOOK_RETRY_LIMIT,
    handle: (data) => deliverWebhook(db, data.deliveryId, allow),
  });
}
