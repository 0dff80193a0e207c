import { z } from 'zod';
import {
  buildArchivalCode,
  compileArchivalCodeRule,
  isValidRegionCode,
  parseBuildingCode,
  parseProjectCode,
  parseUscc,
  type CodeResult,
} from '../codes/index.ts';
import { actorName, canWriteCatalog, readScope, type Actor } from '../identity/index.ts';
import type { Tx } from '../platform/db.ts';
import { badRequest, forbidden, notFound } from '../platform/errors.ts';
import { uuidv7 } from '../platform/ids.ts';
import { appendEvent } from '../preservation/index.ts';
import { getProject, getUnitProject, getVolume } from './queries.ts';

/** A national code that does not parse is a 400 naming the field, with the code module's issues as details. */
function requireCode<T>(result: CodeResult<T>, field: string, zh: string): T {
  if (!result.ok) throw badRequest(`catalog.invalid_${field}`, `${zh}无效`, `invalid ${field}`, result.issues);
  return result.value;
}

/** Writes go to your own repository only; a parent you cannot even read is "not found", not "forbidden". */
function requireWrite(actor: Actor, repositoryId: string): void {
  if (!canWriteCatalog(actor, repositoryId)) {
    throw forbidden('auth.cross_repository', '只能修改本馆的档案', 'you can only change records of your own repository');
  }
}

/** An open volume is public by definition, so it cannot also carry a 密级. */
const requireOpenUnclassified = (access: string, classification: string) => {
  if (access === 'open' && classification !== 'none') throw badRequest('catalog.open_classified', '涉密案卷不能开放', 'a classified volume cannot be open');
};

const categoryOf = (subclass: string | null | undefined, category: string) => {
  if (subclass && subclass[0] !== category) throw badRequest('catalog.subclass_mismatch', '小类与门类不一致', 'sub-class does not belong to the category');
};

export const NewRepository = z.object({
  code: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
  name: z.string().trim().min(1).max(200),
  level: z.enum(['city', 'county']),
  regionCode: z.string().regex(/^\d{6}$/),
  parentId: z.uuid().nullable(),
  archivalCodeRule: z.string().min(1).max(200),
});

