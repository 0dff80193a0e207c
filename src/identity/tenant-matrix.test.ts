/**
 * The tenant matrix: every actor × every repository × every volume and write, from the demo archive
 * (plus a few classified fixtures), proving that no one reads or writes across tenants and that
 * restricted and classified volumes never leak through a detail, a list, a count or the file bytes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRecord, type NewComponent } from '../catalog/commands.ts';
import { uuidv7 } from '../platform/ids.ts';
import { TestClient, type Res } from '../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';

type Classification = 'none' | 'internal' | 'confidential' | 'secret';
const RANK: Record<Classification, number> = { none: 0, internal: 1, confidential: 2, secret: 3 };
type RepoCode = 'DZ' | 'DZ-QH' | 'DZ-YC';
const REPOS: RepoCode[] = ['DZ', 'DZ-QH', 'DZ-YC'];

type ActorSpec = {
  name: string;
  username: string | null;
  role: 'public' | 'admin' | 'archivist' | 'reviewer' | 'viewer' | 'submitter';
  home: RepoCode | null;
  /** Repositories whose catalog the actor may read (the public: any, but open volumes only). */
  reads: RepoCode[];
  clearance: Classification;
};

/** The rules, written out independently of src/identity/actor.ts. */
const ACTORS: ActorSpec[] = [
  { name: 'public', username: null, role: 'public', home: null, reads: REPOS, clearance: 'none' },
  { name: 'admin', username: 'admin', role: 'admin', home: 'DZ', reads: REPOS, clearance: 'secret' },
  { name: 'archivist', username: 'archivist', role: 'archivist', home: 'DZ', reads: REPOS, clearance: 'secret' },
  { name: 'reviewer', username: 'reviewer', role: 'reviewer', home: 'DZ', reads: REPOS, clearance: 'confidential' },
  { name: 'viewer', username: 'viewer', role: 'viewer', home: 'DZ', reads: REPOS, clearance: 'internal' },
  { name: 'submitter', username: 'submitter', role: 'submitter', home: 'DZ', reads: ['DZ'], clearance: 'internal' },
  { name: 'county-archivist', username: 'county-archivist', role: 'archivist', home: 'DZ-QH', reads: ['DZ-QH'], clearance: 'secret' },
  { name: 'yucheng-archivist', username: 'yucheng-archivist', role: 'archivist', home: 'DZ-YC', reads: ['DZ-YC'], clearance: 'secret' },
];

type Vol = {
  id: string; label: string; repo: RepoCode; projectId: string; unitId: string;
  access: 'open' | 'restricted'; classification: Classification; recordIds: string[]; componentIds: string[];
};
type Proj = { id: string; repo: RepoCode; code: string; units: { id: string; code: string }[] };

let srv: TestServer;
const clients = new Map<string, TestClient>();
const client = (name: string) => clients.get(name)!;
const world = {
  repoId: {} as Record<RepoCode, string>,
  codeOfRepo: new Map<string, RepoCode>(),
  /** The one demo project of each repository (the submitter is scoped to DZ's). */
  demoProject: {} as Record<RepoCode, string>,
  demoUnit: {} as Record<RepoCode, string>,
  noOpenProject: '',
  /** A restricted, unclassified volume per repository: the target of the write matrix. */
  patchTarget: {} as Record<RepoCode, string>,
  projects: [] as Proj[],
  volumes: [] as Vol[],
};

function seesVolume(a: ActorSpec, v: Vol): boolean {
  if (a.role === 'public') return v.access === 'open' && v.classification === 'none';
  if (!a.reads.includes(v.repo)) return false;
  if (a.role === 'submitter' && v.projectId !== world.demoProject.DZ) return false;
  return RANK[v.classification] <= RANK[a.clearance];
}

function seesProject(a: ActorSpec, p: Proj): boolean {
  if (a.role === 'public') return world.volumes.some((v) => v.projectId === p.id && v.access === 'open' && v.classification === 'none');
  if (!a.reads.includes(p.repo)) return false;
  return a.role !== 'submitter' || p.id === world.demoProject.DZ;
}

