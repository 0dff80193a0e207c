import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';
import { TestClient, type Res } from '../platform/testing/http.ts';

let srv: TestServer;
let archivist: TestClient;
let ids: { repo: string; project: string; unit: string; volume: string };

before(async () => {
  srv = await startTestServer({ web: false });
  archivist = await new TestClient(srv.baseUrl).login('archivist', srv.demoPassword);
  const repos = await archivist.get('/api/repositories');
  const repo = repos.body.items.find((r: { code: string }) => r.code === 'DZ').id;
  const projects = await archivist.get(`/api/repositories/${repo}/projects`);
  const project = projects.body.items[0].id;
  const detail = await archivist.get(`/api/projects/${project}`);
  const unit = detail.body.unitProjects.find((u: { code: string }) => u.code === 'DW-01').id;
  const volumes = await archivist.get(`/api/unit-projects/${unit}/volumes`);
  ids = { repo, project, unit, volume: volumes.body.items[0].id };
});
after(() => srv.close());

const counts = async () => {
  const [r] = await srv.rt.db.query<{ p: number; v: number; r: number; e: number }>(
    'SELECT (SELECT count(*) FROM project) AS p, (SELECT count(*) FROM volume) AS v, (SELECT count(*) FROM record) AS r, (SELECT count(*) FROM event) AS e');
  return r!;
};

test('the hierarchy reads down from repository to component, in Chinese, with national codes', async () => {
  const detail = await archivist.get(`/api/projects/${ids.project}`);
  assert.equal(detail.status, 200);
  assert.equal(detail.body.project.name, '德州市文化中心综合楼工程');
  assert.match(detail.body.project.projectCode, /^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$/);
  assert.equal(detail.body.buildings.length, 2);
  // Each repository has its default 全宗, and projects belong to it.
  const [f] = await srv.rt.db.query<{ code: string }>('SELECT f.code FROM project p JOIN fonds f ON f.id = p.fonds_id WHERE p.id = $1', [ids.project]);
  assert.equal(f?.code, 'DZ');
  assert.match(detail.body.buildings[0].buildingCode, /^371402001\d{13}[0-9A-Z]$/);
  assert.deepEqual(Object.keys(detail.body.buildings[0].location).sort(), ['lat', 'lon']);
  const vols = await archivist.get(`/api/unit-projects/${ids.unit}/volumes`);
  assert.equal(vols.body.items.length, 3);
  assert.deepEqual(vols.body.items.map((v: { archivalCode: string }) => v.archivalCode), ['A1-2023-0001-001', 'C5-2024-0001-001', 'D2-2025-0001-001']);
  const recs = await archivist.get(`/api/volumes/${ids.volume}/records`);
  assert.equal(recs.body.items[0].seq, 1);
  assert.equal(recs.body.items[0].title, '项目建议书批复文件及项目建议书');
  assert.equal(recs.body.items[0].components[0].format, 'application/pdf');
  const content = await archivist.get(`/api/components/${recs.body.items[0].components[0].id}/content`);
  assert.equal(content.status, 200);
  assert.ok(content.text.startsWith('%PDF-'));
  assert.equal(content.headers.get('content-type'), 'application/pdf');
  assert.match(content.headers.get('content-disposition') ?? '', /filename\*=UTF-8''001-/);
});

test('a project subtree read (materialised path) lists every record it may see, in hierarchy order', async () => {
  const all: { archivalCode: string; seq: number }[] = [];
  let next: string | null = null;
  do {
    const r: Res = await archivist.get(`/api/projects/${ids.project}/records?limit=3${next ? `&after=${next}` : ''}`);
    assert.equal(r.status, 200);
    all.push(...r.body.items);
    next = r.body.next;
  } while (next);
  assert.equal(all.length, 11);
  assert.deepEqual(all.slice(0, 5).map((r) => `${r.archivalCode}#${r.seq}`), ['A1-2023-0001-001#1', 'A1-2023-0001-001#2', 'A1-2023-0001-001#3', 'A1-2023-0001-001#4', 'C5-2024-0001-001#1']);
  const guest = await new TestClient(srv.baseUrl).get(`/api/projects/${ids.project}/records?limit=200`);
  assert.equal(guest.status, 200);
  assert.deepEqual([...new Set(guest.body.items.map((r: { archivalCode: string }) => r.archivalCode))], ['A1-2023-0001-001', 'E1-2025-0001-001']);
});

