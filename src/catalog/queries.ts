import type { ReadScope } from '../identity/index.ts';
import type { Queryable } from '../platform/db.ts';
import { notFound } from '../platform/errors.ts';
import { decodeCursor, page, type Cursor } from '../platform/http/paging.ts';
import { SqlParams, projectFilter, repoFilter, volumeFilter } from './sql.ts';
import type { BuildingView, ComponentView, ProjectView, RecordView, RepositoryView, UnitProjectView, VolumeView } from './views.ts';

export type Page<T> = { items: T[]; next: string | null };
type PageArgs = { limit: number; after?: string | undefined };

/** `(k1, k2) > (c1, c2)` for keyset paging on a two-column order. */
function after2(p: SqlParams, cols: [string, string], cursor: Cursor | null): string {
  if (!cursor) return 'TRUE';
  return `(${cols[0]}, ${cols[1]}) > (${p.add(cursor[0])}, ${p.add(cursor[1])}::uuid)`;
}

const notFoundAt = (level: string, zh: string) => notFound('catalog.not_found', `${zh}不存在或无权查看`, `${level} not found`);

export async function listRepositories(q: Queryable, scope: ReadScope, args: PageArgs): Promise<Page<RepositoryView>> {
  const p = new SqlParams();
  const cursor = decodeCursor(args.after, 2);
  const rows = await q.query<RepositoryView>(
    `SELECT r.id, r.code, r.name, r.level, r.region_code AS "regionCode",
            (SELECT g.name FROM region g WHERE g.code = r.region_code ORDER BY g.valid_from DESC LIMIT 1) AS "regionName",
            r.parent_id AS "parentId"
       FROM repository r
      WHERE ${repoFilter(scope, p, 'r.id')} AND ${after2(p, ['r.code', 'r.id'], cursor)}
      ORDER BY r.code, r.id LIMIT ${p.add(args.limit + 1)}`,
    p.values,
  );
  return page(rows, args.limit, (r) => [r.code, r.id]);
}

const PROJECT_COLUMNS = `pr.id, pr.repository_id AS "repositoryId", pr.project_code AS "projectCode", pr.name,
  pr.project_type AS "projectType", pr.builder_name AS "builderName", pr.builder_uscc AS "builderUscc",
  pr.region_code AS "regionCode", pr.address,
  (SELECT count(*) FROM building b WHERE b.project_id = pr.id) AS "buildingCount",
  (SELECT count(*) FROM unit_project u WHERE u.project_id = pr.id) AS "unitProjectCount"`;

export async function listProjects(q: Queryable, scope: ReadScope, repositoryId: string, args: PageArgs): Promise<Page<ProjectView>> {
  const p = new SqlParams();
  const cursor = decodeCursor(args.after, 2);
  const rows = await q.query<ProjectView>(
    `SELECT ${PROJECT_COLUMNS} FROM project pr
      WHERE pr.repository_id = ${p.add(repositoryId)} AND ${projectFilter(scope, p, 'pr')}
        AND ${after2(p, ['pr.project_code', 'pr.id'], cursor)}
      ORDER BY pr.project_code, pr.id LIMIT ${p.add(args.limit + 1)}`,
    p.values,
  );
  return page(rows, args.limit, (r) => [r.projectCode, r.id]);
}

export async function getProject(q: Queryable, scope: ReadScope, id: string): Promise<ProjectView> {
  const p = new SqlParams();
  const [row] = await q.query<ProjectView>(
    `SELECT ${PROJECT_COLUMNS} FROM project pr WHERE pr.id = ${p.add(id)} AND ${projectFilter(scope, p, 'pr')}`,
    p.values,
  );
  if (!row) throw notFoundAt('project', '项目');
  return row;
}

type BuildingRow = Omit<BuildingView, 'location'> & { lon: number | null; lat: number | null };
const toBuilding = ({ lon, lat, ...b }: BuildingRow): BuildingView => ({ ...b, location: lon === null || lat === null ? null : { lon, lat } });