const sorted = (xs: string[]) => [...xs].sort();
const isNotFound = (r: Res) => r.status === 404 && r.body?.code === 'catalog.not_found';
const show = (r: Res) => `${r.status} ${r.text.slice(0, 120)}`;

async function all<T>(c: TestClient, path: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | null = null;
  do {
    const r: Res = await c.get(`${path}${path.includes('?') ? '&' : '?'}limit=200${next ? `&after=${next}` : ''}`);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    out.push(...r.body.items);
    next = r.body.next;
  } while (next);
  return out;
}

async function created(r: Promise<Res>, what: string): Promise<string> {
  const res = await r;
  assert.equal(res.status, 201, `${what}: ${res.text}`);
  return res.body.id;
}

let component: Omit<NewComponent, 'fileName'>;
/** A record with one PDF component (the bytes of a demo file), as a submission package would leave it. */
async function addRecord(volumeId: string, title: string): Promise<void> {
  await srv.rt.db.tx((tx) => createRecord(tx, { kind: 'system', name: 'tenant-matrix' }, volumeId,
    { title, author: '', date: null, docNumber: '', pages: 1, subclass: null, origin: 'born-digital' },
    [{ ...component, fileName: `${title}.pdf` }]));
}

before(async () => {
  srv = await startTestServer({ web: false });
  for (const a of ACTORS) {
    const c = new TestClient(srv.baseUrl);
    clients.set(a.name, a.username ? await c.login(a.username, srv.demoPassword) : c);
  }
  const admin = client('admin');
  for (const r of await all<{ id: string; code: RepoCode }>(admin, '/api/repositories')) {
    world.repoId[r.code] = r.id;
    world.codeOfRepo.set(r.id, r.code);
  }
  for (const code of REPOS) {
    const [p] = await all<{ id: string }>(admin, `/api/repositories/${world.repoId[code]}/projects`);
    world.demoProject[code] = p!.id;
    const detail = await admin.get(`/api/projects/${p!.id}`);
    world.demoUnit[code] = detail.body.unitProjects.find((u: { code: string }) => u.code === 'DW-01').id;
  }
  const [c] = await srv.rt.db.query<Omit<NewComponent, 'fileName'>>(
    `SELECT format, size, sha256, sha512, sm3, storage_key AS "storageKey" FROM component ORDER BY id LIMIT 1`);
  component = c!;

  // Fixtures the demo lacks: every classification level, in the city and in the counties, with files.
  const vol = (who: string, unit: string, title: string, classification: Classification, category = 'D', subclass = 'D2') =>
    created(client(who).post(`/api/unit-projects/${unit}/volumes`, { title, category, subclass, year: 2025, retention: 'permanent', access: 'restricted', classification }), title);
  const dzDetail = await admin.get(`/api/projects/${world.demoProject.DZ}`);
  const dzUnit2 = dzDetail.body.unitProjects.find((u: { code: string }) => u.code === 'DW-02').id;
  const fixtures: [string, string][] = [
    [await vol('archivist', dzUnit2, '配套用房 结构计算书（秘密）', 'confidential'), '计算书'],
    [await vol('archivist', dzUnit2, '配套用房 人防工程图（机密）', 'secret'), '人防图'],
    [await vol('county-archivist', world.demoUnit['DZ-QH'], '教学楼 安防设计（秘密）', 'confidential'), '安防设计'],
    [await vol('yucheng-archivist', world.demoUnit['DZ-YC'], '门诊楼 施工记录', 'none', 'C', 'C5'), '施工记录'],
    [await vol('yucheng-archivist', world.demoUnit['DZ-YC'], '门诊楼 设备竣工图（内部）', 'internal'), '设备图'],
  ];
  // A city project whose only volumes are restricted, or open but classified: the public must not see it at all.
  world.noOpenProject = await created(client('archivist').post(`/api/repositories/${world.repoId.DZ}/projects`, {
    projectCode: '2501-371402-04-01-700001', name: '德州市档案馆新馆（未开放）', projectType: 'building',
    builderName: '德州市机关事务服务中心', builderUscc: '91350100M000100Y43', regionCode: '371402',
  }), 'project');
  const noOpenUnit = await created(client('archivist').post(`/api/projects/${world.noOpenProject}/unit-projects`, { code: 'DW-01', name: '新馆主楼' }), 'unit');
  fixtures.push([await vol('archivist', noOpenUnit, '新馆主楼 施工记录', 'none', 'C', 'C5'), '新馆记录']);
  // Written straight to the database (bypassing the API's rules and, for this one row, the CHECK constraint,
  // as a faulty import could before migration 005) to prove the read filter's own defence.
  const [u] = await srv.rt.db.query<{ path: string }>('SELECT path FROM unit_project WHERE id = $1', [noOpenUnit]);
  const openClassified = uuidv7();
  await srv.rt.db.query('ALTER TABLE volume DROP CONSTRAINT volume_open_is_unclassified');
  await srv.rt.db.query(
    `INSERT INTO volume (id, repository_id, project_id, unit_project_id, archival_code, title, category, subclass, year, retention, classification, access, path)
     VALUES ($1, $2, $3, $4, 'X-OPEN-CONF-001', '新馆 保密要害部位图（开放但涉密：数据错误）', 'D', 'D1', 2025, 'permanent', 'confidential', 'open', $5)`,
    [openClassified, world.repoId.DZ, world.noOpenProject, noOpenUnit, `${u!.path}${openClassified}/`]);
  await srv.rt.db.query(`ALTER TABLE volume ADD CONSTRAINT volume_open_is_unclassified CHECK (access = 'restricted' OR classification = 'none') NOT VALID`);
  fixtures.push([openClassified, '要害部位图']);
  for (const [id, title] of fixtures) await addRecord(id, title);

  // Discover the whole catalog as admin (who may read everything).
  for (const code of REPOS) {
    for (const p of await all<{ id: string; projectCode: string }>(admin, `/api/repositories/${world.repoId[code]}/projects`)) {
      const detail = await admin.get(`/api/projects/${p.id}`);
      const units = detail.body.unitProjects.map((x: { id: string; code: string }) => ({ id: x.id, code: x.code }));
      world.projects.push({ id: p.id, repo: code, code: p.projectCode, units });
      for (const unit of units) {
        for (const v of await all<{ id: string; title: string; access: Vol['access']; classification: Classification }>(admin, `/api/unit-projects/${unit.id}/volumes`)) {
          const records = await all<{ id: string; components: { id: string }[] }>(admin, `/api/volumes/${v.id}/records`);
          world.volumes.push({
            id: v.id, label: `${code} ${v.title} [${v.access}/${v.classification}]`, repo: code, projectId: p.id, unitId: unit.id,
            access: v.access, classification: v.classification,
            recordIds: records.map((r) => r.id), componentIds: records.flatMap((r) => r.components.map((x) => x.id)),
          });
        }
      }
    }
  }
  for (const code of REPOS) {
    world.patchTarget[code] = world.volumes.find((v) =>
      v.repo === code && v.projectId === world.demoProject[code] && v.access === 'restricted' && v.classification === 'none')!.id;
  }
});
after(() => srv.close());

