/**
 * The checks API: request a run over a submission (GD/YJ) or a volume (BC), follow its progress, read the
 * report as JSON, HTML or a Chinese PDF, compare two runs, work the manual tasks (outcome, note, evidence
 * files), preview a file's first page for 3-4, and keep the repository's check scheme (versioned).
 * Who sees what: the archive's staff see their repositories' runs; a submitting unit sees the runs of its
 * own submissions; only archivists and admins of the repository run checks, close tasks and edit schemes.
 */
import { Transform, type Readable } from 'node:stream';
import { z } from 'zod';
import { canWriteCatalog, readScope, type Actor, type UserActor } from '../identity/index.ts';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import type { App } from '../platform/http/server.ts';
import { diffReports } from './report/diff.ts';
import { checkReportHtml } from './report/html.ts';
import { allItems } from './registry/items.ts';
import { CheckSchemeBody } from './scheme/scheme.ts';
import type { Checks, RunRow } from './service.ts';
import type { Stage } from './model.ts';

const tags = ['checks'];
const Id = z.object({ id: z.uuid() });
const MAX_EVIDENCE = 200 * 1024 * 1024;

const user = (a: Actor): UserActor => {
  if (a.kind !== 'user') throw new AppError(401, 'auth.required', { zh: '请先登录', en: 'sign-in required' });
  return a;
};
const notFound = () => new AppError(404, 'check.not_found', { zh: '检测记录不存在', en: 'no such check run' });

export type ReportPdf = (report: import('./model.ts').CheckReport, lang: 'zh' | 'en') => Promise<Buffer>;
export type Preview = (path: string, format: string) => Promise<Buffer | null>;

