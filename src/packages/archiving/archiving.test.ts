import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { TestClient } from '../../platform/testing/http.ts';
import { recordBody, sha256, startArchivingTestApp, type ArchivingTestEnv } from './testing.ts';

let env: ArchivingTestEnv;
let submitter: TestClient;
const key = () => `order-${randomUUID()}`;
const count = async (sql: string, params: unknown[] = []) => Number((await env.srv.rt.db.query<{ n: number }>(sql, params))[0]!.n);
const push = (c: TestClient, body: unknown, k: string, path = '/api/archiving/records') => c.req('POST', path, body, { 'idempotency-key': k });

before(async () => {
  env = await startArchivingTestApp({ batchMax: 5 });
  submitter = new TestClient(env.baseUrl, await env.token('submitter'));
});
after(() => env.close());

test('a business system pushes one record with a file: one submission, its package, its items and an event', async () => {
  const body = recordBody(env.projectCode);
  const r = await push(submitter, body, key());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.replayed, false);
  assert.equal(r.body.projectId, env.projectId);
  assert.equal(r.body.state, 'received');
  const content = Buffer.from(body.record.files[0]!.contentBase64, 'base64');
  assert.deepEqual(r.body.files, [{ path: '工程开工报审表.pdf', size: content.length, sha256: sha256(content), sm3: body.record.files[0]!.sm3 }]);
  const id = r.body.submissionId as string;
  const [s] = await env.srv.rt.db.query<{ kind: string; unit_uscc: string; file_name: string; storage_key: string }>('SELECT kind, unit_uscc, file_name, storage_key FROM submission WHERE id = $1', [id]);
  assert.equal(s!.kind, 'api');
  assert.equal(s!.file_name, 'incoming-package.json');
  assert.match(s!.unit_uscc, /^91371400168320467/);
  const [pkg] = await env.srv.rt.db.query<{ package: { source: { format: string }; records: { title: string; seq: number; files: { path: string }[] }[]; volumes: { title: string }[] } }>(
    'SELECT package FROM submission_package WHERE submission_id = $1', [id]);
  assert.equal(pkg!.package.source.format, 'api');
  assert.equal(pkg!.package.records[0]!.title, '工程开工报审表');
  assert.equal(pkg!.package.volumes[0]!.title, '综合楼 施工文件 第一卷');
  // The package snapshot in the store is the same as the jsonb one, and the file's bytes are there too.
  const stored = JSON.parse(await streamText(env.srv.rt.store.read(s!.storage_key)));
  assert.deepEqual(stored.records[0].files, pkg!.package.records[0]!.files);
  assert.equal(await env.srv.rt.store.size(sha256(content)), content.length);
  assert.equal(await count('SELECT count(*) AS n FROM submission_item WHERE submission_id = $1', [id]), 1);
  assert.equal(await count(`SELECT count(*) AS n FROM event WHERE action = 'submission.received' AND subject = $1`, [`submission:${id}`]), 1);
});

