import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StorageConfig, defaultStorageConfig, loadStorageConfig, storageConfigIssues } from './locations.ts';

const loc = (name: string, role: string, city = '', seismicZone = '', path = `/srv/${name}`) =>
  ({ name, role, city, seismicZone, backend: { kind: 'fs', path } });
const codes = (cfg: unknown) => storageConfigIssues(StorageConfig.parse(cfg)).map((i) => i.code);

test('the embedded default is valid: 3 copies, one off-site in another city and seismic zone', () => {
  const cfg = defaultStorageConfig('/data');
  assert.deepEqual(storageConfigIssues(cfg), []);
  assert.deepEqual(cfg.locations.map((l) => l.role), ['primary', 'same-city', 'off-site']);
  assert.deepEqual(cfg.policy, { copies: 3, offSite: 1 });
  assert.equal(cfg.audit.samplePercent, 5);
  assert.equal(cfg.audit.fullEveryDays, 730);
});

test('each rule is enforced with its own code', () => {
  assert.deepEqual(codes({ locations: [loc('a', 'primary'), loc('a', 'same-city', '', '', '/srv/a2')], policy: { copies: 2, offSite: 0 } }), ['storage.duplicate_name']);
  assert.deepEqual(codes({ locations: [loc('a', 'same-city'), loc('b', 'same-city')], policy: { copies: 2, offSite: 0 } }), ['storage.primary_count']);
  assert.deepEqual(codes({ locations: [loc('a', 'primary'), loc('b', 'offline')], policy: { copies: 2, offSite: 0 } }), ['storage.too_few_locations']);
  assert.deepEqual(codes({ locations: [loc('a', 'primary'), loc('b', 'same-city')], policy: { copies: 2, offSite: 1 } }), ['storage.too_few_off_site']);
  assert.deepEqual(codes({ locations: [loc('a', 'primary', '德州市'), loc('b', 'off-site', '德州市')], policy: { copies: 2, offSite: 1 } }), ['storage.off_site_same_city']);
  assert.deepEqual(codes({ locations: [loc('a', 'primary', '德州市', 'Z1'), loc('b', 'off-site', '济南市', 'Z1')], policy: { copies: 2, offSite: 1 } }), ['storage.off_site_same_seismic_zone']);
  assert.deepEqual(codes({ locations: [loc('a', 'primary', '', '', '/x'), loc('b', 'same-city', '', '', '/x/')], policy: { copies: 2, offSite: 0 } }), ['storage.same_target']);
  assert.deepEqual(codes({ locations: [loc('a', 'primary'), loc('b', 'off-site')], policy: { copies: 1, offSite: 2 } }).sort(), ['storage.policy', 'storage.too_few_off_site']);
});

test('names and backends are validated at the edge', () => {
  assert.throws(() => StorageConfig.parse({ locations: [loc('Bad Name', 'primary')] }));
  assert.throws(() => StorageConfig.parse({ locations: [{ name: 'a', role: 'primary', backend: { kind: 'ftp', path: '/x' } }] }));
  assert.throws(() => StorageConfig.parse({ locations: [{ name: 'a', role: 'primary', backend: { kind: 's3', bucket: 'b' } }] }));
});

test('a config file that breaks a rule stops start-up with every problem named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-cfg-'));
  try {
    const file = join(dir, 'storage.json');
    await writeFile(file, JSON.stringify({ locations: [loc('a', 'primary', '德州市'), loc('b', 'off-site', '德州市')], policy: { copies: 3, offSite: 1 } }));
    await assert.rejects(loadStorageConfig(file, dir), (e: Error) => /storage.too_few_locations/.test(e.message) && /storage.off_site_same_city/.test(e.message));
    assert.equal((await loadStorageConfig(undefined, dir)).locations.length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