test('the matrix covers the whole catalog: 3 repositories, every access and classification, each with files', async () => {
  assert.deepEqual(Object.keys(world.repoId).sort(), ['DZ', 'DZ-QH', 'DZ-YC']);
  const [db] = await srv.rt.db.query<{ p: number; v: number; c: number }>(
    'SELECT (SELECT count(*) FROM project) AS p, (SELECT count(*) FROM volume) AS v, (SELECT count(*) FROM component) AS c');
  assert.equal(world.projects.length, db!.p);
  assert.equal(world.volumes.length, db!.v);
  assert.equal(world.volumes.reduce((n, v) => n + v.componentIds.length, 0), db!.c);
  assert.equal(world.volumes.length, 14);
  for (const v of world.volumes) assert.ok(v.componentIds.length > 0, `${v.label} has a file`);
  for (const cls of ['none', 'internal', 'confidential', 'secret'] as const) assert.ok(world.volumes.some((v) => v.classification === cls), cls);
  for (const code of REPOS) {
    assert.ok(world.volumes.some((v) => v.repo === code && v.access === 'open'), `${code} has an open volume`);
    assert.ok(world.volumes.some((v) => v.repo === code && v.access === 'restricted'), `${code} has a restricted volume`);
    assert.ok(world.volumes.some((v) => v.repo === code && v.classification !== 'none'), `${code} has a classified volume`);
  }
  // The expectation itself, counted by hand from src/demo/data.ts and the fixtures above.
  const visible = Object.fromEntries(ACTORS.map((a) => [a.name, world.volumes.filter((v) => seesVolume(a, v)).length]));
  assert.deepEqual(visible, {
    public: 4, admin: 14, archivist: 14, reviewer: 13, viewer: 10, submitter: 4, 'county-archivist': 3, 'yucheng-archivist': 3,
  });
});