export async function createRepository(tx: Tx, actor: Actor, input: z.infer<typeof NewRepository>): Promise<{ id: string }> {
  if (actor.kind !== 'system') throw forbidden('auth.forbidden', '仅系统可新建档案馆', 'only the system may add repositories');
  if (!isValidRegionCode(input.regionCode)) throw badRequest('catalog.invalid_region_code', '行政区划代码无效', 'unknown administrative region code');
  requireCode(compileArchivalCodeRule(input.archivalCodeRule), 'archival_code_rule', '档号规则');
  const id = uuidv7();
  let path = `/${id}/`;
  if (input.parentId) {
    const [parent] = await tx.query<{ path: string; level: string }>('SELECT path, level FROM repository WHERE id = $1', [input.parentId]);
    if (!parent || parent.level !== 'city') throw badRequest('catalog.invalid_parent', '上级档案馆须为市级馆', 'the parent must be a city repository');
    path = `${parent.path}${id}/`;
  }
  await tx.query(
    `INSERT INTO repository (id, code, name, level, region_code, parent_id, path, archival_code_rule)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, input.code, input.name, input.level, input.regionCode, input.parentId, path, input.archivalCodeRule],
  );
  // 全宗: optional in 城建 practice, so every repository starts with one default fonds named after it.
  const fondsId = uuidv7();
  await tx.query('INSERT INTO fonds (id, repository_id, code, name) VALUES ($1, $2, $3, $4)', [fondsId, id, input.code, input.name]);
  await appendEvent(tx, { actor: actorName(actor), action: 'catalog.repository.created', subject: `repository:${id}`, repositoryId: id, data: { ...input, fondsId } });
  return { id };
}

export const NewProject = z.object({
  projectCode: z.string().trim().min(1).max(40),
  name: z.string().trim().min(1).max(300),
  projectType: z.enum(['building', 'municipal']),
  builderName: z.string().trim().min(1).max(200),
  builderUscc: z.string().trim().min(1).max(40),
  regionCode: z.string().regex(/^\d{6}$/),
  address: z.string().trim().max(300).default(''),
});

export async function createProject(tx: Tx, actor: Actor, repositoryId: string, input: z.infer<typeof NewProject>): Promise<{ id: string }> {
  const [repo] = await tx.query<{ path: string; fonds_id: string | null }>(
    'SELECT r.path, (SELECT f.id FROM fonds f WHERE f.repository_id = r.id ORDER BY f.id LIMIT 1) AS fonds_id FROM repository r WHERE r.id = $1',
    [repositoryId],
  );
  const scope = readScope(actor);
  if (!repo || (scope.repositoryIds !== 'any' && !scope.repositoryIds.includes(repositoryId))) {
    throw notFound('catalog.not_found', '档案馆不存在或无权查看', 'repository not found');
  }
  requireWrite(actor, repositoryId);
  const code = requireCode(parseProjectCode(input.projectCode), 'project_code', '项目代码');
  const uscc = requireCode(parseUscc(input.builderUscc), 'uscc', '统一社会信用代码');
  if (!isValidRegionCode(input.regionCode)) throw badRequest('catalog.invalid_region_code', '行政区划代码无效', 'unknown administrative region code');
  const id = uuidv7();
  await tx.query(
    `INSERT INTO project (id, repository_id, fonds_id, project_code, name, project_type, builder_name, builder_uscc, region_code, address, path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, repositoryId, repo.fonds_id, code.code, input.name, input.projectType, input.builderName, uscc.code, input.regionCode, input.address, `${repo.path}${id}/`],
  );
  await appendEvent(tx, {
    actor: actorName(actor), action: 'catalog.project.created', subject: `project:${id}`, repositoryId,
    data: { ...input, projectCode: code.code, builderUscc: uscc.code },
  });
  return { id };
}

export const NewBuilding = z.object({
  buildingCode: z.string().trim().min(1).max(40),
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().max(300).default(''),
  location: z.object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).nullable().default(null),
});

