#!/usr/bin/env node
// Dangan 档案 — example client of the archiving API (实时归档接口), for business systems to copy.
// No dependencies: Node.js ≥ 18 (global fetch, crypto). Usage:
//
//   DANGAN_URL=https://dangan.example.gov.cn DANGAN_TOKEN=dgn_… DANGAN_PROJECT_CODE=2303-371402-04-01-356821 \
//     node archiving-client.mjs 工程开工报审表.pdf "工程开工报审表"
//
// Environment:
//   DANGAN_URL            server base URL (default http://127.0.0.1:8080)
//   DANGAN_TOKEN          API token (dgn_…). Without it, DANGAN_USERNAME + DANGAN_PASSWORD sign in once and
//                         create a token, printed on stderr: keep it and pass DANGAN_TOKEN next time.
//   DANGAN_PROJECT_CODE   投资项目统一代码 of the project, or DANGAN_PROJECT_ID (its id; needed for files > 1 MiB,
//                         which go up by tus resumable upload first)
//   DANGAN_IDEMPOTENCY_KEY  your own key for this record (e.g. your system's document id); default: a new UUID.
//                         Re-running with the same key and the same file never creates a second submission.
//
// Prints the submission id on stdout. Exit code 0 on success, 1 on a refusal (4xx), 2 when the server
// stayed unreachable.
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

const base = (process.env.DANGAN_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const INLINE_MAX = 1024 * 1024;
const ATTEMPTS = Number(process.env.DANGAN_ATTEMPTS ?? 6);
const log = (...a) => console.error('[dangan]', ...a);

class Refused extends Error {}

/** fetch with retries on network errors, 429 and 5xx (exponential backoff); other answers are returned. */
async function call(method, path, { headers = {}, body } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(120_000) });
      if (res.status !== 429 && res.status < 500) return res;
      if (attempt >= ATTEMPTS) return res;
      log(`${method} ${path}: HTTP ${res.status}, retrying (${attempt}/${ATTEMPTS})`);
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
      log(`${method} ${path}: ${err.cause?.code ?? err.message}, retrying with the same Idempotency-Key (${attempt}/${ATTEMPTS})`);
    }
    await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** attempt)));
  }
}

async function json(res) {
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Refused(`HTTP ${res.status} ${body?.code ?? ''}: ${body?.message?.zh ?? text} / ${body?.message?.en ?? ''}\n${body?.details ? JSON.stringify(body.details, null, 2) : ''}`);
  return body;
}

async function token() {
  if (process.env.DANGAN_TOKEN) return process.env.DANGAN_TOKEN;
  const { DANGAN_USERNAME: username, DANGAN_PASSWORD: password } = process.env;
  if (!username || !password) throw new Refused('set DANGAN_TOKEN (or DANGAN_USERNAME and DANGAN_PASSWORD to create one)');
  const login = await call('POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  await json(login.clone());
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const t = await json(await call('POST', '/api/auth/tokens', {
    headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'archiving-client', expiresInDays: 365 }),
  }));
  log(`created API token ${t.id}; keep it and set DANGAN_TOKEN=${t.token}`);
  return t.token;
}

/** A file over 1 MiB goes up by tus (POST, then one PATCH; resume from HEAD's offset after a failure). */
async function tusUpload(auth, projectId, name, bytes) {
  const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
  const tus = { ...auth, 'tus-resumable': '1.0.0' };
  const created = await call('POST', '/api/uploads', { headers: { ...tus, 'upload-length': String(bytes.length), 'upload-metadata': `filename ${b64(name)},projectId ${b64(projectId)}` } });
  if (created.status !== 201) await json(created);
  const location = created.headers.get('location');
  for (let i = 0; i < ATTEMPTS; i++) {
    const head = await call('HEAD', location, { headers: tus });
    const offset = Number(head.headers.get('upload-offset'));
    if (offset === bytes.length) break;
    const res = await call('PATCH', location, {
      headers: { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: bytes.subarray(offset),
    }).catch((err) => ({ status: 0, err }));
    if (res.status === 204 && Number(res.headers.get('upload-offset')) === bytes.length) break;
  }
  return location.split('/').pop();
}

async function main() {
  const [file, title] = process.argv.slice(2);
  if (!file) throw new Refused('usage: node archiving-client.mjs <file> [文件题名]');
  const { DANGAN_PROJECT_CODE: projectCode, DANGAN_PROJECT_ID: projectId } = process.env;
  if (!projectCode && !projectId) throw new Refused('set DANGAN_PROJECT_CODE or DANGAN_PROJECT_ID');
  const auth = { authorization: `Bearer ${await token()}` };
  const bytes = await readFile(file);
  const name = basename(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let content;
  if (bytes.length <= INLINE_MAX) content = { contentBase64: bytes.toString('base64') };
  else if (projectId) content = { uploadId: await tusUpload(auth, projectId, name, bytes) };
  else throw new Refused('files over 1 MiB need DANGAN_PROJECT_ID (they are uploaded by tus first)');

  const record = {
    project: projectId ? { projectId } : { projectCode },
    unit: { code: '01', name: '综合楼' },
    volume: { title: '综合楼 施工文件', category: 'C', retention: 'permanent' },
    record: {
      seq: 1, title: title ?? name.replace(/\.[^.]+$/, ''), date: new Date().toISOString().slice(0, 10), category: 'C',
      files: [{ path: name, format: name.endsWith('.pdf') ? 'application/pdf' : undefined, sha256, ...content }],
    },
  };
  // One key per record, chosen before the first try and reused by every retry: a lost answer never duplicates.
  const key = process.env.DANGAN_IDEMPOTENCY_KEY ?? randomUUID();
  const res = await call('POST', '/api/archiving/records', {
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(record),
  });
  const out = await json(res);
  log(`${out.replayed ? 'already received (replayed)' : 'received'}: submission ${out.submissionId}, key ${key}`);
  console.log(out.submissionId);
}

main().catch((err) => {
  console.error(err instanceof Refused ? err.message : `unreachable: ${err.cause?.code ?? err.message}`);
  process.exitCode = err instanceof Refused ? 1 : 2;
});
