import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { StorageError } from './backend.ts';
import { generated, isKind, keys, readAll, storageContract, streamOf } from './contract.ts';
import { S3Backend, type S3BackendOptions } from './s3-backend.ts';
import { startS3TestServer, type S3TestServer } from './s3-test-server.ts';

const MiB = 1024 * 1024;
const BUCKET = 'dangan';
let server: S3TestServer;
let raw: S3Client;
const backends: S3Backend[] = [];

const opts = (endpoint: string, more: Partial<S3BackendOptions> = {}): S3BackendOptions => ({
  endpoint, region: 'us-east-1', bucket: BUCKET, prefix: 'archive/', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, ...more,
});
const backend = (more: Partial<S3BackendOptions> = {}, endpoint = server.endpoint) => {
  const b = new S3Backend(opts(endpoint, more));
  backends.push(b);
  return b;
};
async function rawKeys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await raw.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    out.push(...(r.Contents ?? []).map((o) => o.Key!));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

before(async () => {
  server = await startS3TestServer([BUCKET]);
  raw = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
after(async () => {
  for (const b of backends) b.close();
  raw.destroy();
  await server.stop();
});

storageContract('s3 (s3rver in a child process)', async () => ({
  backend: backend(),
  // Straight through the SDK, behind the backend's back.
  tamper: async (key, bytes) => void (await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: `archive/${key}`, Body: bytes }))),
  leftovers: () => rawKeys('archive/.staging/'),
  close: async () => {},
  // s3rver walks its directory tree sorting folder names without their '/', so "a/b" comes before "a-b";
  // AWS S3 documents UTF-8 binary order for ListObjectsV2.
  listOrderCaveat: 's3rver lists "a/…" before "a-b" (its own directory-walk order)',
}));

test('the prefix is applied and stripped; other prefixes are invisible', async () => {
  const a = backend({ prefix: 'tenant-a/' });
  const b = backend({ prefix: 'tenant-b/' });
  await a.put('竣工图/x.pdf', streamOf(Buffer.from('A')));
  await b.put('竣工图/x.pdf', streamOf(Buffer.from('BB')));
  assert.deepEqual(await rawKeys('tenant-a/'), ['tenant-a/竣工图/x.pdf']);
  assert.deepEqual(await keys(a, ''), ['竣工图/x.pdf']);
  assert.equal((await readAll(await b.get('竣工图/x.pdf'))).toString(), 'BB');
  assert.equal(a.describe, 's3:dangan/tenant-a/');
});

test('.staging is reserved and never listed, and init() sweeps staging objects older than a limit', async () => {
  const b = backend({ prefix: 'sweep/' });
  await assert.rejects(b.put('.staging/x', streamOf(Buffer.from('x'))), isKind('invalid-key'));
  await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sweep/.staging/left-by-a-crash', Body: 'partial' }));
  await b.put('kept', streamOf(Buffer.from('k')));
  assert.deepEqual(await keys(b, ''), ['kept']);
  assert.equal(await b.init(), 0); // younger than a day: may belong to a put in progress elsewhere
  assert.equal(await b.init(0), 1);
  assert.deepEqual(await rawKeys('sweep/'), ['sweep/kept']);
});

test('bytes that read back differently from what was sent are refused (verify-failed) and nothing is left', async () => {
  const b = backend({ prefix: 'corrupt/' });
  // Simulates a backend that stores something else than it acknowledged: every GET body gets one flipped byte.
  b.client.middlewareStack.add(
    (next) => async (args) => {
      const r = await next(args);
      const out = r.output as { Body?: unknown };
      if (out.Body instanceof Readable) {
        let first = true;
        const flip = new PassThrough({ transform(c: Buffer, _e, cb) { if (first && c.length) { c = Buffer.from(c); c[0] = c[0]! ^ 1; first = false; } cb(null, c); } });
        out.Body = out.Body.pipe(flip);
      }
      return r;
    },
    { step: 'initialize', name: 'flipGetBodies' },
  );
  await assert.rejects(b.put('x', streamOf(Buffer.from('the bytes we sent'))), isKind('verify-failed'));
  assert.deepEqual(await rawKeys('corrupt/'), []);
});

test('objects above the single-copy limit use UploadPartCopy; s3rver lacks it, so the put fails clearly and leaves nothing', async () => {
  const b = backend({ prefix: 'bigcopy/', maxSingleCopyBytes: MiB, copyPartSize: 5 * MiB });
  const err = await b.put('big', generated(12 * MiB)).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof StorageError && err.kind === 'unavailable', String(err));
  assert.match(err.message, /UploadPartCopy.*NotImplemented/s);
  assert.deepEqual(await rawKeys('bigcopy/'), []);
});

/** Every operation must end in StorageError 'unavailable' naming the backend, well within 20 s. */
async function assertUnavailable(b: S3Backend, endpoint: string): Promise<void> {
  const ops: [string, () => Promise<unknown>][] = [
    ['put', () => b.put('k', streamOf(Buffer.from('x')))],
    ['put multipart', () => b.put('k', generated(20 * MiB))],
    ['get', () => b.get('k').then(readAll)],
    ['head', () => b.head('k')],
    ['list', () => keys(b, '')],
    ['delete', () => b.delete('k')],
    ['digest', () => b.digest('k')],
  ];
  for (const [name, op] of ops) {
    const t0 = performance.now();
    const err = await op().then(() => undefined, (e: unknown) => e);
    const ms = performance.now() - t0;
    assert.ok(err instanceof StorageError, `${name}: ${String(err)}`);
    assert.equal(err.kind, 'unavailable', `${name}: ${err.message}`);
    assert.ok(err.message.includes(b.describe) && err.message.includes(endpoint), err.message);
    assert.ok(ms < 20_000, `${name} took ${ms} ms`);
  }
}

test('a stopped server: every operation ends in StorageError unavailable, within bounded time', async () => {
  const s = await startS3TestServer(['gone']);
  const b = backend({ bucket: 'gone', maxAttempts: 3 }, s.endpoint);
  await b.put('k', streamOf(Buffer.from('x'))); // works while it runs (and leaves a kept-alive socket)
  await s.stop();
  await assertUnavailable(b, s.endpoint);
});

test('a closed port: every operation ends in StorageError unavailable, within bounded time', async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  await assertUnavailable(backend({}, `http://127.0.0.1:${port}`), `http://127.0.0.1:${port}`);
});

test('a server that accepts connections and never answers: requests time out, retries are bounded', async () => {
  const sockets = new Set<Socket>();
  const hole: Server = createServer((s) => void sockets.add(s.on('close', () => sockets.delete(s)).on('error', () => undefined)));
  await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(hole.address() as { port: number }).port}`;
  try {
    await assertUnavailable(backend({ requestTimeoutMs: 800, socketTimeoutMs: 800, maxAttempts: 2 }, endpoint), endpoint);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => hole.close(r));
  }
});
