import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Queryable, Tx } from '../platform/db.ts';
import { decodeCursor, page } from '../platform/http/paging.ts';
import { uuidv7 } from '../platform/ids.ts';
import { projectRoot } from '../platform/paths.ts';
import { csvObjects } from './csv.ts';

export const BASELINE_NAME = 'DA/T 46-2009 baseline + 城建 construction profile';

export type MetadataElement = {
  level: string;
  code: string;
  number: string;
  nameZh: string;
  parent: string;
  dataType: string;
  length: number | null;
  valueDomain: string;
  obligation: 'required' | 'conditional' | 'optional';
  repeatable: boolean;
  definition: string;
  source: string;
  confidence: string;
};

export const MetadataElementView = z.object({
  level: z.string(),
  code: z.string(),
  number: z.string(),
  nameZh: z.string(),
  parent: z.string(),
  dataType: z.string(),
  length: z.number().nullable(),
  valueDomain: z.string(),
  obligation: z.enum(['required', 'conditional', 'optional']),
  repeatable: z.boolean(),
  definition: z.string(),
  source: z.string(),
  confidence: z.string(),
});

const OBLIGATION: Record<string, MetadataElement['obligation']> = { 必选: 'required', 条件选: 'conditional', 可选: 'optional', '': 'optional' };

/** xs:* types of the DA/T 48 schema → our element data types. */
function dataType(xs: string): string {
  if (xs.startsWith('container')) return 'container';
  if (xs.includes('(enumeration)')) return 'enum';
  if (xs.startsWith('xs:positiveInteger') || xs === 'integer') return 'integer';
  if (xs.startsWith('xs:gYear')) return 'year';
  if (xs.startsWith('xs:dateTime')) return 'datetime';
  if (xs.startsWith('xs:base64Binary')) return 'binary';
  if (xs.startsWith('xs:anyURI')) return 'uri';
  if (xs.startsWith('xs:ID')) return 'id';
  return 'string';
}

/** The standards research file (DA/T 46 88 elements, DA/T 48 package elements, per-level practice items). */
export async function baselineElements(): Promise<MetadataElement[]> {
  const text = await readFile(join(projectRoot(), 'src/catalog/baseline-metadata-elements.csv'), 'utf8');
  return csvObjects(text).map((r) => {
    const m = /^(.+?) \((.+)\)$/.exec(r.name ?? '');
    const nameZh = m ? m[1]! : (r.name ?? '');
    return {
      level: r.entity_or_level ?? '',
      code: m ? m[2]! : r.number || nameZh,
      number: r.number ?? '',
      nameZh,
      parent: r.parent ?? '',
      dataType: dataType(r.type ?? ''),
      length: r.length ? Number(r.length) : null,
      valueDomain: r.value_domain ?? '',
      obligation: OBLIGATION[r.obligation ?? ''] ?? 'optional',
      repeatable: r.repeatable === '可重复',
      definition: r.definition ?? '',
      source: `${r.scheme}; ${r.source ?? ''}`,
      confidence: r.confidence ?? '',
    };
  });
}

const own = (level: string, code: string, nameZh: string, dt: string, obligation: MetadataElement['obligation'], valueDomain = '', length: number | null = null): MetadataElement => ({
  level, code, number: '', nameZh, parent: '', dataType: dt, length, valueDomain, obligation, repeatable: false,
  definition: '', source: 'PROPOSED: Dangan construction profile (GB/T 50328 / GB/T 50323 stand-in; CJJ/T 187 not found)', confidence: '❓',
});

/**
 * Construction elements Dangan validates with the national-code rules (`codes/`). Proposed, not from a
 * verified standard text: their names are prefixed `dg` so they never collide with a standard's codes.
 */
