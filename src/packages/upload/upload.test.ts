import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestClient } from '../../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../../platform/testing/server.ts';

let srv: TestServer;
let submitter: TestClient;
let projectId: string;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const TUS = { 'tus-resumable': '1.0.0' };

before(async () => {
  srv = await startTestServer({ web: false });
  submitter = await new TestClient(srv.baseUrl).login('submitter', srv.demoPassword);
  const [p] = await srv.rt.db.query<{ id: string }>(`SELECT p.id FROM project p JOIN repository r ON r.id = p.repository_id WHERE r.code = 'DZ' LIMIT 1`);
  projectId = p!.id;
});
after(() => srv.close());

async function create(c: TestClient, length: number, name = '竣工图 总平面.pdf', project = projectId) {
  return c.req('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': String(length), 'upload-metadata': `filename ${b64(name)},projectId ${b64(project)}` });
}
async function patch(c: TestClient, location: string, offset: number, body: Buffer) {
  const res = await fetch(`${srv.baseUrl}${location}`, {
    method: 'PATCH', body: new Uint8Array(body),
    headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', cookie: c.cookie ?? '' },
  });
  return { status: res.status, headers: res.headers, body: res.status === 204 ? null : await res.json() };
}
const head = async (c: TestClient, location: string) => c.req('HEAD', location, undefined, TUS);

test('tus discovery: OPTIONS names the version, extensions and maximum size', async () => {
  const r = await new TestClient(srv.baseUrl).req('OPTIONS', '/api/uploads');
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('tus-version'), '1.0.0');
  assert.equal(r.headers.get('tus-extension'), 'creation,termination');
  assert.ok(Number(r.headers.get('tus-max-size')) > 0);
});

test('a unit uploads in chunks; a wrong offset is refused; the last byte makes a submission with its digests', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const c = await create(submitter, data.length);
  assert.equal(c.status, 201, c.text);
  const location = c.headers.get('location')!;
  assert.match(location, /^\/api\/uploads\/[0-9a-f-]{36}$/);
  assert.equal((await head(submitter, location)).headers.get('upload-offset'), '0');
  const first = await patch(submitter, location, 0, data.subarray(0, 1024 * 1024));
  assert.equal(first.status, 204);
  assert.equal(first.headers.get('upload-offset'), String(1024 * 1024));
  const wrong = await patch(submitter, location, 0, data.subarray(0, 10));
  assert.equal(wrong.status, 409);
  assert.equal(wrong.body.code, 'upload.offset_mismatch');
  const last = await patch(submitter, location, 1024 * 1024, data.subarray(1024 * 1024));
  assert.equal(last.status, 204);
  assert.equal(last.headers.get('upload-offset'), String(data.length));
  const submissionId = last.headers.get('x-dangan-submission');
  assert.ok(submissionId);
  const list = await submitter.get(`/api/projects/${projectId}/submissions`);
  const s = list.body.items.find((x: { id: string }) => x.id === submissionId);
  assert.equal(s.fileName, '竣工图 总平面.pdf');
  assert.equal(s.size, data.length);
  assert.equal(s.sha256, createHash('sha256').update(data).digest('hex'));
  assert.equal(s.sm3, createHash('sm3').update(data).digest('hex'));
  const [e] = await srv.rt.db.query<{ n: number }>(`SELECT count(*) AS n FROM event WHERE action = 'submission.received' AND subject = $1`, [`submission:${submissionId}`]);
  assert.equal(e!.n, 1);
  // Re-sending the final (empty) PATCH is harmless: the same submission, not a second one.
  const again = await patch(submitter, location, data.length, Buffer.alloc(0));
  assert.equal(again.headers.get('x-dangan-submission'), submissionId);
});

