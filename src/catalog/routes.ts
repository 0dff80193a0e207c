import type { Readable } from 'node:stream';
import { z } from 'zod';
import { readScope, type Actor } from '../identity/index.ts';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { PageQuery, pageSchema } from '../platform/http/paging.ts';
import type { App } from '../platform/http/server.ts';
import {
  NewBuilding, NewProject, NewRecord, NewUnitProject, NewVolume, VolumeAccessChange,
  changeVolumeAccess, createBuilding, createProject, createRecord, createUnitProject, createVolume,
} from './commands.ts';
import { listElements, MetadataElementView } from './metadata-scheme.ts';
import {
  getComponent, getProject, getUnitProject, getVolume, listBuildings, listProjectRecords, listProjects, listRecords,
  listRepositories, listUnitProjects, listVolumes,
} from './queries.ts';
import { BuildingView, ProjectView, RecordView, RepositoryView, UnitProjectView, VolumeView } from './views.ts';

/** What the catalog needs of the content store: read bytes back, nothing else. */
export interface ContentReader {
  size(key: string): Promise<number | undefined>;
  read(key: string, range?: { start: number; end: number }): Readable;
}

const Id = z.object({ id: z.uuid() });
const Created = z.object({ id: z.string() });
const tags = ['catalog'];

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? 'invalid' : { start, end };
}

/** Told after a volume's description changed and committed (preservation writes a new package version). */
export type VolumeChanged = (volumeId: string, actor: Actor) => Promise<void>;

