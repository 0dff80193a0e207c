import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../app/http.ts';
import { preserveVolumes } from '../../app/preserve.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import { seedDemo } from '../../demo/index.ts';
import { loadConfig } from '../config.ts';
import type { App } from '../http/server.ts';
import { createTestDatabase } from './db.ts';

export const TEST_DEMO_PASSWORD = 'demo-pass-2026';

export type TestServer = { baseUrl: string; demoPassword: string; app: App; rt: Runtime; dataDir: string; databaseUrl: string; close(): Promise<void> };

/** A real server (HTTP on a free port, jobs, content store) on its own fresh database, with the demo archive. */
export async function startTestServer(opts: { demo?: boolean; web?: boolean; preserve?: boolean; env?: Record<string, string> } = {}): Promise<TestServer> {
  const tdb = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'dangan-test-'));
  const config = loadConfig({
    DATABASE_URL: tdb.url, DANGAN_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent',
    DANGAN_DEMO_PASSWORD: TEST_DEMO_PASSWORD, ...opts.env,
  });
  await tdb.db.close();
  const rt = await openRuntime(config, 'all');
  if (opts.demo !== false) await seedDemo(rt.db, rt.store, { password: TEST_DEMO_PASSWORD });
  if (opts.preserve) await preserveVolumes(rt, null, 'system:test');
  const app = await buildApp(rt, { serveWeb: opts.web !== false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    demoPassword: TEST_DEMO_PASSWORD,
    app,
    rt,
    dataDir,
    databaseUrl: tdb.url,
    async close() {
      await app.close();
      await rt.close();
      await tdb.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
