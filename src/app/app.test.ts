import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { seedDemo } from '../demo/index.ts';
import { TestClient } from '../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ web: false });
});
after(() => srv.close());

test('GET /healthz answers 200 with database and queue state', async () => {
  const r = await new TestClient(srv.baseUrl).get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.database.ok, true);
  assert.equal(typeof r.body.database.latencyMs, 'number');
  assert.equal(r.body.queue.ok, true);
  assert.deepEqual(r.body.queue.queues.map((q: { name: string }) => q.name).sort(), ['archiving-webhook', 'check-run', 'fixity-audit', 'fixity-ping', 'ingest-submission', 'preserve-volume']);
});

test('OpenAPI is served at /api/openapi.json and names every API route, with a browsable page', async () => {
  const c = new TestClient(srv.baseUrl);
  const spec = await c.get('/api/openapi.json');
  assert.equal(spec.status, 200);
  assert.match(spec.body.openapi, /^3\./);
  for (const p of ['/api/archiving/records', '/api/archiving/batches', '/api/uploads', '/api/auth/login', '/api/repositories', '/api/projects/{id}', '/api/volumes/{id}/records', '/api/components/{id}/content', '/api/audit/verify']) {
    assert.ok(spec.body.paths[p], `missing ${p}`);
  }
  const login = spec.body.paths['/api/auth/login'].post;
  assert.equal(login.requestBody.content['application/json'].schema.required.sort().join(','), 'password,username');
  const page = await c.get('/api/docs/');
  assert.equal(page.status, 200);
  assert.match(page.text, /swagger/i);
});

test('the demo seed runs once: a second run changes nothing', async () => {
  const count = async () => (await srv.rt.db.query<{ n: number }>('SELECT (SELECT count(*) FROM record) + (SELECT count(*) FROM app_user) + (SELECT count(*) FROM event) AS n'))[0]!.n;
  const n = await count();
  const again = await seedDemo(srv.rt.db, srv.rt.store, { password: 'another-password' });
  assert.equal(again.created, false);
  assert.equal(await count(), n);
});

async function waitForJob(c: TestClient, jobId: string): Promise<{ state: string; output: { outcome: string } }> {
  for (let i = 0; i < 100; i++) {
    const r = await c.get(`/api/jobs/fixity-ping/${jobId}`);
    if (r.body.state === 'completed' || r.body.state === 'failed') return r.body;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error('job did not finish');
}

test('a fixity job runs on the durable queue: ok for intact bytes, mismatch after a flipped byte, both in the chain', async () => {
  const c = await new TestClient(srv.baseUrl).login('archivist', srv.demoPassword);
  const [comp] = await srv.rt.db.query<{ id: string; storage_key: string }>(
    `SELECT c.id, c.storage_key FROM component c JOIN repository r ON r.id = c.repository_id WHERE r.code = 'DZ' ORDER BY c.id LIMIT 1`);
  const queued = await c.post(`/api/components/${comp!.id}/fixity-check`);
  assert.equal(queued.status, 202);
  const done = await waitForJob(c, queued.body.jobId);
  assert.equal(done.state, 'completed');
  assert.equal(done.output.outcome, 'ok');

  // Flip one byte of the stored object (the store is content-addressed: same path, changed bytes).
  const path = join(srv.rt.store.root, 'objects', comp!.storage_key.slice(0, 2), comp!.storage_key.slice(2, 4), comp!.storage_key);
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  bytes[10] = bytes[10]! ^ 0xff;
  await writeFile(path, bytes);
  const second = await waitForJob(c, (await c.post(`/api/components/${comp!.id}/fixity-check`)).body.jobId);
  assert.equal(second.output.outcome, 'mismatch');
  const events = await c.get(`/api/events?subject=component:${comp!.id}`);
  assert.deepEqual(events.body.items.map((e: { data: { outcome: string } }) => e.data.outcome), ['ok', 'mismatch']);

  const county = await new TestClient(srv.baseUrl).login('county-archivist', srv.demoPassword);
  assert.equal((await county.post(`/api/components/${comp!.id}/fixity-check`)).status, 404);
  const viewer = await new TestClient(srv.baseUrl).login('viewer', srv.demoPassword);
  assert.equal((await viewer.post(`/api/components/${comp!.id}/fixity-check`)).body.code, 'auth.forbidden');
});
