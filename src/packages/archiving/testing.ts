import { createHash } from 'node:crypto';
import { identityRoutes, registerAuth } from '../../identity/index.ts';
import { createHttpServer, type App } from '../../platform/http/server.ts';
import { Jobs } from '../../platform/jobs.ts';
import { TestClient } from '../../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../../platform/testing/server.ts';
import { uploadRoutes } from '../upload/index.ts';
import { archivingRoutes } from './routes.ts';
import type { ArchivingOptions } from './schema.ts';
import { defineArchivingJobs } from './webhooks.ts';

/**
 * Until the lead wires the archiving routes into src/app/http.ts, tests run them on an app of their own
 * (platform server + auth + identity + archiving) against the test server's database and content store,
 * with a Jobs instance that works the webhook queue.
 */
export type ArchivingTestEnv = {
  srv: TestServer;
  app: App;
  jobs: Jobs;
  baseUrl: string;
  projectId: string;
  projectCode: string;
  /** a project of the county archive DZ-QH: another tenant for the DZ users */
  otherProjectId: string;
  /** an API token (dgn_…) of a demo user, minted through the real token route */
  token(username: string): Promise<string>;
  close(): Promise<void>;
};

export async function startArchivingTestApp(options: Partial<ArchivingOptions> = {}): Promise<ArchivingTestEnv> {
  const srv = await startTestServer({ web: false });
  const { db, store } = srv.rt;
  const jobs = new Jobs(srv.databaseUrl, true);
  defineArchivingJobs(jobs, db, options.webhookAllow ?? []);
  await jobs.start();
  const app = await createHttpServer({ logLevel: 'silent', bodyLimit: 1024 * 1024, version: 'test' });
  await registerAuth(app, db);
  await identityRoutes(app, db, { sessionHours: 1, cookieSecure: false, limits: { maxFailures: 100, windowSeconds: 60 } });
  await uploadRoutes(app, db, srv.rt.uploads, 1024 ** 3);
  app.get('/api/openapi.json', { config: { policy: 'public' }, schema: { hide: true } }, () => app.swagger());
  await archivingRoutes(app, db, store, jobs, { batchMax: 500, bodyLimit: 64 * 1024 * 1024, idempotencyHours: 24, webhookAllow: [], ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const [p] = await db.query<{ id: string; project_code: string }>(
    `SELECT p.id, p.project_code FROM project p JOIN repository r ON r.id = p.repository_id WHERE r.code = 'DZ' ORDER BY p.project_code LIMIT 1`);
  const [o] = await db.query<{ id: string }>(`SELECT p.id FROM project p JOIN repository r ON r.id = p.repository_id WHERE r.code = 'DZ-QH' LIMIT 1`);
  return {
    srv, app, jobs, baseUrl, projectId: p!.id, projectCode: p!.project_code, otherProjectId: o!.id,
    async token(username) {
      const c = await new TestClient(baseUrl).login(username, srv.demoPassword);
      const r = await c.post('/api/auth/tokens', { name: `test ${username}`, expiresInDays: 1 });
      if (r.status !== 201) throw new Error(`token for ${username}: ${r.status} ${r.text}`);
      return r.body.token as string;
    },
    async close() {
      await app.close();
      await jobs.stop();
      await srv.close();
    },
  };
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
export const sm3 = (b: Buffer | string) => createHash('sm3').update(b).digest('hex');

/** A valid record push body for the demo project, with one inline file. */
export function recordBody(projectCode: string, opts: { seq?: number; title?: string; content?: Buffer; fileName?: string } = {}) {
  const content = opts.content ?? Buffer.from(`%PDF-1.4\n% 工程开工报审表 ${opts.seq ?? 1}\n`, 'utf8');
  const fileName = opts.fileName ?? '工程开工报审表.pdf';
  return {
    project: { projectCode },
    submitter: { uscc: '91371400168320467Q', name: '山东德建建设集团有限公司' },
    unit: { code: '01', name: '综合楼' },
    volume: { title: '综合楼 施工文件 第一卷', category: 'C' as const, year: 2024, retention: 'permanent' as const, classification: 'none' as const },
    record: {
      seq: opts.seq ?? 1, docNumber: '德建施〔2024〕12号', author: '山东德建建设集团有限公司', title: opts.title ?? '工程开工报审表',
      date: '2024-03-18', pages: 2, category: 'C' as const, subclass: 'C1',
      files: [{ path: fileName, format: 'application/pdf', sha256: sha256(content), sm3: sm3(content), contentBase64: content.toString('base64') }],
    },
  };
}