/** Buildings of a project the caller may see (visibility is the project's). */
export async function listBuildings(q: Queryable, scope: ReadScope, projectId: string, args: PageArgs): Promise<Page<BuildingView>> {
  await getProject(q, scope, projectId);
  const p = new SqlParams();
  const cursor = decodeCursor(args.after, 2);
  const rows = await q.query<BuildingRow>(
    `SELECT b.id, b.project_id AS "projectId", b.building_code AS "buildingCode", b.name, b.address, b.lon, b.lat
       FROM building b WHERE b.project_id = ${p.add(projectId)} AND ${after2(p, ['b.building_code', 'b.id'], cursor)}
      ORDER BY b.building_code, b.id LIMIT ${p.add(args.limit + 1)}`,
    p.values,
  );
  return page(rows.map(toBuilding), args.limit, (r) => [r.buildingCode, r.id]);
}

function unitProjectColumns(scope: ReadScope, p: SqlParams): string {
  return `u.id, u.project_id AS "projectId", u.building_id AS "buildingId", u.code, u.name,
    (SELECT count(*) FROM volume v WHERE v.unit_project_id = u.id AND ${volumeFilter(scope, p, 'v')}) AS "volumeCount"`;
}

export async function listUnitProjects(q: Queryable, scope: ReadScope, projectId: string, args: PageArgs): Promise<Page<UnitProjectView>> {
  await getProject(q, scope, projectId);
  const p = new SqlParams();
  const cursor = decodeCursor(args.after, 2);
  const rows = await q.query<UnitProjectView>(
    `SELECT ${unitProjectColumns(scope, p)} FROM unit_project u
      WHERE u.project_id = ${p.add(projectId)} AND ${after2(p, ['u.code', 'u.id'], cursor)}
      ORDER BY u.code, u.id LIMIT ${p.add(args.limit + 1)}`,
    p.values,
  );
  return page(rows, args.limit, (r) => [r.code, r.id]);
}

export async function getUnitProject(
  q: Queryable,
  scope: ReadScope,
  id: string,
): Promise<{ unitProject: UnitProjectView; project: { id: string; name: string; repositoryId: string } }> {
  const p = new SqlParams();
  const [row] = await q.query<UnitProjectView & { projectName: string; repositoryId: string }>(
    `SELECT ${unitProjectColumns(scope, p)}, pr.name AS "projectName", pr.repository_id AS "repositoryId"
       FROM unit_project u JOIN project pr ON pr.id = u.project_id
      WHERE u.id = ${p.add(id)} AND ${projectFilter(scope, p, 'pr')}`,
    p.values,
  );
  if (!row) throw notFoundAt('unit project', '单位工程');
  const { projectName, repositoryId, ...unitProject } = row;
  return { unitProject, project: { id: row.projectId, name: projectName, repositoryId } };
}

const VOLUME_COLUMNS = `v.id, v.unit_project_id AS "unitProjectId", v.archival_code AS "archivalCode", v.title, v.category,
  v.subclass, v.year, v.retention, v.classification, v.access,
  (SELECT count(*) FROM record r WHERE r.volume_id = v.id) AS "recordCount"`;

export async function listVolumes(q: Queryable, scope: ReadScope, unitProjectId: string, args: PageArgs): Promise<Page<VolumeView>> {
  await getUnitProject(q, scope, unitProjectId);
  const p = new SqlParams();
  const cursor = decodeCursor(args.after, 2);
  const rows = await q.query<VolumeView>(
    `SELECT ${VOLUME_COLUMNS} FROM volume v
      WHERE v.unit_project_id = ${p.add(unitProjectId)} AND ${volumeFilter(scope, p, 'v')}
        AND ${after2(p, ['v.archival_code', 'v.id'], cursor)}
      ORDER BY v.archival_code, v.id LIMIT ${p.add(args.limit + 1)}`,
    p.values,
  );
  return page(rows, args.limit, (r) => [r.archivalCode, r.id]);
}

export type VolumeDetail = {
  volume: VolumeView;
  unitProject: { id: string; name: string };
  project: { id: string; name: string; repositoryId: string };
};