test('a dropped connection keeps what arrived; HEAD tells where to resume; the file is whole in the end', async () => {
  const data = randomBytes(24 * 1024 * 1024);
  const location = (await create(submitter, data.length, 'scan.tif')).headers.get('location')!;
  // Send 12 MiB of a 24 MiB body, then cut the connection.
  await new Promise<void>((resolve) => {
    const req = request(`${srv.baseUrl}${location}`, {
      method: 'PATCH',
      headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(data.length), cookie: submitter.cookie ?? '' },
    });
    req.on('error', () => resolve());
    req.write(data.subarray(0, 12 * 1024 * 1024), () => setTimeout(() => { req.destroy(); resolve(); }, 300));
  });
  // The server notices the cut only when its socket closes: wait until the acknowledged offset settles
  // (a tus client that resumes too early gets 409 and asks HEAD again, as here).
  let offset = -1;
  for (let i = 0, stable = 0; i < 100 && stable < 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = Number((await head(submitter, location)).headers.get('upload-offset'));
    stable = now === offset && now > 0 ? stable + 1 : 0;
    offset = now;
  }
  assert.ok(offset > 0 && offset <= 12 * 1024 * 1024, `resume offset ${offset}`);
  const rest = await patch(submitter, location, offset, data.subarray(offset));
  assert.equal(rest.status, 204, JSON.stringify(rest.body));
  const [s] = await srv.rt.db.query<{ sha256: string }>('SELECT sha256 FROM submission WHERE id = $1', [rest.headers.get('x-dangan-submission')]);
  assert.equal(s!.sha256, createHash('sha256').update(data).digest('hex'));
});

test('after a crash, bytes past the acknowledged offset are cut off and the upload resumes correctly', async () => {
  const data = randomBytes(2 * 1024 * 1024);
  const location = (await create(submitter, data.length, 'b.pdf')).headers.get('location')!;
  assert.equal((await patch(submitter, location, 0, data.subarray(0, 1024 * 1024))).status, 204);
  const id = location.split('/').pop()!;
  // What a crash mid-write leaves: unacknowledged garbage after the checkpoint.
  await appendFile(join(srv.dataDir, 'uploads', `${id}.part`), randomBytes(4096));
  assert.equal((await head(submitter, location)).headers.get('upload-offset'), String(1024 * 1024));
  const last = await patch(submitter, location, 1024 * 1024, data.subarray(1024 * 1024));
  assert.equal(last.status, 204);
  const [s] = await srv.rt.db.query<{ sha256: string }>('SELECT sha256 FROM submission WHERE id = $1', [last.headers.get('x-dangan-submission')]);
  assert.equal(s!.sha256, createHash('sha256').update(data).digest('hex'));
});

test('bad input and other people: clear codes, nothing stored', async () => {
  const noTus = await submitter.req('POST', '/api/uploads', undefined, { 'upload-length': '10', 'upload-metadata': `filename ${b64('a.pdf')},projectId ${b64(projectId)}` });
  assert.equal(noTus.status, 412);
  assert.equal((await submitter.req('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': '-1' })).body.code, 'upload.length_required');
  assert.equal((await submitter.req('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': '10', 'upload-metadata': 'filename ***' })).body.code, 'upload.metadata_invalid');
  assert.equal((await create(submitter, 10, '../../etc/passwd')).body.code, 'upload.file_name');
  assert.equal((await submitter.req('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': String(10 ** 15), 'upload-metadata': `filename ${b64('a')},projectId ${b64(projectId)}` })).status, 413);
  const [other] = await srv.rt.db.query<{ id: string }>(`SELECT p.id FROM project p JOIN repository r ON r.id = p.repository_id WHERE r.code = 'DZ-QH'`);
  assert.equal((await create(submitter, 10, 'a.pdf', other!.id)).body.code, 'catalog.not_found');
  const viewer = await new TestClient(srv.baseUrl).login('viewer', srv.demoPassword);
  assert.equal((await create(viewer, 10)).body.code, 'auth.forbidden');
  const county = await new TestClient(srv.baseUrl).login('county-archivist', srv.demoPassword);
  assert.equal((await create(county, 10)).body.code, 'catalog.not_found');

  const location = (await create(submitter, 10)).headers.get('location')!;
  const archivist = await new TestClient(srv.baseUrl).login('archivist', srv.demoPassword);
  assert.equal((await head(archivist, location)).status, 404, "another user's upload does not exist for them");
  const tooLong = await patch(submitter, location, 0, Buffer.alloc(11));
  assert.equal(tooLong.status, 413);
  assert.equal((await head(submitter, location)).headers.get('upload-offset'), '0', 'bytes past the declared length are not kept');
  const json = await fetch(`${srv.baseUrl}${location}`, { method: 'PATCH', body: '{}', headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/json', cookie: submitter.cookie ?? '' } });
  assert.equal(json.status, 415);
  assert.equal((await submitter.req('DELETE', location, undefined, TUS)).status, 204);
  assert.equal((await head(submitter, location)).status, 404);
  const [n] = await srv.rt.db.query<{ n: number }>(`SELECT count(*) AS n FROM submission WHERE file_name = 'a.pdf'`);
  assert.equal(n!.n, 0);
});