export async function createBuilding(tx: Tx, actor: Actor, projectId: string, input: z.infer<typeof NewBuilding>): Promise<{ id: string }> {
  const project = await getProject(tx, readScope(actor), projectId);
  requireWrite(actor, project.repositoryId);
  const code = requireCode(parseBuildingCode(input.buildingCode), 'building_code', '房屋建筑统一编码');
  const [parent] = await tx.query<{ path: string }>('SELECT path FROM project WHERE id = $1', [projectId]);
  const id = uuidv7();
  await tx.query(
    `INSERT INTO building (id, repository_id, project_id, building_code, name, address, lon, lat, path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, project.repositoryId, projectId, code.code, input.name, input.address, input.location?.lon ?? null, input.location?.lat ?? null, `${parent!.path}${id}/`],
  );
  await appendEvent(tx, { actor: actorName(actor), action: 'catalog.building.created', subject: `building:${id}`, repositoryId: project.repositoryId, data: { projectId, ...input, buildingCode: code.code } });
  return { id };
}

export const NewUnitProject = z.object({
  code: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  buildingId: z.uuid().nullable().default(null),
});

export async function createUnitProject(tx: Tx, actor: Actor, projectId: string, input: z.infer<typeof NewUnitProject>): Promise<{ id: string }> {
  const project = await getProject(tx, readScope(actor), projectId);
  requireWrite(actor, project.repositoryId);
  if (input.buildingId) {
    const [b] = await tx.query('SELECT 1 FROM building WHERE id = $1 AND project_id = $2', [input.buildingId, projectId]);
    if (!b) throw badRequest('catalog.invalid_building', '建筑单体不属于该项目', 'the building does not belong to this project');
  }
  const [parent] = await tx.query<{ path: string }>('SELECT path FROM project WHERE id = $1', [projectId]);
  const id = uuidv7();
  await tx.query(
    'INSERT INTO unit_project (id, repository_id, project_id, building_id, code, name, path) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [id, project.repositoryId, projectId, input.buildingId, input.code, input.name, `${parent!.path}${id}/`],
  );
  await appendEvent(tx, { actor: actorName(actor), action: 'catalog.unit_project.created', subject: `unit_project:${id}`, repositoryId: project.repositoryId, data: { projectId, ...input } });
  return { id };
}

export const NewVolume = z.object({
  archivalCode: z.string().trim().min(1).max(100).optional(),
  title: z.string().trim().min(1).max(500),
  category: z.enum(['A', 'B', 'C', 'D', 'E']),
  subclass: z.string().regex(/^[A-E]\d{1,2}$/).nullable().default(null),
  year: z.number().int().min(1900).max(2200),
  retention: z.enum(['permanent', 'long', 'short']),
  classification: z.enum(['none', 'internal', 'confidential', 'secret']).default('none'),
  access: z.enum(['open', 'restricted']).default('restricted'),
});

export async function createVolume(tx: Tx, actor: Actor, unitProjectId: string, input: z.infer<typeof NewVolume>): Promise<{ id: string; archivalCode: string }> {
  const { unitProject, project } = await getUnitProject(tx, readScope(actor), unitProjectId);
  requireWrite(actor, project.repositoryId);
  categoryOf(input.subclass, input.category);
  requireOpenUnclassified(input.access, input.classification);
  const archivalCode = input.archivalCode ?? (await nextArchivalCode(tx, unitProjectId, input));
  const [parent] = await tx.query<{ path: string }>('SELECT path FROM unit_project WHERE id = $1', [unitProjectId]);
  const id = uuidv7();
  await tx.query(
    `INSERT INTO volume (id, repository_id, project_id, unit_project_id, archival_code, title, category, subclass, year,
                         retention, classification, access, path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [id, project.repositoryId, project.id, unitProject.id, archivalCode, input.title, input.category, input.subclass, input.year,
      input.retention, input.classification, input.access, `${parent!.path}${id}/`],
  );
  await appendEvent(tx, { actor: actorName(actor), action: 'catalog.volume.created', subject: `volume:${id}`, repositoryId: project.repositoryId, data: { unitProjectId, ...input, archivalCode } });
  return { id, archivalCode };
}

/** 档号 from the repository's own rule; the sequence numbers are counted inside the caller's transaction. */
async function nextArchivalCode(tx: Tx, unitProjectId: string, input: z.infer<typeof NewVolume>): Promise<string> {
  // Sequences follow creation order (uuidv7 ids), so a later project never renumbers an earlier one.
    const [ctx] = await tx.query<{ rule: string; repo_code: string; project_code: string; project_seq: number; unit_seq: number; volume_seq: number }>(
      `SELECT r.archival_code_rule AS rule, r.code AS repo_code, pr.project_code,
              (SELECT count(*) FROM project x WHERE x.repository_id = r.id AND x.id <= pr.id) AS project_seq,
              (SELECT count(*) FROM unit_project x WHERE x.project_id = pr.id AND x.id <= u.id) AS unit_seq,
              (SELECT count(*) + 1 FROM volume x WHERE x.project_id = pr.id AND x.category = $2) AS volume_seq
         FROM unit_project u JOIN project pr ON pr.id = u.project_id JOIN repository r ON r.id = pr.repository_id
        WHERE u.id = $1 FOR UPDATE OF pr`,
      [unitProjectId, input.category],
    );
    const rule = requireCode(compileArchivalCodeRule(ctx!.rule), 'archival_code_rule', '档号规则');
    return requireCode(
      buildArchivalCode(rule, {
        repository: ctx!.repo_code,
        fonds: ctx!.repo_code,
        category: input.subclass ?? input.category,
        year: input.year,
        projectSeq: ctx!.project_seq,
        unitSeq: ctx!.unit_seq,
        volumeSeq: ctx!.volume_seq,
        projectCode: ctx!.project_code,
      }),
      'archival_code',
      '档号',
    );
}

export const VolumeAccessChange = z.object({
  access: z.enum(['open', 'restricted']),
  classification: z.enum(['none', 'internal', 'confidential', 'secret']),
  reason: z.string().trim().min(1).max(500),
});

/** 开放/控制使用 and 密级 changes are appraisal decisions: always with a reason, always in the chain. */
export async function changeVolumeAccess(tx: Tx, actor: Actor, volumeId: string, input: z.infer<typeof VolumeAccessChange>): Promise<void> {
  const { volume, project } = await getVolume(tx, readScope(actor), volumeId);
  requireWrite(actor, project.repositoryId);
  requireOpenUnclassified(input.access, input.classification);
  await tx.query('UPDATE volume SET access = $2, classification = $3 WHERE id = $1', [volumeId, input.access, input.classification]);
  await appendEvent(tx, {
    actor: actorName(actor), action: 'catalog.volume.access_changed', subject: `volume:${volumeId}`, repositoryId: project.repositoryId,
    data: { from: { access: volume.access, classification: volume.classification }, to: { access: input.access, classification: input.classification }, reason: input.reason },
  });
}

export const NewRecord = z.object({
  seq: z.number().int().min(1).max(100000).optional(),
  title: z.string().trim().min(1).max(500),
  author: z.string().trim().max(200).default(''),
  date: z.iso.date().nullable().default(null),
  docNumber: z.string().trim().max(100).default(''),
  pages: z.number().int().min(0).max(100000).default(0),
  subclass: z.string().regex(/^[A-E]\d{1,2}$/).nullable().default(null),
  origin: z.enum(['born-digital', 'digitised']).default('born-digital'),
});

export type NewComponent = { fileName: string; format: string; size: number; sha256: string; sha512: string; sm3: string; storageKey: string };

export async function createRecord(
  tx: Tx,
  actor: Actor,
  volumeId: string,
  input: z.infer<typeof NewRecord>,
  components: NewComponent[] = [],
): Promise<{ id: string; seq: number }> {
  const { volume, project } = await getVolume(tx, readScope(actor), volumeId);
  requireWrite(actor, project.repositoryId);
  categoryOf(input.subclass, volume.category);
  const [parent] = await tx.query<{ path: string }>('SELECT path FROM volume WHERE id = $1 FOR UPDATE', [volumeId]);
  const [next] = await tx.query<{ seq: number }>('SELECT COALESCE(max(seq), 0) + 1 AS seq FROM record WHERE volume_id = $1', [volumeId]);
  const seq = input.seq ?? next!.seq;
  const id = uuidv7();
  await tx.query(
    `INSERT INTO record (id, repository_id, volume_id, seq, title, author, doc_date, doc_number, pages, category, subclass, origin, path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [id, project.repositoryId, volumeId, seq, input.title, input.author, input.date, input.docNumber, input.pages, volume.category, input.subclass, input.origin, `${parent!.path}${id}/`],
  );
  let n = 0;
  for (const c of components) {
    const fileName = c.fileName.normalize('NFC'); // names kept as given, only NFC-normalised
    await tx.query(
      `INSERT INTO component (id, repository_id, record_id, seq, file_name, size, format, sha256, sha512, sm3, storage_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [uuidv7(), project.repositoryId, id, ++n, fileName, c.size, c.format, c.sha256, c.sha512, c.sm3, c.storageKey],
    );
  }
  await appendEvent(tx, {
    actor: actorName(actor), action: 'catalog.record.created', subject: `record:${id}`, repositoryId: project.repositoryId,
    data: { volumeId, ...input, seq, components: components.map((c) => ({ fileName: c.fileName.normalize('NFC'), size: c.size, sm3: c.sm3, sha256: c.sha256 })) },
  });
  return { id, seq };
}