test('component content supports byte ranges and refuses an impossible one', async () => {
  const recs = await archivist.get(`/api/volumes/${ids.volume}/records`);
  const id = recs.body.items[0].components[0].id;
  const part = await archivist.req('GET', `/api/components/${id}/content`, undefined, { range: 'bytes=0-4' });
  assert.equal(part.status, 206);
  assert.equal(part.text, '%PDF-');
  assert.match(part.headers.get('content-range') ?? '', /^bytes 0-4\/\d+$/);
  const bad = await archivist.req('GET', `/api/components/${id}/content`, undefined, { range: 'bytes=999999999-' });
  assert.equal(bad.status, 416);
});

test('every list is keyset-paged: limit=1 walks all items once, in order, and ends with next=null', async () => {
  const all = await archivist.get(`/api/volumes/${ids.volume}/records?limit=200`);
  const seen: number[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const r: Res = await archivist.get(`/api/volumes/${ids.volume}/records?limit=1${next ? `&after=${next}` : ''}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length <= 1);
    seen.push(...r.body.items.map((x: { seq: number }) => x.seq));
    next = r.body.next;
    pages++;
  } while (next && pages < 50);
  assert.deepEqual(seen, all.body.items.map((x: { seq: number }) => x.seq));
  assert.equal((await archivist.get('/api/repositories?limit=201')).status, 400);
  assert.equal((await archivist.get('/api/repositories?limit=0')).body.code, 'request.invalid');
  const badCursor = await archivist.get('/api/repositories?after=bm90LWpzb24');
  assert.equal(badCursor.status, 400);
  assert.equal(badCursor.body.code, 'request.invalid_cursor');
});

test('creating a volume without a 档号 assigns one from the repository rule, and records number themselves', async () => {
  const v = await archivist.post(`/api/unit-projects/${ids.unit}/volumes`, { title: '综合楼 施工物资质量证明文件', category: 'C', subclass: 'C4', year: 2024, retention: 'permanent' });
  assert.equal(v.status, 201);
  assert.equal(v.body.archivalCode, 'C4-2024-0001-002');
  const r1 = await archivist.post(`/api/volumes/${v.body.id}/records`, { title: '钢筋出厂合格证', author: '某钢铁公司', date: '2024-03-01', pages: 2, subclass: 'C4' });
  const r2 = await archivist.post(`/api/volumes/${v.body.id}/records`, { title: '水泥出厂检验报告', date: null });
  assert.deepEqual([r1.status, r1.body.seq, r2.status, r2.body.seq], [201, 1, 201, 2]);
  const got = await archivist.get(`/api/volumes/${v.body.id}`);
  assert.equal(got.body.volume.access, 'restricted'); // the safe default
  assert.equal(got.body.volume.recordCount, 2);
});

test('bad input gets a clear 4xx with a stable code, never a 500, never a partial write', async () => {
  const before = await counts();
  const cases: [string, string, unknown, number, string][] = [
    ['POST', `/api/repositories/${ids.repo}/projects`, '{"name": "broken', 400, 'request.malformed_json'],
    ['POST', `/api/repositories/${ids.repo}/projects`, { projectCode: '2501-371402-04-01-12345X', name: 'x', projectType: 'building', builderName: 'b', builderUscc: '91350100M000100Y43', regionCode: '371402' }, 400, 'catalog.invalid_project_code'],
    ['POST', `/api/repositories/${ids.repo}/projects`, { projectCode: '2501-371402-04-01-123456', name: 'x', projectType: 'building', builderName: 'b', builderUscc: '91350100M000100Y44', regionCode: '371402' }, 400, 'catalog.invalid_uscc'],
    ['POST', `/api/repositories/${ids.repo}/projects`, { projectCode: '2501-371402-04-01-123456', name: 'x', projectType: 'building', builderName: 'b', builderUscc: '91350100M000100Y43', regionCode: '999999' }, 400, 'catalog.invalid_region_code'],
    ['POST', `/api/repositories/${ids.repo}/projects`, { projectCode: '2501-371402-04-01-123456', name: 'x', projectType: 'castle', builderName: 'b', builderUscc: '91350100M000100Y43', regionCode: '371402' }, 400, 'request.invalid'],
    ['POST', `/api/projects/${ids.project}/buildings`, { buildingCode: '37140200120250001000009', name: '3#楼' }, 400, 'catalog.invalid_building_code'],
    ['POST', `/api/unit-projects/${ids.unit}/volumes`, { title: 't', category: 'A', subclass: 'C5', year: 2024, retention: 'permanent' }, 400, 'catalog.subclass_mismatch'],
    ['POST', `/api/unit-projects/${ids.unit}/volumes`, { archivalCode: 'A1-2023-0001-001', title: 'dup', category: 'A', year: 2023, retention: 'permanent' }, 409, 'conflict.duplicate'],
    ['POST', `/api/volumes/${ids.volume}/records`, { seq: 1, title: 'duplicate seq' }, 409, 'conflict.duplicate'],
    ['POST', `/api/volumes/${ids.volume}/records`, { title: 'bad date', date: '2024-02-30' }, 400, 'request.invalid'],
    ['PATCH', `/api/volumes/${ids.volume}/access`, { access: 'open', classification: 'secret', reason: '测试' }, 400, 'catalog.open_classified'],
    ['GET', '/api/projects/not-a-uuid', undefined, 400, 'request.invalid'],
    ['GET', '/api/projects/00000000-0000-7000-8000-000000000000', undefined, 404, 'catalog.not_found'],
    ['GET', '/api/no/such/route', undefined, 404, 'route.not_found'],
    ['POST', `/api/repositories/${ids.repo}/projects`, 'x'.repeat(2 * 1024 * 1024), 413, 'request.too_large'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const r = await archivist.req(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text.slice(0, 200)}`);
    assert.equal(r.body.code, code, `${method} ${path}`);
    assert.equal(typeof r.body.message.zh, 'string');
    assert.equal(typeof r.body.message.en, 'string');
  }
  const text = await archivist.req('POST', `/api/repositories/${ids.repo}/projects`, 'name=x', { 'content-type': 'text/plain' });
  assert.equal(text.status, 415);
  assert.deepEqual(await counts(), before);
});

