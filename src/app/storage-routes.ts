import { statfs } from 'node:fs/promises';
import { z } from 'zod';
import { getVolume } from '../catalog/index.ts';
import { actorName, canWriteCatalog, readScope } from '../identity/index.ts';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { PageQuery, decodeCursor, page } from '../platform/http/paging.ts';
import type { App } from '../platform/http/server.ts';
import { packageState, type Preservation } from '../preservation/index.ts';
import { FIXITY_AUDIT, PRESERVE_VOLUME } from './jobs.ts';
import type { Jobs } from '../platform/jobs.ts';

const tags = ['preservation'];
const Id = z.object({ id: z.uuid() });

/** The storage page's API: locations, replica health per volume, audits, findings and repairs. */
export async function storageRoutes(app: App, db: Db, preservation: Preservation, jobs: Jobs): Promise<void> {
  app.get('/api/storage/locations', {
    config: { policy: 'storage:read' },
    schema: { tags, summary: '存储位置 / storage locations with capacity, replica counts and the last audit' },
  }, async (req) => {
    const scope = readScope(req.actor);
    const repos = scope.repositoryIds === 'any' ? null : scope.repositoryIds;
    const counts = await db.query<{ location: string; verified: number; bad: number; bytes: number }>(
      `SELECT r.location, count(*) FILTER (WHERE r.state = 'verified') AS verified, count(*) FILTER (WHERE r.state <> 'verified') AS bad,
              COALESCE(sum(p.bytes) FILTER (WHERE r.state = 'verified'), 0)::bigint AS bytes
         FROM replica r JOIN archival_package p ON p.volume_id = r.volume_id
        WHERE $1::uuid[] IS NULL OR p.repository_id = ANY($1) GROUP BY r.location`, [repos]);
    const lastRuns = await db.query<{ location: string; id: string; mode: string; status: string; started_at: Date; finished_at: Date | null; objects_checked: number; findings: number; unrepaired: number }>(
      `SELECT DISTINCT ON (location) location, id, mode, status, started_at, finished_at, objects_checked, findings, unrepaired
         FROM audit_run ORDER BY location, started_at DESC`);
    const policy = preservation.config.policy;
    const items = await Promise.all(preservation.locations.map(async (l) => {
      let capacity: { totalBytes: number; freeBytes: number } | null = null;
      if (l.config.backend.kind === 'fs') {
        const s = await statfs(l.config.backend.path).catch(() => undefined);
        if (s) capacity = { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
      }
      const c = counts.find((x) => x.location === l.config.name);
      const run = lastRuns.find((x) => x.location === l.config.name);
      return {
        name: l.config.name, role: l.config.role, kind: l.config.backend.kind, describe: l.backend.describe,
        city: l.config.city, seismicZone: l.config.seismicZone, capacity,
        replicas: { verified: c?.verified ?? 0, failing: c?.bad ?? 0, bytes: c?.bytes ?? 0 },
        lastAudit: run ? { id: run.id, mode: run.mode, status: run.status, startedAt: run.started_at.toISOString(), finishedAt: run.finished_at?.toISOString() ?? null, objectsChecked: run.objects_checked, findings: run.findings, unrepaired: run.unrepaired } : null,
      };
    }));
    const [pk] = await db.query<{ preserved: number; pending: number; degraded: number }>(
      `SELECT count(*) FILTER (WHERE state = 'preserved') AS preserved, count(*) FILTER (WHERE state = 'pending') AS pending,
              count(*) FILTER (WHERE state = 'degraded') AS degraded FROM archival_package WHERE $1::uuid[] IS NULL OR repository_id = ANY($1)`, [repos]);
    return { policy, packages: pk, items };
  });

  app.get('/api/volumes/:id/preservation', {
    config: { policy: 'storage:read' },
    schema: { tags, summary: '案卷保存状态 / the archival package and its replicas', params: Id },
  }, async (req) => {
    await getVolume(db, readScope(req.actor), req.params.id);
    return { package: (await packageState(db, req.params.id)) ?? null };
  });

  app.post('/api/volumes/:id/preserve', {
    config: { policy: 'storage:run' },
    schema: { tags, summary: '写入长期保存（任务）/ write the archival package and replicate it', params: Id, response: { 202: z.object({ jobId: z.string(), queue: z.string() }) } },
  }, async (req, reply) => {
    const v = await getVolume(db, readScope(req.actor), req.params.id);
    if (!canWriteCatalog(req.actor, v.project.repositoryId)) {
      throw new AppError(403, 'auth.cross_repository', { zh: '只能保存本馆的案卷', en: 'you can only preserve volumes of your own repository' });
    }
    const jobId = await jobs.send(PRESERVE_VOLUME, { volumeId: req.params.id, requestedBy: actorName(req.actor) });
    return reply.status(202).send({ jobId, queue: PRESERVE_VOLUME });
  });

  app.get('/api/storage/audits', {
    config: { policy: 'storage:read' },
    schema: { tags, summary: '固定性审计 / audit runs, newest first', querystring: PageQuery.extend({ location: z.string().max(32).optional() }) },
  }, async (req) => {
    const cursor = decodeCursor(req.query.after, 2);
    const rows = await db.query<{ id: string; location: string; mode: string; status: string; startedAt: string; finishedAt: string | null; objectsChecked: number; bytesChecked: number; findings: number; unrepaired: number; requestedBy: string }>(
      `SELECT id, location, mode, status, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startedAt",
              to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "finishedAt",
              objects_checked AS "objectsChecked", bytes_checked AS "bytesChecked", findings, unrepaired, requested_by AS "requestedBy"
         FROM audit_run WHERE ($1::text IS NULL OR location = $1)
          AND ($2::text IS NULL OR (started_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY started_at DESC, id DESC LIMIT $4`,
      [req.query.location ?? null, cursor ? String(cursor[0]) : null, cursor ? String(cursor[1]) : null, req.query.limit + 1]);
    return page(rows, req.query.limit, (r) => [r.startedAt, r.id]);
  });

  app.post('/api/storage/audits', {
    config: { policy: 'storage:run' },
    schema: {
      tags, summary: '立即审计 / run an audit now (as a job)',
      body: z.object({ location: z.string().max(32), mode: z.enum(['full', 'sample']).default('full') }),
      response: { 202: z.object({ jobId: z.string(), queue: z.string() }) },
    },
  }, async (req, reply) => {
    if (!preservation.locations.some((l) => l.config.name === req.body.location && l.config.role !== 'offline')) {
      throw new AppError(400, 'storage.unknown_location', { zh: '存储位置不存在', en: 'no such online storage location' });
    }
    const jobId = await jobs.send(FIXITY_AUDIT, { location: req.body.location, mode: req.body.mode, requestedBy: actorName(req.actor) });
    return reply.status(202).send({ jobId, queue: FIXITY_AUDIT });
  });

  app.get('/api/storage/findings', {
    config: { policy: 'storage:read' },
    schema: {
      tags, summary: '审计发现与修复记录 / audit findings and repairs of volumes you may read, newest first',
      querystring: PageQuery.extend({ runId: z.uuid().optional(), repaired: z.enum(['true', 'false']).optional() }),
    },
  }, async (req) => {
    const scope = readScope(req.actor);
    const cursor = decodeCursor(req.query.after, 1);
    const rows = await db.query<{ id: string; runId: string; location: string; volumeId: string | null; archivalCode: string | null; path: string; kind: string; detail: string; repaired: boolean; repairedFrom: string | null; at: string }>(
      `SELECT f.id, f.run_id AS "runId", f.location, f.volume_id AS "volumeId", v.archival_code AS "archivalCode", f.path, f.kind, f.detail,
              f.repaired, f.repaired_from AS "repairedFrom", to_char(f.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
         FROM audit_finding f LEFT JOIN volume v ON v.id = f.volume_id
        WHERE ($1::uuid[] IS NULL OR v.repository_id = ANY($1)) AND ($2::uuid IS NULL OR f.run_id = $2)
          AND ($3::boolean IS NULL OR f.repaired = $3) AND ($4::uuid IS NULL OR f.id < $4)
        ORDER BY f.id DESC LIMIT $5`,
      [scope.repositoryIds === 'any' ? null : scope.repositoryIds, req.query.runId ?? null, req.query.repaired === undefined ? null : req.query.repaired === 'true', cursor ? String(cursor[0]) : null, req.query.limit + 1]);
    return page(rows, req.query.limit, (r) => [r.id]);
  });
}