export const CONSTRUCTION_PROFILE: MetadataElement[] = [
  own('项目级', 'dgProjectCode', '项目代码', 'project-code', 'required', 'GB/T 40058-2021', 24),
  own('项目级', 'dgBuilderUscc', '建设单位统一社会信用代码', 'uscc', 'required', 'GB 32100-2015', 18),
  own('项目级', 'dgRegionCode', '行政区划代码', 'region-code', 'required', 'GB/T 2260', 6),
  own('项目级', 'dgPlanningPermitNo', '建设工程规划许可证号', 'string', 'conditional', '', 50),
  own('项目级', 'dgConstructionPermitNo', '施工许可证号', 'string', 'conditional', '', 50),
  own('项目级', 'dgCompletionDate', '竣工日期', 'date', 'optional'),
  own('单体级', 'dgBuildingCode', '房屋建筑统一编码', 'building-code', 'required', 'JGJ/T 496-2022', 23),
  own('单体级', 'dgLocation', '位置（WGS-84 经纬度）', 'wgs84-point', 'optional'),
  own('案卷级', 'dgArchivalCode', '档号', 'archival-code', 'required', 'per-repository rule', 100),
  own('案卷级', 'dgCategory', 'GB/T 50328 门类', 'enum', 'required', 'A | B | C | D | E'),
  own('案卷级', 'dgRetention', '保管期限', 'enum', 'required', '永久 | 长期 | 短期'),
  own('案卷级', 'dgClassification', '密级', 'enum', 'required', '无 | 内部 | 秘密 | 机密'),
  own('案卷级', 'dgAccess', '开放状态', 'enum', 'required', '开放 | 控制使用'),
  own('文件级', 'dgSeq', '序号', 'integer', 'required'),
  own('文件级', 'dgDocNumber', '文件编号', 'string', 'optional', '', 100),
  own('文件级', 'dgAuthor', '责任者', 'string', 'required', '', 200),
  own('文件级', 'dgTitle', '文件题名', 'string', 'required', '', 500),
  own('文件级', 'dgDate', '日期', 'date', 'required'),
  own('文件级', 'dgPages', '页次', 'integer', 'required'),
];

/** Seeds the shipped baseline scheme (version 1) once; a repository's own scheme is a later version or name. */
export async function seedBaselineScheme(tx: Tx): Promise<{ schemeId: string; elements: number; created: boolean }> {
  const [existing] = await tx.query<{ id: string; n: number }>(
    `SELECT s.id, (SELECT count(*) FROM metadata_element e WHERE e.scheme_id = s.id) AS n
       FROM metadata_scheme s WHERE s.repository_id IS NULL AND s.name = $1 AND s.version = 1`,
    [BASELINE_NAME],
  );
  if (existing) return { schemeId: existing.id, elements: existing.n, created: false };
  const id = uuidv7();
  await tx.query('INSERT INTO metadata_scheme (id, repository_id, name, version, description) VALUES ($1, NULL, $2, 1, $3)', [
    id, BASELINE_NAME, 'DA/T 46 elements, DA/T 48 package elements and per-level practice items, plus the proposed construction profile',
  ]);
  const all = [...(await baselineElements()), ...CONSTRUCTION_PROFILE];
  let ordinal = 0;
  for (const e of all) {
    await tx.query(
      `INSERT INTO metadata_element (scheme_id, ordinal, level, code, number, name_zh, parent, data_type, length, value_domain,
                                     obligation, repeatable, definition, source, confidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [id, ++ordinal, e.level, e.code, e.number, e.nameZh, e.parent, e.dataType, e.length, e.valueDomain, e.obligation, e.repeatable, e.definition, e.source, e.confidence],
    );
  }
  return { schemeId: id, elements: all.length, created: true };
}

export async function listElements(q: Queryable, args: { limit: number; after?: string | undefined; level?: string | undefined }) {
  const cursor = decodeCursor(args.after, 1);
  const rows = await q.query<MetadataElement & { ordinal: number }>(
    `SELECT e.ordinal, e.level, e.code, e.number, e.name_zh AS "nameZh", e.parent, e.data_type AS "dataType", e.length,
            e.value_domain AS "valueDomain", e.obligation, e.repeatable, e.definition, e.source, e.confidence
       FROM metadata_element e JOIN metadata_scheme s ON s.id = e.scheme_id
      WHERE s.repository_id IS NULL AND s.name = $1 AND s.version = 1
        AND ($2::text IS NULL OR e.level = $2) AND e.ordinal > $3
      ORDER BY e.ordinal LIMIT $4`,
    [BASELINE_NAME, args.level ?? null, cursor ? Number(cursor[0]) : 0, args.limit + 1],
  );
  const p = page(rows, args.limit, (r) => [r.ordinal]);
  return { items: p.items.map(({ ordinal: _o, ...e }) => e), next: p.next };
}
