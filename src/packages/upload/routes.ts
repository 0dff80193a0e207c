import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { getProject } from '../../catalog/index.ts';
import { canWriteCatalog, readScope, type Actor, type UserActor } from '../../identity/index.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { PageQuery, decodeCursor, page } from '../../platform/http/paging.ts';
import type { App } from '../../platform/http/server.ts';
import { TUS_EXTENSIONS, TUS_VERSION, intHeader, parseUploadMetadata } from './tus.ts';
import type { Uploads } from './service.ts';

const tags = ['submissions'];
const Id = z.object({ id: z.uuid() });
const tus = (reply: FastifyReply) => reply.header('tus-resumable', TUS_VERSION).header('cache-control', 'no-store');
const user = (a: Actor): UserActor => {
  if (a.kind !== 'user') throw new AppError(401, 'auth.required', { zh: '请先登录', en: 'sign-in required' });
  return a;
};

/**
 * tus 1.0.0 (core + creation + termination) at /api/uploads: a dropped connection or a server restart
 * loses at most the bytes after the last checkpoint; the client asks HEAD for the offset and goes on.
 */
export async function uploadRoutes(app: App, db: Db, uploads: Uploads, maxBytes: number): Promise<void> {
  // tus bodies are raw byte streams, handed to the handler unread (never buffered, no JSON body limit).
  app.addContentTypeParser('application/offset+octet-stream', (_req, payload, done) => done(null, payload));

  app.options('/api/uploads', { config: { policy: 'public' }, schema: { tags, summary: 'tus 能力 / tus capabilities', hide: true } }, (_req, reply) =>
    tus(reply).header('tus-version', TUS_VERSION).header('tus-extension', TUS_EXTENSIONS).header('tus-max-size', String(maxBytes)).status(204).send());

  app.post('/api/uploads', {
    config: { policy: 'submission:create' },
    schema: {
      tags, summary: '创建断点续传上传（tus）/ create a resumable upload',
      description: 'Headers: Tus-Resumable: 1.0.0, Upload-Length, Upload-Metadata with base64 `filename` and `projectId`. Answers 201 with Location.',
    },
  }, async (req, reply) => {
    const me = user(req.actor);
    if (req.headers['tus-resumable'] !== TUS_VERSION) return tus(reply).header('tus-version', TUS_VERSION).status(412).send(new AppError(412, 'upload.tus_version', { zh: '需要 tus 1.0.0', en: 'Tus-Resumable 1.0.0 required' }).toJSON());
    const length = intHeader(req.headers['upload-length']);
    if (length === undefined) throw new AppError(400, 'upload.length_required', { zh: '缺少或无效的 Upload-Length', en: 'missing or invalid Upload-Length' });
    if (length > maxBytes) throw new AppError(413, 'upload.too_large', { zh: '文件超过上传上限', en: `larger than the upload limit (${maxBytes} bytes)` });
    const meta = parseUploadMetadata(req.headers['upload-metadata'] as string | undefined);
    if (meta === 'invalid') throw new AppError(400, 'upload.metadata_invalid', { zh: 'Upload-Metadata 格式错误', en: 'malformed Upload-Metadata' });
    const fileName = (meta.get('filename') ?? '').normalize('NFC');
    const projectId = meta.get('projectId') ?? '';
    if (!fileName || fileName.length > 255 || /[\\/\u0000-\u001f]/.test(fileName)) throw new AppError(400, 'upload.file_name', { zh: '文件名无效', en: 'invalid file name' });
    if (!z.uuid().safeParse(projectId).success) throw new AppError(400, 'upload.project_required', { zh: '须指定项目', en: 'projectId is required in Upload-Metadata' });
    const project = await getProject(db, readScope(me), projectId);
    if (me.role !== 'submitter' && !canWriteCatalog(me, project.repositoryId)) {
      throw new AppError(403, 'auth.cross_repository', { zh: '只能向本馆项目报送', en: 'you can only submit to projects of your own repository' });
    }
    const row = await uploads.create(me, { projectId, repositoryId: project.repositoryId, fileName, length, metadata: Object.fromEntries(meta) });
    return tus(reply).header('location', `/api/uploads/${row.id}`).header('upload-offset', '0').status(201).send();
  });

  app.head('/api/uploads/:id', {
    config: { policy: 'submission:create' },
    schema: { tags, summary: '续传偏移量 / the acknowledged offset', params: Id },
  }, async (req, reply) => {
    const row = await uploads.get(user(req.actor), req.params.id);
    return tus(reply).header('upload-offset', String(row.offset)).header('upload-length', String(row.length)).status(200).send();
  });

  app.patch('/api/uploads/:id', {
    config: { policy: 'submission:create' },
    schema: { tags, summary: '追加数据 / append bytes at Upload-Offset (Content-Type: application/offset+octet-stream)', params: Id },
  }, async (req, reply) => {
    if (req.headers['content-type'] !== 'application/offset+octet-stream') throw new AppError(415, 'request.media_type', { zh: '内容类型应为 application/offset+octet-stream', en: 'Content-Type must be application/offset+octet-stream' });
    const offset = intHeader(req.headers['upload-offset']);
    if (offset === undefined) throw new AppError(400, 'upload.offset_required', { zh: '缺少 Upload-Offset', en: 'missing Upload-Offset' });
    const r = await uploads.append(user(req.actor), req.params.id, offset, req.body as Readable);
    tus(reply).header('upload-offset', String(r.offset));
    if (r.submission) reply.header('x-dangan-submission', r.submission.id);
    return reply.status(204).send();
  });

  app.delete('/api/uploads/:id', {
    config: { policy: 'submission:create' },
    schema: { tags, summary: '终止上传 / terminate an upload', params: Id },
  }, async (req, reply) => {
    await uploads.terminate(user(req.actor), req.params.id);
    return tus(reply).status(204).send();
  });

  app.get('/api/projects/:id/submissions', {
    config: { policy: 'catalog:read' },
    schema: { tags, summary: '项目报送记录 / submissions of a project', params: Id, querystring: PageQuery },
  }, async (req) => {
    const me = user(req.actor);
    await getProject(db, readScope(me), req.params.id);
    const cursor = decodeCursor(req.query.after, 1);
    const rows = await db.query<{ id: string; fileName: string; size: number; sha256: string; sm3: string; state: string; kind: string; submittedBy: string; createdAt: string }>(
      `SELECT s.id, s.file_name AS "fileName", s.size, s.sha256, s.sm3, s.state, s.kind, u.username AS "submittedBy",
              to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
         FROM submission s JOIN app_user u ON u.id = s.submitted_by
        WHERE s.project_id = $1 AND ($2::uuid IS NULL OR s.id < $2) AND ($3::uuid IS NULL OR s.submitted_by = $3)
        ORDER BY s.id DESC LIMIT $4`,
      [req.params.id, cursor ? String(cursor[0]) : null, me.role === 'submitter' ? me.id : null, req.query.limit + 1]);
    return page(rows, req.query.limit, (r) => [r.id]);
  });
}
