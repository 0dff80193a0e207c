import { z } from 'zod';
import type { Actor, UserActor } from '../../identity/index.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/server.ts';
import type { Jobs } from '../../platform/jobs.ts';
import type { FsContentStore } from '../../preservation/index.ts';
import {
  BatchResponse, IdempotencyHeaders, RecordInput, RecordResponse, WebhookInput, WebhookView, batchInput, loadArchivingOptions, type ArchivingOptions,
} from './schema.ts';
import { push, type ArchivingDeps } from './service.ts';
import { createWebhook, deleteWebhook, listWebhooks } from './webhooks.ts';

const tags = ['archiving'];
const security: { [label: string]: string[] }[] = [{ token: [] }, { session: [] }];
const user = (a: Actor): UserActor => {
  if (a.kind !== 'user') throw new AppError(401, 'auth.required', { zh: '请先登录', en: 'sign-in required' });
  return a;
};
const ErrorBody = z.object({ statusCode: z.number(), code: z.string(), message: z.object({ zh: z.string(), en: z.string() }), details: z.unknown().optional() });
const errors = {
  400: ErrorBody.describe('元数据不合法：code 为首个问题的代码（如 project_code.format、uscc.check_char），details 列出全部问题'),
  403: ErrorBody.describe('无权报送（如查阅人员的令牌）'),
  404: ErrorBody.describe('项目不存在或不在您的范围内（catalog.not_found）'),
  409: ErrorBody.describe('archiving.idempotency_conflict：同一幂等键用于不同的请求体'),
  422: ErrorBody.describe('archiving.digest_mismatch：声明的摘要与文件内容不符，details.file 为文件名'),
};

/**
 * The archiving API for business systems (实时归档): push one record with its metadata and files, or a
 * batch, idempotent by `Idempotency-Key`; and the webhooks that tell them what became of a submission.
 */
export async function archivingRoutes(app: App, db: Db, store: FsContentStore, jobs: Pick<Jobs, 'send'>, options: Partial<ArchivingOptions> = {}): Promise<void> {
  const opts: ArchivingOptions = { ...loadArchivingOptions(), ...options };
  const deps: ArchivingDeps = { db, store, jobs, idempotencyHours: opts.idempotencyHours, log: (msg, err) => app.log.error({ err }, msg) };

  app.post('/api/archiving/records', {
    config: { policy: 'submission:create' },
    bodyLimit: opts.bodyLimit,
    schema: {
      tags, security,
      summary: '实时归档：推送一条文件及其元数据和电子文件 / push one record with metadata and files',
      description: [
        '一次请求创建一个报送（kind = api）。文件以 `contentBase64`（≤ 1 MiB）内联，或以 `uploadId` 引用已完成的 tus 上传（/api/uploads）。',
        '声明的 sha256 / sm3 与内容不符时返回 422 且不保存任何内容。',
        '`Idempotency-Key` 必填：同一键和同一请求体重放首次结果（200，`replayed: true`）；同一键不同请求体返回 409。键按 API 用户隔离，至少保留 24 小时。',
      ].join('\n\n'),
      headers: IdempotencyHeaders,
      body: RecordInput,
      response: { 200: RecordResponse.describe('重放：同一幂等键的首次结果'), 201: RecordResponse.describe('已接收'), ...errors },
    },
  }, async (req, reply) => {
    const me = user(req.actor);
    const r = await push(deps, me, req.headers['idempotency-key'], 'records', [req.body], req.body);
    return reply.status(r.status).send(r.body as z.infer<typeof RecordResponse>);
  });

  app.post('/api/archiving/batches', {
    config: { policy: 'submission:create' },
    bodyLimit: opts.bodyLimit,
    schema: {
      tags, security,
      summary: `批量归档：一次推送至多 ${opts.batchMax} 条 / push a batch of records, all or nothing`,
      description: '每条与 /api/archiving/records 的请求体相同，各成一个报送；任何一条不合格则整批不接收，错误的 details 按 index 列出。幂等规则同上。',
      headers: IdempotencyHeaders,
      body: batchInput(opts.batchMax),
      response: { 200: BatchResponse, 201: BatchResponse, ...errors },
    },
  }, async (req, reply) => {
    const me = user(req.actor);
    const r = await push(deps, me, req.headers['idempotency-key'], 'batches', req.body.records, req.body);
    return reply.status(r.status).send(r.body as z.infer<typeof BatchResponse>);
  });

  app.post('/api/archiving/webhooks', {
    config: { policy: 'submission:create' },
    schema: {
      tags, security,
      summary: '登记回调 / register a webhook',
      description: '事件：submission.received（已接收）、submission.checked（已检测）、submission.accepted（已接收进馆）。每次投递 POST JSON `{ id, event, occurredAt, submission }`，'
        + '头 `X-Dangan-Event`、`X-Dangan-Signature: sha256=<用密钥对原始请求体做 HMAC-SHA256>`；非 2xx 时按指数退避重试。',
      body: WebhookInput,
      response: { 201: WebhookView.extend({ secret: z.string().describe('签名密钥，仅此一次返回') }), 400: ErrorBody, 403: ErrorBody },
    },
  }, async (req, reply) => {
    const hook = await createWebhook(db, user(req.actor), opts.webhookAllow, req.body);
    return reply.status(201).send(hook);
  });

  app.get('/api/archiving/webhooks', {
    config: { policy: 'submission:create' },
    schema: { tags, security, summary: '我的回调 / my webhooks', response: { 200: z.object({ items: z.array(WebhookView) }) } },
  }, async (req) => ({ items: await listWebhooks(db, user(req.actor)) }));

  app.delete('/api/archiving/webhooks/:id', {
    config: { policy: 'submission:create' },
    schema: { tags, security, summary: '删除回调 / delete a webhook', params: z.object({ id: z.uuid() }), response: { 204: z.null(), 404: ErrorBody } },
  }, async (req, reply) => {
    await deleteWebhook(db, user(req.actor), req.params.id);
    return reply.status(204).send(null);
  });
}
