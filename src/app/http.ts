import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { catalogRoutes, getComponent } from '../catalog/index.ts';
import { actorName, canWriteCatalog, identityRoutes, readScope, registerAuth } from '../identity/index.ts';
import { AppError } from '../platform/errors.ts';
import { PageQuery, decodeCursor, page } from '../platform/http/paging.ts';
import { createHttpServer, type App } from '../platform/http/server.ts';
import { projectRoot } from '../platform/paths.ts';
import { toChainEvent, verifyChain } from '../preservation/index.ts';
import { FIXITY_PING, JOB_QUEUES, PRESERVE_VOLUME } from './jobs.ts';
import { storageRoutes } from './storage-routes.ts';
import { checkRoutes } from '../checks/index.ts';
import { firstPagePreview } from './checks.ts';
import { archivingRoutes, uploadRoutes } from '../packages/index.ts';
import type { Runtime } from './runtime.ts';

export const VERSION = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** The HTTP application: platform server + identity + catalog + audit + jobs routes. */
export async function buildApp(rt: Runtime, opts: { serveWeb?: boolean } = {}): Promise<App> {
  const { config, db } = rt;
  const app = await createHttpServer({
    logLevel: config.logLevel,
    bodyLimit: config.bodyLimit,
    version: VERSION,
    ...(opts.serveWeb === false ? {} : { webDir: join(projectRoot(), 'web/dist') }),
  });
  await registerAuth(app, db);

  app.get('/healthz', {
    config: { policy: 'public' },
    schema: { tags: ['platform'], summary: '健康检查 / health' },
  }, async (_req, reply) => {
    const t0 = performance.now();
    let database: { ok: boolean; latencyMs: number; embedded: boolean; error?: string };
    try {
      await db.query('SELECT 1');
      database = { ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10, embedded: rt.embedded !== undefined };
    } catch (err) {
      database = { ok: false, latencyMs: -1, embedded: rt.embedded !== undefined, error: (err as Error).message };
    }
    let queue: { ok: boolean; role: string; queues: Awaited<ReturnType<typeof rt.jobs.queues>>; error?: string };
    try {
      queue = { ok: true, role: rt.role, queues: await rt.jobs.queues() };
    } catch (err) {
      queue = { ok: false, role: rt.role, queues: [], error: (err as Error).message };
    }
    const ok = database.ok && queue.ok;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'error', version: VERSION, database, queue });
  });

  app.get('/api/openapi.json', { config: { policy: 'public' }, schema: { hide: true } }, () => app.swagger());

  await identityRoutes(app, db, {
    sessionHours: config.sessionHours,
    cookieSecure: config.cookieSecure,
    limits: { maxFailures: config.loginMaxFailures, windowSeconds: config.loginWindowSeconds },
  });
  // A described volume that is already preserved gets a new package version (never an overwrite), as a job.
  await catalogRoutes(app, db, rt.store, async (volumeId, actor) => {
    const [pkg] = await db.query('SELECT 1 FROM archival_package WHERE volume_id = $1', [volumeId]);
    if (pkg) await rt.jobs.send(PRESERVE_VOLUME, { volumeId, requestedBy: actorName(actor) });
  });
  await storageRoutes(app, db, rt.preservation, rt.jobs);
  await uploadRoutes(app, db, rt.uploads, config.uploadMaxBytes);
  await archivingRoutes(app, db, rt.store, rt.jobs);
  await checkRoutes(app, db, rt.checks, {
    // Loaded on first use: the Chinese font is large, and most processes never write a report PDF.
    pdf: async (report, lang) => (await import('../checks/report/pdf.ts')).checkReportPdf(report, { lang }),
    preview: firstPagePreview,
  });

  app.get('/api/audit/verify', {
    config: { policy: 'audit:read' },
    schema: { tags: ['audit'], summary: '校验事件链 / verify the event chain' },
  }, () => verifyChain(db));

  app.get('/api/events', {
    config: { policy: 'audit:read' },
    schema: {
      tags: ['audit'], summary: '事件 / events of the repositories you may read',
      querystring: PageQuery.extend({ subject: z.string().max(200).optional() }),
    },
  }, async (req) => {
    const scope = readScope(req.actor);
    const cursor = decodeCursor(req.query.after, 1);
    const rows = await db.query<Parameters<typeof toChainEvent>[0]>(
      `SELECT seq, at, actor, action, subject, repository_id, data, prev, hash FROM event
        WHERE ($1::uuid[] IS NULL OR repository_id = ANY($1)) AND ($2::text IS NULL OR subject = $2) AND seq > $3
        ORDER BY seq LIMIT $4`,
      [scope.repositoryIds === 'any' ? null : scope.repositoryIds, req.query.subject ?? null, cursor ? Number(cursor[0]) : 0, req.query.limit + 1],
    );
    return page(rows.map(toChainEvent), req.query.limit, (e) => [e.seq]);
  });

  app.post('/api/components/:id/fixity-check', {
    config: { policy: 'jobs:run' },
    schema: {
      tags: ['preservation'], summary: '固定性校验（任务）/ queue a fixity check of one component',
      params: z.object({ id: z.uuid() }), response: { 202: z.object({ jobId: z.string(), queue: z.string() }) },
    },
  }, async (req, reply) => {
    const c = await getComponent(db, readScope(req.actor), req.params.id);
    if (!canWriteCatalog(req.actor, c.repositoryId)) {
      throw new AppError(403, 'auth.cross_repository', { zh: '只能校验本馆的文件', en: 'you can only check files of your own repository' });
    }
    const jobId = await rt.jobs.send(FIXITY_PING, { componentId: c.id, requestedBy: actorName(req.actor) });
    return reply.status(202).send({ jobId, queue: FIXITY_PING });
  });

  app.get('/api/jobs/:queue/:id', {
    config: { policy: 'jobs:run' },
    schema: { tags: ['preservation'], summary: '任务状态 / job state', params: z.object({ queue: z.enum(JOB_QUEUES), id: z.uuid() }) },
  }, async (req) => {
    const s = await rt.jobs.state(req.params.queue, req.params.id);
    if (!s) throw new AppError(404, 'jobs.not_found', { zh: '任务不存在', en: 'job not found' });
    return s;
  });

  return app;
}