export async function checkRoutes(app: App, db: Db, checks: Checks, opts: { pdf: ReportPdf; preview: Preview }): Promise<void> {
  // Evidence files arrive as raw bytes, streamed to the content store (never buffered).
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  /** The run, if the actor may see it (staff of its repository; the unit that made its submission). */
  const visibleRun = async (actor: Actor, id: string): Promise<RunRow> => {
    const me = user(actor);
    const run = await checks.get(id);
    if (!run) throw notFound();
    const scope = readScope(me);
    if (scope.repositoryIds !== 'any' && !scope.repositoryIds.includes(run.repositoryId)) throw notFound();
    if (me.role === 'submitter') {
      const [s] = run.submissionId ? await db.query<{ submitted_by: string; project_id: string }>('SELECT submitted_by, project_id FROM submission WHERE id = $1', [run.submissionId]) : [];
      if (!s || (s.submitted_by !== me.id && !(scope.projectIds ?? []).includes(s.project_id))) throw notFound();
    }
    return run;
  };
  const mustRun = (actor: Actor, repositoryId: string) => {
    if (!canWriteCatalog(actor, repositoryId)) throw new AppError(403, 'check.forbidden', { zh: '只有本馆档案员可以执行检测或处理检测任务', en: 'only archivists of the repository run checks and close check tasks' });
  };
  const visibleSubmission = async (actor: Actor, id: string) => {
    const me = user(actor);
    const [s] = await db.query<{ repository_id: string; submitted_by: string; project_id: string }>('SELECT repository_id, submitted_by, project_id FROM submission WHERE id = $1', [id]);
    const scope = readScope(me);
    if (!s || (scope.repositoryIds !== 'any' && !scope.repositoryIds.includes(s.repository_id))) throw new AppError(404, 'submission.not_found', { zh: '报送不存在', en: 'no such submission' });
    if (me.role === 'submitter' && s.submitted_by !== me.id && !(scope.projectIds ?? []).includes(s.project_id)) throw new AppError(404, 'submission.not_found', { zh: '报送不存在', en: 'no such submission' });
    return s;
  };

  app.get('/api/check-items', {
    config: { policy: 'public' },
    schema: { tags, summary: 'DA/T 70 检测项目 / the 45 DA/T 70 items and the stages each applies to' },
  }, async () => ({ items: allItems() }));

  app.post('/api/submissions/:id/checks', {
    config: { policy: 'checks:run' },
    schema: { tags, summary: '检测报送（任务）/ check a submission (GD or YJ), as a job', params: Id, body: z.object({ stage: z.enum(['GD', 'YJ']).default('GD') }).strict().default({ stage: 'GD' }) },
  }, async (req, reply) => {
    const s = await visibleSubmission(req.actor, req.params.id);
    mustRun(req.actor, s.repository_id);
    const me = user(req.actor);
    const id = await checks.request({ submissionId: req.params.id }, req.body.stage, { id: me.id, username: me.username });
    return reply.status(202).send({ id });
  });

  app.get('/api/submissions/:id/checks', {
    config: { policy: 'checks:read' },
    schema: { tags, summary: '报送的检测记录 / check runs of a submission, newest first', params: Id },
  }, async (req) => {
    await visibleSubmission(req.actor, req.params.id);
    return { items: await checks.list({ submissionId: req.params.id }) };
  });

  app.post('/api/volumes/:id/checks', {
    config: { policy: 'checks:run' },
    schema: { tags, summary: '长期保存检测（任务）/ check a volume in custody (BC), as a job', params: Id },
  }, async (req, reply) => {
    const [v] = await db.query<{ repository_id: string }>('SELECT repository_id FROM volume WHERE id = $1', [req.params.id]);
    if (!v) throw new AppError(404, 'catalog.not_found', { zh: '案卷不存在', en: 'no such volume' });
    mustRun(req.actor, v.repository_id);
    const me = user(req.actor);
    return reply.status(202).send({ id: await checks.request({ volumeId: req.params.id }, 'BC', { id: me.id, username: me.username }) });
  });

  app.get('/api/volumes/:id/checks', {
    config: { policy: 'checks:run' },
    schema: { tags, summary: '案卷的检测记录 / BC check runs of a volume', params: Id },
  }, async (req) => {
    const [v] = await db.query<{ repository_id: string }>('SELECT repository_id FROM volume WHERE id = $1', [req.params.id]);
    if (!v) throw new AppError(404, 'catalog.not_found', { zh: '案卷不存在', en: 'no such volume' });
    mustRun(req.actor, v.repository_id);
    return { items: await checks.list({ volumeId: req.params.id }) };
  });

  app.get('/api/checks/:id', {
    config: { policy: 'checks:read' },
    schema: { tags, summary: '检测进度与结论 / a run: state, live progress, verdict and counts', params: Id },
  }, async (req) => visibleRun(req.actor, req.params.id));

  app.get('/api/checks/:id/report', {
    config: { policy: 'checks:read' },
    schema: {
      tags, summary: '检测报告 / the report: JSON (default), HTML or a Chinese PDF', params: Id,
      querystring: z.object({ format: z.enum(['json', 'html', 'pdf']).default('json'), lang: z.enum(['zh', 'en']).default('zh') }),
    },
  }, async (req, reply) => {
    await visibleRun(req.actor, req.params.id);
    const report = await checks.report(req.params.id);
    if (!report) throw new AppError(409, 'check.not_finished', { zh: '检测尚未完成', en: 'the run has not finished' });
    if (req.query.format === 'html') return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(checkReportHtml(report, { lang: req.query.lang }));
    if (req.query.format === 'pdf') {
      const pdf = await opts.pdf(report, req.query.lang);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="check-report-${req.params.id}.pdf"`).send(pdf);
    }
    return report;
  });

  app.get('/api/checks/:id/diff', {
    config: { policy: 'checks:read' },
    schema: { tags, summary: '两次检测的差异 / what was fixed, what is new, what remains since another run of the same target', params: Id, querystring: z.object({ against: z.uuid() }) },
  }, async (req) => {
    const [to, from] = [await visibleRun(req.actor, req.params.id), await visibleRun(req.actor, req.query.against)];
    if ((to.submissionId ?? to.volumeId) !== (from.submissionId ?? from.volumeId)) {
      const [a, b] = await Promise.all([from, to].map(async (r) => (r.submissionId ? (await db.query<{ project_id: string }>('SELECT project_id FROM submission WHERE id = $1', [r.submissionId]))[0]?.project_id : r.volumeId)));
      if (!a || a !== b) throw new AppError(400, 'check.diff_unrelated', { zh: '只能比较同一项目或同一案卷的检测', en: 'only runs over the same project or volume can be compared' });
    }
    const [rt, rf] = await Promise.all([checks.report(to.id), checks.report(from.id)]);
    if (!rt || !rf) throw new AppError(409, 'check.not_finished', { zh: '检测尚未完成', en: 'the run has not finished' });
    return diffReports(rf, rt);
  });

  app.get('/api/checks/:id/tasks', {
    config: { policy: 'checks:read' },
    schema: { tags, summary: '人工检测任务 / the manual tasks of a run', params: Id },
  }, async (req) => {
    await visibleRun(req.actor, req.params.id);
    return { items: await checks.tasks(req.params.id) };
  });

  app.get('/api/checks/:id/preview', {
    config: { policy: 'checks:read' },
    schema: { tags, summary: '首页预览 / a PNG of a file\'s first page, for 3-4 (PDF, OFD scans, images)', params: Id, querystring: z.object({ path: z.string().min(1).max(1024) }) },
  }, async (req, reply) => {
    const run = await visibleRun(req.actor, req.params.id);
    if (!run.submissionId) throw new AppError(400, 'check.preview_unavailable', { zh: '仅报送检测提供预览', en: 'previews are for submission runs' });
    const [item] = await db.query<{ storage_key: string }>('SELECT storage_key FROM submission_item WHERE submission_id = $1 AND path = $2 LIMIT 1', [run.submissionId, req.query.path.normalize('NFC')]);
    const [f] = await db.query<{ format: string }>(`SELECT facts ->> 'format' AS format FROM check_file WHERE run_id = $1 AND path = $2`, [run.id, req.query.path]);
    if (!item) throw new AppError(404, 'check.file_not_found', { zh: '报送中没有该文件', en: 'no such file in the submission' });
    const png = await opts.preview(checks.contentPath(item.storage_key), f?.format ?? 'unknown');
    if (!png) throw new AppError(422, 'check.preview_failed', { zh: '无法生成预览（格式不支持或文件损坏）', en: 'no preview (format not supported or file damaged)' });
    return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png);
  });

  app.post('/api/check-tasks/:id', {
    config: { policy: 'checks:run' },
    schema: { tags, summary: '完成人工检测任务 / record the outcome of a manual item', params: Id, body: z.object({ outcome: z.enum(['pass', 'fail']), note: z.string().max(4000).default('') }).strict() },
  }, async (req) => {
    const t = await checks.taskRun(req.params.id);
    if (!t) throw new AppError(404, 'check.task_not_found', { zh: '检测任务不存在', en: 'no such task' });
    mustRun(req.actor, t.repositoryId);
    const me = user(req.actor);
    return checks.complete(req.params.id, { outcome: req.body.outcome, note: req.body.note }, { id: me.id, username: me.username });
  });

  app.put('/api/check-tasks/:id/assignee', {
    config: { policy: 'checks:run' },
    schema: { tags, summary: '指派人工检测任务 / assign a task to a person', params: Id, body: z.object({ userId: z.uuid().nullable() }).strict() },
  }, async (req, reply) => {
    const t = await checks.taskRun(req.params.id);
    if (!t) throw new AppError(404, 'check.task_not_found', { zh: '检测任务不存在', en: 'no such task' });
    mustRun(req.actor, t.repositoryId);
    if (req.body.userId) {
      const [u] = await db.query<{ repository_id: string; role: string }>('SELECT repository_id, role FROM app_user WHERE id = $1', [req.body.userId]);
      if (!u || u.repository_id !== t.repositoryId || !['admin', 'archivist'].includes(u.role)) throw new AppError(400, 'check.assignee_invalid', { zh: '只能指派给本馆档案员', en: 'tasks go to archivists of the repository' });
    }
    await checks.assign(req.params.id, req.body.userId, user(req.actor));
    return reply.status(204).send();
  });

  app.post('/api/check-tasks/:id/evidence', {
    config: { policy: 'checks:run' },
    schema: {
      tags, summary: '上传检测证据 / add an evidence file (raw body, Content-Type: application/octet-stream)', params: Id,
      querystring: z.object({ name: z.string().min(1).max(255).refine((n) => !/[/\\\u0000]/.test(n), 'a file name, not a path') }),
    },
  }, async (req, reply) => {
    if (req.headers['content-type'] !== 'application/octet-stream') throw new AppError(415, 'request.media_type', { zh: '内容类型应为 application/octet-stream', en: 'Content-Type must be application/octet-stream' });
    const t = await checks.taskRun(req.params.id);
    if (!t) throw new AppError(404, 'check.task_not_found', { zh: '检测任务不存在', en: 'no such task' });
    mustRun(req.actor, t.repositoryId);
    const ev = await checks.addEvidence(req.params.id, req.query.name, limited(req.body as Readable, MAX_EVIDENCE), user(req.actor));
    return reply.status(201).send(ev);
  });

  app.get('/api/check-tasks/:id/evidence/:n', {
    config: { policy: 'checks:read' },
    schema: { tags, summary: '下载检测证据 / download the n-th evidence file of a task', params: z.object({ id: z.uuid(), n: z.coerce.number().int().min(0).max(1000) }) },
  }, async (req, reply) => {
    const t = await checks.taskRun(req.params.id);
    if (!t) throw new AppError(404, 'check.task_not_found', { zh: '检测任务不存在', en: 'no such task' });
    await visibleRun(req.actor, t.runId);
    const ev = (await checks.tasks(t.runId)).find((x) => x.id === req.params.id)?.evidence?.[req.params.n];
    if (!ev) throw new AppError(404, 'check.evidence_not_found', { zh: '证据文件不存在', en: 'no such evidence file' });
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(ev.fileName)}`)
      .header('content-length', String(ev.size))
      .send(checks.openContent(ev.storageKey));
  });

  app.get('/api/repositories/:id/check-scheme', {
    config: { policy: 'checks:read' },
    schema: { tags, summary: '检测方案 / the repository\'s current check scheme (or the shipped default)', params: Id },
  }, async (req) => {
    const scope = readScope(user(req.actor));
    if (scope.repositoryIds !== 'any' && !scope.repositoryIds.includes(req.params.id)) throw new AppError(404, 'catalog.not_found', { zh: '档案馆不存在', en: 'no such repository' });
    return checks.scheme(req.params.id);
  });

  app.put('/api/repositories/:id/check-scheme', {
    config: { policy: 'checks:run' },
    schema: { tags, summary: '保存检测方案（新版本）/ save the check scheme as a new version', params: Id, body: CheckSchemeBody },
  }, async (req, reply) => {
    mustRun(req.actor, req.params.id);
    return reply.status(201).send(await checks.saveScheme(req.params.id, req.body, user(req.actor)));
  });
}

/** Ends the stream with a 413 error once more than `max` bytes came in. */
function limited(body: Readable, max: number): Readable {
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _e, cb) {
      n += chunk.length;
      if (n > max) cb(new AppError(413, 'request.too_large', { zh: '证据文件过大', en: `evidence files are limited to ${max} bytes` }));
      else cb(null, chunk);
    },
  });
  body.on('error', (e) => t.destroy(e));
  return body.pipe(t);
}

export type { Stage };