export async function catalogRoutes(app: App, db: Db, content: ContentReader, volumeChanged: VolumeChanged = async () => undefined): Promise<void> {
  const scopeOf = (a: Actor) => readScope(a);

  app.get('/api/repositories', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '档案馆 / repositories', querystring: PageQuery, response: { 200: pageSchema(RepositoryView) } },
  }, (req) => listRepositories(db, scopeOf(req.actor), req.query));

  app.get('/api/repositories/:id/projects', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '项目 / projects of a repository', params: Id, querystring: PageQuery, response: { 200: pageSchema(ProjectView) } },
  }, (req) => listProjects(db, scopeOf(req.actor), req.params.id, req.query));

  app.post('/api/repositories/:id/projects', {
    config: { policy: 'catalog:write' },
    schema: { tags, summary: '登记项目 / register a project', params: Id, body: NewProject, response: { 201: Created } },
  }, async (req, reply) => reply.status(201).send(await db.tx((tx) => createProject(tx, req.actor, req.params.id, req.body))));

  app.get('/api/projects/:id', {
    config: { policy: 'catalog:read' },
    schema: {
      tags, summary: '项目详情 / project with its first 200 buildings and unit projects', params: Id,
      response: { 200: z.object({ project: ProjectView, buildings: z.array(BuildingView), unitProjects: z.array(UnitProjectView) }) },
    },
  }, async (req) => {
    const scope = scopeOf(req.actor);
    const project = await getProject(db, scope, req.params.id);
    const [buildings, unitProjects] = await Promise.all([
      listBuildings(db, scope, project.id, { limit: 200 }),
      listUnitProjects(db, scope, project.id, { limit: 200 }),
    ]);
    return { project, buildings: buildings.items, unitProjects: unitProjects.items };
  });

  app.get('/api/projects/:id/records', {
    config: { policy: 'catalog:read' },
    schema: {
      tags, summary: '项目全部文件 / every record under a project, in hierarchy order', params: Id, querystring: PageQuery,
      response: { 200: pageSchema(RecordView.extend({ archivalCode: z.string() })) },
    },
  }, (req) => listProjectRecords(db, scopeOf(req.actor), req.params.id, req.query));

  app.get('/api/projects/:id/buildings', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '建筑单体 / buildings', params: Id, querystring: PageQuery, response: { 200: pageSchema(BuildingView) } },
  }, (req) => listBuildings(db, scopeOf(req.actor), req.params.id, req.query));

  app.post('/api/projects/:id/buildings', {
    config: { policy: 'catalog:write' },
    schema: { tags, summary: '登记建筑单体 / add a building', params: Id, body: NewBuilding, response: { 201: Created } },
  }, async (req, reply) => reply.status(201).send(await db.tx((tx) => createBuilding(tx, req.actor, req.params.id, req.body))));

  app.get('/api/projects/:id/unit-projects', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '单位工程 / unit projects', params: Id, querystring: PageQuery, response: { 200: pageSchema(UnitProjectView) } },
  }, (req) => listUnitProjects(db, scopeOf(req.actor), req.params.id, req.query));

  app.post('/api/projects/:id/unit-projects', {
    config: { policy: 'catalog:write' },
    schema: { tags, summary: '登记单位工程 / add a unit project', params: Id, body: NewUnitProject, response: { 201: Created } },
  }, async (req, reply) => reply.status(201).send(await db.tx((tx) => createUnitProject(tx, req.actor, req.params.id, req.body))));

  app.get('/api/unit-projects/:id', {
    config: { policy: 'catalog:read' },
    schema: {
      tags, summary: '单位工程详情 / unit project', params: Id,
      response: { 200: z.object({ unitProject: UnitProjectView, project: z.object({ id: z.string(), name: z.string(), repositoryId: z.string() }) }) },
    },
  }, (req) => getUnitProject(db, scopeOf(req.actor), req.params.id));

  app.get('/api/unit-projects/:id/volumes', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '案卷 / volumes', params: Id, querystring: PageQuery, response: { 200: pageSchema(VolumeView) } },
  }, (req) => listVolumes(db, scopeOf(req.actor), req.params.id, req.query));

  app.post('/api/unit-projects/:id/volumes', {
    config: { policy: 'catalog:write' },
    schema: {
      tags, summary: '新建案卷 / add a volume (档号 from the repository rule when omitted)', params: Id, body: NewVolume,
      response: { 201: z.object({ id: z.string(), archivalCode: z.string() }) },
    },
  }, async (req, reply) => reply.status(201).send(await db.tx((tx) => createVolume(tx, req.actor, req.params.id, req.body))));

  app.get('/api/volumes/:id', {
    config: { policy: 'catalog:read' },
    schema: {
      tags, summary: '案卷详情 / volume', params: Id,
      response: {
        200: z.object({
          volume: VolumeView,
          unitProject: z.object({ id: z.string(), name: z.string() }),
          project: z.object({ id: z.string(), name: z.string(), repositoryId: z.string() }),
        }),
      },
    },
  }, (req) => getVolume(db, scopeOf(req.actor), req.params.id));

  app.patch('/api/volumes/:id/access', {
    config: { policy: 'catalog:write' },
    schema: { tags, summary: '开放/密级变更 / change open status and classification', params: Id, body: VolumeAccessChange, response: { 204: z.null() } },
  }, async (req, reply) => {
    await db.tx((tx) => changeVolumeAccess(tx, req.actor, req.params.id, req.body));
    await volumeChanged(req.params.id, req.actor);
    return reply.status(204).send(null);
  });

  app.get('/api/volumes/:id/records', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '卷内文件 / records of a volume', params: Id, querystring: PageQuery, response: { 200: pageSchema(RecordView) } },
  }, (req) => listRecords(db, scopeOf(req.actor), req.params.id, req.query));

  app.post('/api/volumes/:id/records', {
    config: { policy: 'catalog:write' },
    schema: {
      tags, summary: '著录文件 / describe a record (files arrive through submission packages)', params: Id, body: NewRecord,
      response: { 201: z.object({ id: z.string(), seq: z.number() }) },
    },
  }, async (req, reply) => {
    const created = await db.tx((tx) => createRecord(tx, req.actor, req.params.id, req.body));
    await volumeChanged(req.params.id, req.actor);
    return reply.status(201).send(created);
  });

  app.get('/api/components/:id/content', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '电子文件原文 / the stored bytes (Range supported)', params: Id },
  }, async (req, reply) => {
    const c = await getComponent(db, scopeOf(req.actor), req.params.id);
    const size = await content.size(c.storageKey);
    if (size === undefined) throw new AppError(410, 'preservation.content_missing', { zh: '电子文件原文缺失，已记录待修复', en: 'the stored file is missing' });
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') {
      return reply.status(416).header('content-range', `bytes */${size}`).send(new AppError(416, 'request.range', { zh: '范围无效', en: 'invalid range' }).toJSON());
    }
    reply
      .type(c.format)
      .header('accept-ranges', 'bytes')
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(c.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('digest', `sha-256=${Buffer.from(c.sha256, 'hex').toString('base64')}`);
    if (range) {
      reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
      return reply.send(content.read(c.storageKey, range));
    }
    reply.header('content-length', size);
    return reply.send(content.read(c.storageKey));
  });

  app.get('/api/metadata-scheme/elements', {
    config: { policy: 'catalog:read' },
    schema: {
      tags, summary: '元数据方案 / elements of the metadata scheme in force (baseline unless the repository has its own)',
      querystring: PageQuery.extend({ level: z.string().max(20).optional() }),
      response: { 200: pageSchema(MetadataElementView) },
    },
  }, (req) => listElements(db, req.query));
}