test('SQL-looking strings are stored as text, not run', async () => {
  const evil = `'); DROP TABLE record; -- 竣工图 %_\\`;
  const v = await archivist.post(`/api/unit-projects/${ids.unit}/volumes`, { title: evil, category: 'E', year: 2025, retention: 'long' });
  assert.equal(v.status, 201);
  const got = await archivist.get(`/api/volumes/${v.body.id}`);
  assert.equal(got.body.volume.title, evil);
  assert.equal((await archivist.get(`/api/volumes/${ids.volume}/records`)).status, 200);
});

test('a failure in the middle of a multi-row change rolls back the whole change and its events', async () => {
  const before = await counts();
  // The record row is written, then its component is refused by a constraint: nothing of it may remain.
  const { createRecord } = await import('./commands.ts');
  await assert.rejects(
    srv.rt.db.tx((tx) => createRecord(tx, { kind: 'system', name: 'test' }, ids.volume, { title: '半条记录', author: '', date: null, docNumber: '', pages: 0, subclass: null, origin: 'born-digital' },
      [{ fileName: 'a.pdf', format: 'application/pdf', size: 1, sha256: 'not-hex', sha512: 'x', sm3: 'y', storageKey: 'k' }])),
  );
  assert.deepEqual(await counts(), before);
});

test('changing open status needs a reason and lands in the event chain', async () => {
  const r = await archivist.req('PATCH', `/api/volumes/${ids.volume}/access`, { access: 'restricted', classification: 'internal', reason: '涉及个人信息，控制使用' });
  assert.equal(r.status, 204);
  const ev = await archivist.get(`/api/events?subject=volume:${ids.volume}`);
  const last = ev.body.items.at(-1);
  assert.equal(last.action, 'catalog.volume.access_changed');
  assert.equal(last.actor, 'user:archivist');
  assert.deepEqual(last.data.to, { access: 'restricted', classification: 'internal' });
  const missing = await archivist.req('PATCH', `/api/volumes/${ids.volume}/access`, { access: 'open', classification: 'none' });
  assert.equal(missing.body.code, 'request.invalid');
  const verify = await archivist.get('/api/audit/verify');
  assert.equal(verify.body.ok, true);
});

test('the metadata scheme is data: DA/T 46 elements and the construction profile are served', async () => {
  const all: { code: string; level: string; obligation: string }[] = [];
  let next: string | null = null;
  do {
    const r: Res = await archivist.get(`/api/metadata-scheme/elements?limit=200${next ? `&after=${next}` : ''}`);
    all.push(...r.body.items);
    next = r.body.next;
  } while (next);
  assert.equal(all.filter((e) => e.level === '文件实体' || e.level === '机构人员实体' || e.level === '业务实体' || e.level === '实体关系').length, 88);
  assert.equal(all.find((e) => e.code === 'aggregationLevel')?.obligation, 'required');
  assert.ok(all.some((e) => e.code === 'dgProjectCode' && e.level === '项目级'));
  const level = await archivist.get(`/api/metadata-scheme/elements?level=${encodeURIComponent('案卷级')}&limit=200`);
  assert.ok(level.body.items.length > 0);
  assert.ok(level.body.items.every((e: { level: string }) => e.level === '案卷级'));
});
