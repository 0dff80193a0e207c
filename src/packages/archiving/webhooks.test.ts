import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { TestClient } from '../../platform/testing/http.ts';
import { recordBody, startArchivingTestApp, type ArchivingTestEnv } from './testing.ts';
import { notifySubmissionEvent, signature, targetAllowed } from './webhooks.ts';

type Hit = { headers: IncomingHttpHeaders; body: string };
let env: ArchivingTestEnv;
let receiver: Server;
let receiverUrl: string;
const hits: Hit[] = [];
let failNext = 0;

before(async () => {
  env = await startArchivingTestApp();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end('busy');
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const addr = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hooks`;
});
after(async () => {
  await env.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the allow-list: http(s) only, exact hosts or .suffixes; empty allows any host', () => {
  assert.equal(targetAllowed('https://erp.example.com/h', []), true);
  assert.equal(targetAllowed('ftp://erp.example.com/h', []), false);
  assert.equal(targetAllowed('file:///etc/passwd', []), false);
  assert.equal(targetAllowed('https://user:pw@erp.example.com/h', []), false);
  const allow = ['.example.com', 'hooks.gov.cn'];
  assert.equal(targetAllowed('https://erp.example.com/h', allow), true);
  assert.equal(targetAllowed('https://example.com/h', allow), false);
  assert.equal(targetAllowed('https://evil-example.com/h', allow), false);
  assert.equal(targetAllowed('http://hooks.gov.cn:8080/h', allow), true);
  assert.equal(targetAllowed('http://127.0.0.1/h', allow), false);
  assert.equal(targetAllowed('http://169.254.169.254/latest', allow), false);
});

test('a webhook gets submission.received signed with HMAC, and is retried after the receiver answers 500', async () => {
  const submitter = new TestClient(env.baseUrl, await env.token('submitter'));
  const secret = 'shh-this-is-a-test-secret-0123456789';
  const created = await submitter.post('/api/archiving/webhooks', { url: receiverUrl, events: ['submission.received'], secret, description: '资料系统回调' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.secret, secret);
  const listed = await submitter.get('/api/archiving/webhooks');
  assert.deepEqual(listed.body.items.map((w: { id: string }) => w.id), [created.body.id]);
  assert.equal(listed.body.items[0].secret, undefined, 'the secret is not shown again');

  failNext = 1;
  const start = hits.length;
  const r = await submitter.req('POST', '/api/archiving/records', recordBody(env.projectCode), { 'idempotency-key': randomUUID() });
  assert.equal(r.status, 201, r.text);
  const [first, second] = await waitFor('two delivery attempts', () => (hits.length >= start + 2 ? hits.slice(start, start + 2) : undefined));
  for (const h of [first!, second!]) {
    assert.equal(h.headers['x-dangan-event'], 'submission.received');
    assert.equal(h.headers['x-dangan-signature'], signature(secret, h.body));
    assert.equal(h.headers['content-type'], 'application/json; charset=utf-8');
  }
  assert.equal(second!.body, first!.body, 'a retry resends the same bytes');
  const payload = JSON.parse(first!.body);
  assert.deepEqual(Object.keys(payload).sort(), ['event', 'id', 'occurredAt', 'submission']);
  assert.equal(payload.event, 'submission.received');
  assert.equal(payload.submission.id, r.body.submissionId);
  assert.equal(payload.submission.projectCode, env.projectCode);
  assert.equal(payload.submission.state, 'received');
  const row = await waitFor('delivered state', async () => {
    const [d] = await env.srv.rt.db.query<{ state: string; attempts: number; last_status: number }>('SELECT state, attempts, last_status FROM webhook_delivery WHERE submission_id = $1', [r.body.submissionId]);
    return d?.state === 'delivered' ? d : undefined;
  });
  assert.equal(row.attempts, 2);
  assert.equal(row.last_status, 204);

  // Later states, as the checks and acceptance will announce them: only subscribers of that event hear it.
  const archivist = new TestClient(env.baseUrl, await env.token('archivist'));
  const repoHook = await archivist.post('/api/archiving/webhooks', { url: receiverUrl, events: ['submission.accepted'], scope: 'repository' });
  assert.equal(repoHook.status, 201, repoHook.text);
  assert.ok(repoHook.body.secret.length >= 16, 'a secret is generated when none is given');
  const before = hits.length;
  assert.equal(await notifySubmissionEvent(env.srv.rt.db, env.jobs, r.body.submissionId, 'submission.checked'), 0);
  assert.equal(await notifySubmissionEvent(env.srv.rt.db, env.jobs, r.body.submissionId, 'submission.accepted'), 1);
  assert.equal(await notifySubmissionEvent(env.srv.rt.db, env.jobs, r.body.submissionId, 'submission.accepted'), 0, 'notifying twice sends once');
  const accepted = await waitFor('accepted delivery', () => hits.slice(before).find((h) => h.headers['x-dangan-event'] === 'submission.accepted'));
  assert.equal(accepted.headers['x-dangan-signature'], signature(repoHook.body.secret, accepted.body));
});

test('webhook management: scheme check, roles, scope, delete', async () => {
  const submitter = new TestClient(env.baseUrl, await env.token('submitter'));
  const ftp = await submitter.post('/api/archiving/webhooks', { url: 'ftp://erp.example.com/h' });
  assert.equal(ftp.status, 400);
  assert.equal(ftp.body.code, 'archiving.webhook_url');
  assert.equal((await submitter.post('/api/archiving/webhooks', { url: receiverUrl, scope: 'repository' })).status, 403);
  assert.equal((await submitter.post('/api/archiving/webhooks', { url: receiverUrl, events: ['submission.rejected'] })).status, 400);
  const viewer = new TestClient(env.baseUrl, await env.token('viewer'));
  assert.equal((await viewer.post('/api/archiving/webhooks', { url: receiverUrl })).status, 403);
  const made = await submitter.post('/api/archiving/webhooks', { url: 'https://erp.example.com/dangan' });
  assert.equal(made.status, 201);
  const archivist = new TestClient(env.baseUrl, await env.token('archivist'));
  assert.equal((await archivist.req('DELETE', `/api/archiving/webhooks/${made.body.id}`)).status, 404, "someone else's webhook");
  assert.equal((await submitter.req('DELETE', `/api/archiving/webhooks/${made.body.id}`)).status, 204);
  assert.equal((await submitter.req('DELETE', `/api/archiving/webhooks/${made.body.id}`)).status, 404);
  const left = await submitter.get('/api/archiving/webhooks');
  assert.ok(!left.body.items.some((w: { id: string }) => w.id === made.body.id));
});