test('GET /api/volumes/:id: 200 exactly when the actor may see the volume, else 404 catalog.not_found', async () => {
  const wrong: string[] = [];
  for (const a of ACTORS) {
    for (const v of world.volumes) {
      const r = await client(a.name).get(`/api/volumes/${v.id}`);
      if (seesVolume(a, v)) {
        if (r.status !== 200 || r.body.volume.id !== v.id || r.body.project.repositoryId !== world.repoId[v.repo]) wrong.push(`${a.name} should see ${v.label}: ${show(r)}`);
      } else if (!isNotFound(r)) {
        wrong.push(`${a.name} must not see ${v.label}: ${show(r)}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('records of a volume: the full list exactly when the volume is visible, else 404', async () => {
  const wrong: string[] = [];
  for (const a of ACTORS) {
    for (const v of world.volumes) {
      const r = await client(a.name).get(`/api/volumes/${v.id}/records?limit=200`);
      if (seesVolume(a, v)) {
        if (r.status !== 200 || JSON.stringify(r.body.items.map((x: { id: string }) => x.id)) !== JSON.stringify(v.recordIds)) {
          wrong.push(`${a.name} should list the records of ${v.label}: ${show(r)}`);
        }
      } else if (!isNotFound(r)) {
        wrong.push(`${a.name} must not list the records of ${v.label}: ${show(r)}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('component bytes: a PDF exactly when the volume is visible, else 404 with no bytes', async () => {
  const wrong: string[] = [];
  let served = 0;
  for (const a of ACTORS) {
    for (const v of world.volumes) {
      for (const id of v.componentIds) {
        const r = await client(a.name).get(`/api/components/${id}/content`);
        if (seesVolume(a, v)) {
          served++;
          if (r.status !== 200 || !r.text.startsWith('%PDF-') || r.headers.get('content-type') !== 'application/pdf') wrong.push(`${a.name} should read ${id} of ${v.label}: ${r.status}`);
        } else if (!isNotFound(r) || r.text.includes('%PDF')) {
          wrong.push(`${a.name} must not read ${id} of ${v.label}: ${show(r)}`);
        }
        // A range request is no side door.
        if (!seesVolume(a, v)) {
          const part = await client(a.name).req('GET', `/api/components/${id}/content`, undefined, { range: 'bytes=0-4' });
          if (!isNotFound(part)) wrong.push(`${a.name} ranged read of ${id} of ${v.label}: ${show(part)}`);
        }
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(served > 0);
});

test('lists and counts show exactly the visible volumes; an invisible project is 404 at every level', async () => {
  const wrong: string[] = [];
  for (const a of ACTORS) {
    const c = client(a.name);
    for (const p of world.projects) {
      const detail = await c.get(`/api/projects/${p.id}`);
      const sub = [
        await c.get(`/api/projects/${p.id}/unit-projects`),
        await c.get(`/api/projects/${p.id}/buildings`),
      ];
      if (!seesProject(a, p)) {
        for (const r of [detail, ...sub]) if (!isNotFound(r)) wrong.push(`${a.name} must not see project ${p.repo} ${p.code}: ${show(r)}`);
        for (const unit of p.units) {
          for (const r of [await c.get(`/api/unit-projects/${unit.id}`), await c.get(`/api/unit-projects/${unit.id}/volumes`)]) {
            if (!isNotFound(r)) wrong.push(`${a.name} must not see unit ${p.code}/${unit.code}: ${show(r)}`);
          }
        }
        continue;
      }
      if (detail.status !== 200 || sub.some((r) => r.status !== 200)) {
        wrong.push(`${a.name} should see project ${p.repo} ${p.code}: ${show(detail)}`);
        continue;
      }
      for (const unit of p.units) {
        const expected = world.volumes.filter((v) => v.unitId === unit.id && seesVolume(a, v)).map((v) => v.id);
        const where = `${a.name} on ${p.repo} ${p.code}/${unit.code}`;
        const list = await c.get(`/api/unit-projects/${unit.id}/volumes?limit=200`);
        const one = await c.get(`/api/unit-projects/${unit.id}`);
        const inDetail = detail.body.unitProjects.find((x: { id: string }) => x.id === unit.id);
        const inList = sub[0]!.body.items.find((x: { id: string }) => x.id === unit.id);
        if (list.status !== 200 || JSON.stringify(sorted(list.body.items.map((x: { id: string }) => x.id))) !== JSON.stringify(sorted(expected))) {
          wrong.push(`${where}: volumes ${show(list)} expected ${expected.length}`);
        }
        if (one.status !== 200 || one.body.unitProject.volumeCount !== expected.length) wrong.push(`${where}: unit volumeCount ${show(one)} expected ${expected.length}`);
        if (inDetail?.volumeCount !== expected.length) wrong.push(`${where}: project detail volumeCount ${inDetail?.volumeCount} expected ${expected.length}`);
        if (inList?.volumeCount !== expected.length) wrong.push(`${where}: unit list volumeCount ${inList?.volumeCount} expected ${expected.length}`);
      }
    }
    for (const code of REPOS) {
      const expected = world.projects.filter((p) => p.repo === code && seesProject(a, p)).map((p) => p.id);
      const r = await c.get(`/api/repositories/${world.repoId[code]}/projects?limit=200`);
      if (r.status !== 200 || JSON.stringify(sorted(r.body.items.map((x: { id: string }) => x.id))) !== JSON.stringify(sorted(expected))) {
        wrong.push(`${a.name} projects of ${code}: ${show(r)} expected ${expected.length}`);
      }
    }
    const repos = await c.get('/api/repositories');
    const codes = sorted(repos.body.items.map((x: { code: string }) => x.code));
    const expectedCodes = a.role === 'public' ? REPOS : sorted(a.reads);
    if (JSON.stringify(codes) !== JSON.stringify(expectedCodes)) wrong.push(`${a.name} repositories ${codes.join(',')} expected ${expectedCodes.join(',')}`);
  }
  assert.deepEqual(wrong, []);
});

test('a project without an open, unclassified volume does not exist for the public', async () => {
  const pub = client('public');
  const project = world.projects.find((p) => p.id === world.noOpenProject)!;
  assert.ok(world.volumes.some((v) => v.projectId === project.id && v.access === 'open'), 'it does hold an open (but classified) volume');
  assert.equal(seesProject(ACTORS[0]!, project), false);
  for (const path of [`/api/projects/${project.id}`, `/api/projects/${project.id}/buildings`, `/api/projects/${project.id}/unit-projects`, `/api/unit-projects/${project.units[0]!.id}/volumes`]) {
    const r = await pub.get(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.code, 'catalog.not_found', path);
  }
  const list = await all<{ id: string }>(pub, `/api/repositories/${world.repoId.DZ}/projects`);
  assert.deepEqual(list.map((p) => p.id), [world.demoProject.DZ]);
  assert.equal((await client('archivist').get(`/api/projects/${project.id}`)).status, 200);
  assert.equal((await client('viewer').get(`/api/projects/${project.id}`)).status, 200);
});

type Expect = { status: number; code: string | null };
function expectedWrite(a: ActorSpec, repo: RepoCode, okStatus: number): Expect {
  if (a.role === 'public') return { status: 401, code: 'auth.required' };
  if (a.role !== 'admin' && a.role !== 'archivist') return { status: 403, code: 'auth.forbidden' };
  if (a.home === repo) return { status: okStatus, code: null };
  if (a.reads.includes(repo)) return { status: 403, code: 'auth.cross_repository' };
  return { status: 404, code: 'catalog.not_found' }; // a repository it cannot even read
}

const REGION: Record<RepoCode, string> = { DZ: '371400', 'DZ-QH': '371425', 'DZ-YC': '371482' };

test('writes: only admin/archivist of the same repository succeed; everyone else is refused and nothing is written', async () => {
  type Counts = { project: number; unit_project: number; volume: number; record: number; event: number };
  const counts = async () => (await srv.rt.db.query<Counts>(
    `SELECT (SELECT count(*) FROM project) AS project, (SELECT count(*) FROM unit_project) AS unit_project,
            (SELECT count(*) FROM volume) AS volume, (SELECT count(*) FROM record) AS record, (SELECT count(*) FROM event) AS event`))[0]!;
  const before = await counts();
  const [{ seq: seq0 } = { seq: 0 }] = await srv.rt.db.query<{ seq: number }>('SELECT COALESCE(max(seq), 0) AS seq FROM event');
  const wrong: string[] = [];
  const successes = { project: 0, unit_project: 0, volume: 0, record: 0, access: 0 };
  const createdProjects: { id: string; repo: RepoCode }[] = [];
  let n = 0;

  for (const a of ACTORS) {
    const c = client(a.name);
    for (const repo of REPOS) {
      n++;
      const actions: [keyof typeof successes, number, () => Promise<Res>][] = [
        ['project', 201, () => c.post(`/api/repositories/${world.repoId[repo]}/projects`, {
          projectCode: `2501-${REGION[repo]}-04-01-${String(123400 + n).padStart(6, '0')}`, name: `矩阵测试项目 ${a.name}`, projectType: 'municipal',
          builderName: '测试建设单位', builderUscc: '91350100M000100Y43', regionCode: REGION[repo],
        })],
        ['unit_project', 201, () => c.post(`/api/projects/${world.demoProject[repo]}/unit-projects`, { code: `T-${a.name}`, name: '矩阵测试单位工程' })],
        ['volume', 201, () => c.post(`/api/unit-projects/${world.demoUnit[repo]}/volumes`, { title: `矩阵测试案卷 ${a.name}`, category: 'E', subclass: 'E1', year: 2025, retention: 'long' })],
        ['record', 201, () => c.post(`/api/volumes/${world.patchTarget[repo]}/records`, { title: `矩阵测试文件 ${a.name}` })],
        ['access', 204, () => c.req('PATCH', `/api/volumes/${world.patchTarget[repo]}/access`, { access: 'restricted', classification: 'internal', reason: `鉴定（${a.name}）` })],
      ];
      for (const [action, okStatus, send] of actions) {
        const want = expectedWrite(a, repo, okStatus);
        const r = await send();
        const code = r.status < 300 ? null : r.body?.code;
        if (r.status !== want.status || code !== want.code) wrong.push(`${a.name} ${action} in ${repo}: got ${show(r)}, want ${want.status} ${want.code}`);
        if (r.status === okStatus && want.status === okStatus) {
          successes[action]++;
          if (action === 'project') createdProjects.push({ id: r.body.id, repo });
        }
      }
    }
  }
  assert.deepEqual(wrong, []);
  // 4 writers × their own repository × 5 actions; nothing else.
  assert.deepEqual(successes, { project: 4, unit_project: 4, volume: 4, record: 4, access: 4 });
  const total = Object.values(successes).reduce((x, y) => x + y, 0);
  assert.deepEqual(await counts(), {
    project: before.project + 4, unit_project: before.unit_project + 4, volume: before.volume + 4, record: before.record + 4, event: before.event + total,
  });
  for (const p of createdProjects) {
    const [row] = await srv.rt.db.query<{ repository_id: string }>('SELECT repository_id FROM project WHERE id = $1', [p.id]);
    assert.equal(row!.repository_id, world.repoId[p.repo]);
  }
  // Every new event is by a writer, about its own repository: 5 each.
  const events = await srv.rt.db.query<{ actor: string; repository_id: string; n: number }>(
    'SELECT actor, repository_id, count(*) AS n FROM event WHERE seq > $1 GROUP BY actor, repository_id ORDER BY actor', [seq0]);
  assert.deepEqual(events, [
    { actor: 'user:admin', repository_id: world.repoId.DZ, n: 5 },
    { actor: 'user:archivist', repository_id: world.repoId.DZ, n: 5 },
    { actor: 'user:county-archivist', repository_id: world.repoId['DZ-QH'], n: 5 },
    { actor: 'user:yucheng-archivist', repository_id: world.repoId['DZ-YC'], n: 5 },
  ]);
  const changedBy = async (code: RepoCode) => (await srv.rt.db.query<{ actor: string }>(
    `SELECT actor FROM event WHERE seq > $1 AND action = 'catalog.volume.access_changed' AND subject = $2 ORDER BY seq`,
    [seq0, `volume:${world.patchTarget[code]}`])).map((e) => e.actor);
  assert.deepEqual(await changedBy('DZ'), ['user:admin', 'user:archivist']);
  assert.deepEqual(await changedBy('DZ-QH'), ['user:county-archivist']);
  assert.deepEqual(await changedBy('DZ-YC'), ['user:yucheng-archivist']);
});

test('GET /api/events: a county archivist sees its own repository\'s events only; readers without audit rights none', async () => {
  const [total] = await srv.rt.db.query<{ n: number }>('SELECT count(*) AS n FROM event');
  for (const name of ['county-archivist', 'yucheng-archivist'] as const) {
    const home = ACTORS.find((a) => a.name === name)!.home!;
    const events = await all<{ seq: number; repositoryId: string | null; action: string }>(client(name), '/api/events');
    const [own] = await srv.rt.db.query<{ n: number }>('SELECT count(*) AS n FROM event WHERE repository_id = $1', [world.repoId[home]]);
    assert.ok(events.length > 0);
    assert.ok(events.length < total!.n);
    assert.equal(events.length, own!.n, `${name} sees every event of ${home}`);
    const foreign = events.filter((e) => e.repositoryId !== world.repoId[home]);
    assert.deepEqual(foreign, [], `${name} sees events of another repository`);
    const dzVolume = world.patchTarget.DZ;
    const bySubject = await client(name).get(`/api/events?subject=volume:${dzVolume}`);
    assert.equal(bySubject.status, 200);
    assert.deepEqual(bySubject.body.items, []);
  }
  // The city archive reads its counties' events too (shared reading), but no audit reading below archivist.
  const city = await all<{ repositoryId: string | null }>(client('archivist'), '/api/events');
  for (const code of REPOS) assert.ok(city.some((e) => e.repositoryId === world.repoId[code]), `city archivist sees ${code} events`);
  for (const name of ['reviewer', 'viewer', 'submitter']) {
    const r = await client(name).get('/api/events');
    assert.equal(r.status, 403, name);
    assert.equal(r.body.code, 'auth.forbidden', name);
  }
  const anon = await client('public').get('/api/events');
  assert.equal(anon.status, 401);
  assert.equal(anon.body.code, 'auth.required');
});

test('fixity jobs follow the same tenant rule as writes', async () => {
  const wrong: string[] = [];
  for (const a of ACTORS) {
    for (const repo of REPOS) {
      const componentId = world.volumes.find((v) => v.id === world.patchTarget[repo])!.componentIds[0]!;
      const want = expectedWrite(a, repo, 202);
      const r = await client(a.name).post(`/api/components/${componentId}/fixity-check`);
      const code = r.status < 300 ? null : r.body?.code;
      if (r.status !== want.status || code !== want.code) wrong.push(`${a.name} fixity in ${repo}: got ${show(r)}, want ${want.status} ${want.code}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('a volume cannot be created open and classified (the rule PATCH /access enforces)', async () => {
  const r = await client('archivist').post(`/api/unit-projects/${world.demoUnit.DZ}/volumes`, {
    title: '开放且涉密？', category: 'A', subclass: 'A1', year: 2025, retention: 'long', access: 'open', classification: 'secret',
  });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.code, 'catalog.open_classified');
});
