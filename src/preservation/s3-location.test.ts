/** An off-site location on S3-compatible object storage (a real s3rver process), end to end. */
import assert from 'node:assert/strict';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';
import { runAudit } from './audit.ts';
import { ocflIdFor, packageState } from './service.ts';
import { S3Backend } from './storage/s3-backend.ts';
import { startS3TestServer, type S3TestServer } from './storage/s3-test-server.ts';

let s3: S3TestServer;
let srv: TestServer;
let dir: string;

before(async () => {
  s3 = await startS3TestServer(['dangan-offsite']);
  dir = await mkdtemp(join(tmpdir(), 'dangan-s3loc-'));
  const cfg = {
    locations: [
      { name: 'primary', role: 'primary', city: '德州市', seismicZone: '华北平原地震带', backend: { kind: 'fs', path: join(dir, 'primary') } },
      { name: 'same-city', role: 'same-city', city: '德州市', seismicZone: '华北平原地震带', backend: { kind: 'fs', path: join(dir, 'same-city') } },
      {
        name: 'cloud', role: 'off-site', city: '贵阳市', seismicZone: '贵州高原', backend: {
          kind: 's3', endpoint: s3.endpoint, region: 'us-east-1', bucket: 'dangan-offsite', prefix: 'archive/',
          accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true,
        },
      },
    ],
    policy: { copies: 3, offSite: 1 },
  };
  await writeFile(join(dir, 'storage.json'), JSON.stringify(cfg));
  srv = await startTestServer({ web: false, preserve: true, env: { DANGAN_STORAGE_CONFIG: join(dir, 'storage.json') } });
});
after(async () => {
  await srv?.close();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('volumes are preserved with their off-site copy on S3, verified by reading back', async () => {
  const volumes = await srv.rt.db.query<{ id: string }>('SELECT id FROM volume');
  for (const v of volumes) {
    const s = (await packageState(srv.rt.db, v.id))!;
    assert.equal(s.state, 'preserved');
    assert.deepEqual(s.replicas.map((r) => `${r.location}:${r.state}`), ['primary:verified', 'same-city:verified', 'cloud:verified']);
  }
  const cloud = srv.rt.preservation.location('cloud');
  assert.equal((await cloud.store.validateObject(ocflIdFor(volumes[0]!.id))).valid, true);
});

test('bytes changed behind our back on S3 are found by the audit and repaired from a verified copy', async () => {
  const [v] = await srv.rt.db.query<{ id: string }>('SELECT id FROM volume ORDER BY id LIMIT 1');
  const cloud = srv.rt.preservation.location('cloud');
  const id = ocflIdFor(v!.id);
  const inv = await cloud.store.readInventory(id);
  const path = Object.values(inv.manifest).flat().find((x) => x.endsWith('.pdf'))!;
  const client = (cloud.backend as S3Backend).client;
  // s3rver accepts whatever we put; our audit must notice it.
  await client.send(new PutObjectCommand({ Bucket: 'dangan-offsite', Key: `archive/${cloud.store.objectRoot(id)}/${path}`, Body: Buffer.from('%PDF-1.4 forged') }));
  const r = await runAudit(srv.rt.preservation, { location: 'cloud', mode: 'full', actor: 'user:test' });
  assert.deepEqual(r.findings.map((f) => [f.kind, f.repaired, f.repairedFrom]), [['corrupted', true, 'primary']]);
  assert.equal(r.unrepaired, 0);
  assert.equal((await cloud.store.validateObject(id)).valid, true);
});

test('with the S3 location down, a new version is written but the volume is not marked preserved, with a clear reason', async () => {
  const [v] = await srv.rt.db.query<{ id: string }>('SELECT id FROM volume ORDER BY id DESC LIMIT 1');
  await s3.stop();
  await srv.rt.db.query(`UPDATE volume SET title = title || '（更正）' WHERE id = $1`, [v!.id]);
  const t0 = Date.now();
  const s = await srv.rt.preservation.preserveVolume(v!.id, 'user:test');
  assert.ok(Date.now() - t0 < 60_000, 'an unavailable backend ends in an error, not a hang');
  assert.equal(s.headVersion, 2);
  assert.notEqual(s.state, 'preserved');
  const cloud = s.replicas.find((r) => r.location === 'cloud')!;
  assert.equal(cloud.state, 'failed');
  assert.match(cloud.detail, /unavailable|s3:/i);
  assert.deepEqual(s.replicas.filter((r) => r.location !== 'cloud').map((r) => [r.state, r.version]), [['verified', 2], ['verified', 2]]);
});