export async function getVolume(q: Queryable, scope: ReadScope, id: string): Promise<VolumeDetail> {
  const p = new SqlParams();
  const [row] = await q.query<VolumeView & { upName: string; projectId: string; projectName: string; repositoryId: string }>(
    `SELECT ${VOLUME_COLUMNS}, u.name AS "upName", pr.id AS "projectId", pr.name AS "projectName", pr.repository_id AS "repositoryId"
       FROM volume v JOIN unit_project u ON u.id = v.unit_project_id JOIN project pr ON pr.id = v.project_id
      WHERE v.id = ${p.add(id)} AND ${volumeFilter(scope, p, 'v')}`,
    p.values,
  );
  if (!row) throw notFoundAt('volume', '案卷');
  const { upName, projectId, projectName, repositoryId, ...volume } = row;
  return { volume, unitProject: { id: volume.unitProjectId, name: upName }, project: { id: projectId, name: projectName, repositoryId } };
}

/** The components of record `r` as a JSON array, in their order. */
const COMPONENTS_OF_R = `COALESCE((SELECT json_agg(json_build_object('id', c.id, 'fileName', c.file_name, 'size', c.size,
    'format', c.format, 'sha256', c.sha256, 'sm3', c.sm3) ORDER BY c.seq) FROM component c WHERE c.record_id = r.id), '[]'::json) AS components`;

export async function listRecords(q: Queryable, scope: ReadScope, volumeId: string, args: PageArgs): Promise<Page<RecordView>> {
  await getVolume(q, scope, volumeId);
  const p = new SqlParams();
  const cursor = decodeCursor(args.after, 2);
  const cursorSql = cursor ? `(r.seq, r.id) > (${p.add(Number(cursor[0]))}::int, ${p.add(cursor[1])}::uuid)` : 'TRUE';
  const rows = await q.query<RecordView>(
    `SELECT r.id, r.volume_id AS "volumeId", r.seq, r.title, r.author, r.doc_date AS date, r.doc_number AS "docNumber",
            r.pages, r.category, r.subclass, r.origin,
            ${COMPONENTS_OF_R}
       FROM record r WHERE r.volume_id = ${p.add(volumeId)} AND ${cursorSql}
      ORDER BY r.seq, r.id LIMIT ${p.add(args.limit + 1)}`,
    p.values,
  );
  return page(rows, args.limit, (r) => [r.seq, r.id]);
}

export type ProjectRecordView = RecordView & { archivalCode: string };

/**
 * Every record under a project, in hierarchy order, by materialised-path prefix (one index range scan,
 * no recursion); visibility is still decided per volume, inside the query.
 */
export async function listProjectRecords(q: Queryable, scope: ReadScope, projectId: string, args: PageArgs): Promise<Page<ProjectRecordView>> {
  await getProject(q, scope, projectId);
  const p = new SqlParams();
  const cursor = decodeCursor(args.after, 1);
  const rows = await q.query<ProjectRecordView & { path: string }>(
    `SELECT r.id, r.volume_id AS "volumeId", v.archival_code AS "archivalCode", r.seq, r.title, r.author, r.doc_date AS date,
            r.doc_number AS "docNumber", r.pages, r.category, r.subclass, r.origin, r.path,
            ${COMPONENTS_OF_R}
       FROM project pr JOIN record r ON r.path LIKE pr.path || '%' JOIN volume v ON v.id = r.volume_id
      WHERE pr.id = ${p.add(projectId)} AND ${volumeFilter(scope, p, 'v')}
        AND ${cursor ? `r.path > ${p.add(cursor[0])}` : 'TRUE'}
      ORDER BY r.path LIMIT ${p.add(args.limit + 1)}`,
    p.values,
  );
  const out = page(rows, args.limit, (r) => [r.path]);
  return { items: out.items.map(({ path: _p, ...r }) => r), next: out.next };
}

export type ComponentLocation = ComponentView & { storageKey: string; repositoryId: string };

/** A component's stored object, only if the caller may see the volume that holds it. */
export async function getComponent(q: Queryable, scope: ReadScope, id: string): Promise<ComponentLocation> {
  const p = new SqlParams();
  const [row] = await q.query<ComponentLocation>(
    `SELECT c.id, c.file_name AS "fileName", c.size, c.format, c.sha256, c.sm3, c.storage_key AS "storageKey",
            c.repository_id AS "repositoryId"
       FROM component c JOIN record r ON r.id = c.record_id JOIN volume v ON v.id = r.volume_id
      WHERE c.id = ${p.add(id)} AND ${volumeFilter(scope, p, 'v')}`,
    p.values,
  );
  if (!row) throw notFoundAt('component', '电子文件');
  return row;
}
