import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { childEnv } from '../../platform/testing/cli.ts';
import { projectRoot } from '../../platform/paths.ts';
import { startArchivingTestApp, type ArchivingTestEnv } from './testing.ts';

const run = promisify(execFile);
let env: ArchivingTestEnv;
let proxy: Server;
let proxyUrl: string;
let dir: string;
let dropped = 0;

/**
 * A proxy in front of the test app that loses the answer of the first archiving push: the server has
 * committed, the client sees a reset connection — exactly when a retry must not make a second submission.
 */
before(async () => {
  env = await startArchivingTestApp();
  dir = await mkdtemp(join(tmpdir(), 'dangan-client-'));
  let dropNext = true;
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)).map(([k, v]) => [k, String(v)]));
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const up = await fetch(`${env.baseUrl}${req.url}`, { method: req.method!, headers, ...(body ? { body: new Uint8Array(body) } : {}) });
    const answer = Buffer.from(await up.arrayBuffer());
    if (dropNext && req.method === 'POST' && req.url === '/api/archiving/records') {
      dropNext = false;
      dropped++;
      req.socket.destroy();
      return;
    }
    const out: Record<string, string> = {};
    up.headers.forEach((v, k) => { if (!['content-encoding', 'transfer-encoding', 'content-length', 'connection'].includes(k)) out[k] = v; });
    res.writeHead(up.status, out).end(answer);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const addr = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (args: string[], extra: Record<string, string>) =>
  run(process.execPath, [join(projectRoot(), 'examples/archiving-client.mjs'), ...args], { env: childEnv({ DANGAN_URL: proxyUrl, DANGAN_ATTEMPTS: '4', ...extra }), timeout: 60_000 });

test('the example client pushes a record with a token; a lost answer is retried with the same key: one submission', async () => {
  const file = join(dir, '工程开工报审表.pdf');
  await writeFile(file, Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5000)]));
  const key = `erp-${randomUUID()}`;
  const { stdout, stderr } = await client([file, '工程开工报审表'], { DANGAN_TOKEN: await env.token('submitter'), DANGAN_PROJECT_CODE: env.projectCode, DANGAN_IDEMPOTENCY_KEY: key });
  assert.equal(dropped, 1, 'the first answer was lost');
  assert.match(stderr, /retrying with the same Idempotency-Key/);
  assert.match(stderr, /replayed/);
  const id = stdout.trim();
  const rows = await env.srv.rt.db.query<{ id: string }>(`SELECT subject AS id FROM event WHERE action = 'submission.received' AND data->>'idempotencyKey' = $1`, [key]);
  assert.deepEqual(rows.map((r) => r.id), [`submission:${id}`]);
  const [pkg] = await env.srv.rt.db.query<{ title: string }>(`SELECT package->'records'->0->>'title' AS title FROM submission_package WHERE submission_id = $1`, [id]);
  assert.equal(pkg!.title, '工程开工报审表');
});

test('the example client signs in to create a token, and sends a large file by tus first', async () => {
  const file = join(dir, 'scan.tif');
  await writeFile(file, randomBytes(1536 * 1024));
  const { stdout, stderr } = await client([file], { DANGAN_USERNAME: 'submitter', DANGAN_PASSWORD: env.srv.demoPassword, DANGAN_PROJECT_ID: env.projectId });
  assert.match(stderr, /DANGAN_TOKEN=dgn_/);
  const [item] = await env.srv.rt.db.query<{ size: number; upload_id: string | null }>('SELECT size, upload_id FROM submission_item WHERE submission_id = $1', [stdout.trim()]);
  assert.equal(item!.size, 1536 * 1024);
  assert.ok(item!.upload_id);
});

test('a refusal is reported with the server code and exit code 1', async () => {
  const file = join(dir, 'a.pdf');
  await writeFile(file, 'x');
  await assert.rejects(client([file], { DANGAN_TOKEN: await env.token('viewer'), DANGAN_PROJECT_CODE: env.projectCode }),
    (err: { code: number; stderr: string }) => err.code === 1 && /auth\.forbidden/.test(err.stderr));
});