async function streamText(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

test('the same key and body replays the first response; another body with that key is a 409', async () => {
  const k = key();
  const body = recordBody(env.projectCode, { seq: 2, title: '施工组织设计报审表' });
  const first = await push(submitter, body, k);
  assert.equal(first.status, 201);
  const again = await push(submitter, body, k);
  assert.equal(again.status, 200);
  assert.equal(again.body.replayed, true);
  assert.equal(again.body.submissionId, first.body.submissionId);
  const other = await push(submitter, recordBody(env.projectCode, { seq: 3 }), k);
  assert.equal(other.status, 409);
  assert.equal(other.body.code, 'archiving.idempotency_conflict');
  // Keys belong to the API user: the same key from someone else is a new request.
  const archivist = new TestClient(env.baseUrl, await env.token('archivist'));
  const theirs = await push(archivist, body, k);
  assert.equal(theirs.status, 201, theirs.text);
  assert.notEqual(theirs.body.submissionId, first.body.submissionId);
  const [row] = await env.srv.rt.db.query<{ hours: number }>(`SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM archiving_request WHERE idempotency_key = $1 LIMIT 1`, [k]);
  assert.ok(Number(row!.hours) >= 24);
  const missing = await submitter.req('POST', '/api/archiving/records', body);
  assert.equal(missing.status, 400, 'Idempotency-Key is required');
});

test('parallel duplicates with one key make exactly one submission', async () => {
  const k = key();
  const body = recordBody(env.projectCode, { seq: 4, content: randomBytes(200_000) });
  const rs = await Promise.all(Array.from({ length: 8 }, () => push(submitter, body, k)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
  assert.equal(new Set(rs.map((r) => r.body.submissionId)).size, 1);
  const [{ n }] = (await env.srv.rt.db.query<{ n: number }>(`SELECT count(*) AS n FROM event WHERE action = 'submission.received' AND data->>'idempotencyKey' = $1`, [k])) as [{ n: number }];
  assert.equal(n, 1);
});

test('a declared digest that does not match: 422 naming the file, and nothing stored', async () => {
  const before = { s: await count('SELECT count(*) AS n FROM submission'), e: await count('SELECT count(*) AS n FROM event') };
  const content = randomBytes(1000);
  const body = recordBody(env.projectCode, { seq: 5, content, fileName: '隐蔽工程验收记录.pdf' });
  body.record.files[0]!.sha256 = sha256('something else');
  const r = await push(submitter, body, key());
  assert.equal(r.status, 422);
  assert.equal(r.body.code, 'archiving.digest_mismatch');
  assert.equal(r.body.details.file, '隐蔽工程验收记录.pdf');
  assert.match(r.body.message.zh, /隐蔽工程验收记录\.pdf/);
  assert.equal(await count('SELECT count(*) AS n FROM submission'), before.s);
  assert.equal(await count('SELECT count(*) AS n FROM event'), before.e);
  assert.equal(await env.srv.rt.store.size(sha256(content)), undefined, 'the bytes were not kept');
});

test('bad national codes are 400s with the code module issue code; scope and roles are enforced', async () => {
  const bad = recordBody(env.projectCode);
  bad.project.projectCode = '2303-37140-04-01-356821';
  const r = await push(submitter, bad, key());
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'project_code.length');
  assert.equal(r.body.details[0].path, 'project.projectCode');
  const uscc = recordBody(env.projectCode);
  uscc.submitter.uscc = '913714001683204670';
  assert.equal((await push(submitter, uscc, key())).body.code, 'uscc.check_char');
  const date = recordBody(env.projectCode);
  date.record.date = '2024-02-30';
  assert.equal((await push(submitter, date, key())).body.code, 'archiving.date');

  const cross = { ...recordBody(env.projectCode), project: { projectId: env.otherProjectId } };
  const c = await push(submitter, cross, key());
  assert.equal(c.status, 404);
  assert.equal(c.body.code, 'catalog.not_found');
  const county = new TestClient(env.baseUrl, await env.token('county-archivist'));
  assert.equal((await push(county, recordBody(env.projectCode), key())).status, 404, 'a county archive cannot push to the city project');
  const viewer = new TestClient(env.baseUrl, await env.token('viewer'));
  const v = await push(viewer, recordBody(env.projectCode), key());
  assert.equal(v.status, 403);
  assert.equal(v.body.code, 'auth.forbidden');
  assert.equal((await push(new TestClient(env.baseUrl, 'dgn_nope'), recordBody(env.projectCode), key())).status, 401);
});

test('a batch is all or nothing, lists per-record results, and is idempotent too', async () => {
  const before = await count('SELECT count(*) AS n FROM submission');
  const records = [1, 2, 3].map((i) => recordBody(env.projectCode, { seq: 10 + i, title: `监理通知单 ${i}` }));
  records[1]!.record.files[0]!.sm3 = sha256('wrong');
  const bad = await push(submitter, { records }, key(), '/api/archiving/batches');
  assert.equal(bad.status, 422);
  assert.equal(bad.body.details[0].index, 1);
  assert.equal(await count('SELECT count(*) AS n FROM submission'), before, 'nothing from the batch was created');
  const invalid = [recordBody(env.projectCode, { seq: 20 }), { ...recordBody(env.projectCode, { seq: 21 }), project: { projectCode: '9999' } }];
  const inv = await push(submitter, { records: invalid }, key(), '/api/archiving/batches');
  assert.equal(inv.status, 400);
  assert.deepEqual(inv.body.details.map((d: { index: number; code: string }) => [d.index, d.code]), [[1, 'project_code.length']]);
  assert.equal(await count('SELECT count(*) AS n FROM submission'), before);

  const good = [1, 2, 3].map((i) => recordBody(env.projectCode, { seq: 30 + i, title: `监理通知单 ${i}` }));
  const k = key();
  const ok = await push(submitter, { records: good }, k, '/api/archiving/batches');
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.body.results.map((r: { index: number }) => r.index), [0, 1, 2]);
  assert.equal(new Set(ok.body.results.map((r: { submissionId: string }) => r.submissionId)).size, 3);
  assert.equal(await count('SELECT count(*) AS n FROM submission'), before + 3);
  const again = await push(submitter, { records: good }, k, '/api/archiving/batches');
  assert.equal(again.status, 200);
  assert.equal(again.body.replayed, true);
  assert.deepEqual(again.body.results, ok.body.results);
  const tooMany = await push(submitter, { records: Array.from({ length: 6 }, (_, i) => recordBody(env.projectCode, { seq: 40 + i })) }, key(), '/api/archiving/batches');
  assert.equal(tooMany.status, 400, 'batchMax is 5 here');
  assert.equal((await push(submitter, good[0], k)).status, 409, 'a batch key reused on /records');
});

test('files may reference a completed tus upload instead of inline base64', async () => {
  const data = randomBytes(2 * 1024 * 1024 + 5);
  const session = await new TestClient(env.srv.baseUrl).login('submitter', env.srv.demoPassword);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const c = await session.req('POST', '/api/uploads', undefined, { 'tus-resumable': '1.0.0', 'upload-length': String(data.length), 'upload-metadata': `filename ${b64('scan.tif')},projectId ${b64(env.projectId)}` });
  const location = c.headers.get('location')!;
  const p = await fetch(`${env.srv.baseUrl}${location}`, { method: 'PATCH', body: new Uint8Array(data), headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', cookie: session.cookie ?? '' } });
  assert.equal(p.status, 204);
  const body = recordBody(env.projectCode, { seq: 50 });
  body.record.files = [{ path: '竣工图/总平面图.tif', format: 'image/tiff', sha256: sha256(data), uploadId: location.split('/').pop()! } as never];
  const r = await push(submitter, body, key());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.files[0].size, data.length);
  const [item] = await env.srv.rt.db.query<{ upload_id: string; storage_key: string }>('SELECT upload_id, storage_key FROM submission_item WHERE submission_id = $1', [r.body.submissionId]);
  assert.equal(item!.storage_key, sha256(data));
  const tooBig = recordBody(env.projectCode, { seq: 51, content: randomBytes(1024 * 1024 + 1) });
  assert.equal((await push(submitter, tooBig, key())).body.code, 'archiving.inline_too_large');
});

test('OpenAPI documents the archiving routes with Chinese examples', async () => {
  const spec = await new TestClient(env.baseUrl).get('/api/openapi.json');
  for (const p of ['/api/archiving/records', '/api/archiving/batches', '/api/archiving/webhooks', '/api/archiving/webhooks/{id}']) assert.ok(spec.body.paths[p], `missing ${p}`);
  const op = spec.body.paths['/api/archiving/records'].post;
  assert.ok(op.parameters.some((x: { name: string; in: string }) => x.name === 'idempotency-key' && x.in === 'header'));
  assert.match(JSON.stringify(op.requestBody), /工程开工报审表/);
  assert.ok(op.responses['422']);
});
