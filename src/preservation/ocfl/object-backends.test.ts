/** The OCFL store on the production backends: FsBackend (temp dir) and S3Backend (a real S3 server, s3rver). */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StorageBackend } from '../storage/backend.ts';
import { FsBackend } from '../storage/fs-backend.ts';
import { S3Backend } from '../storage/s3-backend.ts';
import { startS3TestServer } from '../storage/s3-test-server.ts';
import { OcflObjectStore } from './object.ts';
import { bytesOf, streamOf } from './test-backend.ts';

async function roundTrip(backend: StorageBackend): Promise<void> {
  const store = new OcflObjectStore(backend, { root: 'ocfl' });
  const id = 'urn:dangan:volume:backend-roundtrip';
  const user = { name: '张三', address: 'mailto:zhangsan@example.org' };
  const states = [
    { '001-项目建议书.pdf': 'pdf-1', 'metadata/volume.xml': '<v>1</v>' },
    { '001-项目建议书.pdf': 'pdf-1', 'metadata/volume.xml': '<v>2</v>' },
    { '002-批复.pdf': 'pdf-2', 'metadata/volume.xml': '<v>2</v>' },
  ];
  for (const [i, s] of states.entries()) {
    const r = await store.createOrUpdate(id, Object.entries(s).map(([logicalPath, t]) => ({ logicalPath, source: streamOf(t) })), { message: `v${i + 1}`, user });
    assert.equal(r.version, `v${i + 1}`);
  }
  for (const [i, s] of states.entries()) {
    for (const [p, t] of Object.entries(s)) assert.equal((await bytesOf(await store.openFile(id, p, `v${i + 1}`))).toString(), t);
  }
  assert.equal(await backend.head(`${store.objectRoot(id)}/v2/content/001-项目建议书.pdf`), undefined, 'deduplicated');
  assert.deepEqual((await store.validateObject(id)).findings, []);
  assert.equal((await store.verifyFixity(id)).ok, true);
}

test('FsBackend: 3 versions with Chinese names, valid object, fixity ok', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-ocfl-fs-'));
  try {
    const backend = new FsBackend(dir);
    await backend.init();
    await roundTrip(backend);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('S3Backend: 3 versions with Chinese names, valid object, fixity ok', async () => {
  const server = await startS3TestServer(['dangan']);
  const backend = new S3Backend({ endpoint: server.endpoint, region: 'us-east-1', bucket: 'dangan', prefix: 'archive/', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
  try {
    await roundTrip(backend);
  } finally {
    backend.client.destroy();
    await server.stop();
  }
});
