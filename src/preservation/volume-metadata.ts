import type { Queryable } from '../platform/db.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * What an archival package says about its volume, readable without Dangan: `metadata/volume.json`
 * (machine-readable) and `metadata/volume.xml` (Chinese element names in the DA/T 48 manner), plus
 * `metadata/events.json` (the chain events about the volume, its records and components).
 */
export type PackageComponent = { id: string; seq: number; fileName: string; size: number; format: string; sha256: string; sha512: string; sm3: string; storageKey: string };
export type PackageRecord = {
  id: string; seq: number; title: string; author: string; date: string | null; docNumber: string; pages: number;
  category: string; subclass: string | null; origin: string; components: PackageComponent[];
};
export type PackageVolume = {
  id: string; archivalCode: string; title: string; category: string; subclass: string | null; year: number;
  retention: string; classification: string; access: string;
  repository: { id: string; code: string; name: string; regionCode: string };
  project: { id: string; projectCode: string; name: string; builderName: string; builderUscc: string; address: string };
  unitProject: { id: string; code: string; name: string; buildingCode: string | null };
  records: PackageRecord[];
};

export async function loadPackageVolume(q: Queryable, volumeId: string): Promise<PackageVolume | undefined> {
  const [v] = await q.query<Omit<PackageVolume, 'records'>>(
    `SELECT v.id, v.archival_code AS "archivalCode", v.title, v.category, v.subclass, v.year, v.retention, v.classification, v.access,
            json_build_object('id', r.id, 'code', r.code, 'name', r.name, 'regionCode', r.region_code) AS repository,
            json_build_object('id', p.id, 'projectCode', p.project_code, 'name', p.name, 'builderName', p.builder_name,
                              'builderUscc', p.builder_uscc, 'address', p.address) AS project,
            json_build_object('id', u.id, 'code', u.code, 'name', u.name, 'buildingCode', b.building_code) AS "unitProject"
       FROM volume v JOIN repository r ON r.id = v.repository_id JOIN project p ON p.id = v.project_id
       JOIN unit_project u ON u.id = v.unit_project_id LEFT JOIN building b ON b.id = u.building_id
      WHERE v.id = $1`,
    [volumeId],
  );
  if (!v) return undefined;
  const records = await q.query<PackageRecord>(
    `SELECT r.id, r.seq, r.title, r.author, r.doc_date AS date, r.doc_number AS "docNumber", r.pages, r.category, r.subclass, r.origin,
            COALESCE((SELECT json_agg(json_build_object('id', c.id, 'seq', c.seq, 'fileName', c.file_name, 'size', c.size, 'format', c.format,
                       'sha256', c.sha256, 'sha512', c.sha512, 'sm3', c.sm3, 'storageKey', c.storage_key) ORDER BY c.seq)
                      FROM component c WHERE c.record_id = r.id), '[]'::json) AS components
       FROM record r WHERE r.volume_id = $1 ORDER BY r.seq`,
    [volumeId],
  );
  return { ...v, records };
}

/** Logical path of a component in the package: records in order, names as given (NFC). */
export const componentPath = (r: PackageRecord, c: PackageComponent) =>
  `records/${String(r.seq).padStart(3, '0')}/${c.fileName.normalize('NFC')}`;

export function volumeJson(v: PackageVolume): string {
  const strip = {
    ...v,
    records: v.records.map((r) => ({ ...r, components: r.components.map(({ storageKey: _k, ...c }) => ({ ...c, path: componentPath(r, c as PackageComponent) })) })),
  };
  return `${JSON.stringify(JSON.parse(canonicalJson(strip)), null, 2)}\n`;
}

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
  // XML 1.0 cannot carry most control characters at all: drop them rather than write an unreadable file.
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
const el = (name: string, value: string | number | null | undefined, indent: string) => (value === null || value === undefined || value === '' ? '' : `${indent}<${name}>${esc(String(value))}</${name}>\n`);

const RETENTION: Record<string, string> = { permanent: '永久', long: '长期', short: '短期' };
const CLASSIFICATION: Record<string, string> = { none: '无', internal: '内部', confidential: '秘密', secret: '机密' };

export function volumeXml(v: PackageVolume): string {
  let x = '<?xml version="1.0" encoding="UTF-8"?>\n<案卷 xmlns="urn:dangan:volume:1">\n';
  x += el('档号', v.archivalCode, '  ') + el('案卷题名', v.title, '  ') + el('门类', v.category, '  ') + el('小类', v.subclass, '  ');
  x += el('年度', v.year, '  ') + el('保管期限', RETENTION[v.retention] ?? v.retention, '  ') + el('密级', CLASSIFICATION[v.classification] ?? v.classification, '  ');
  x += el('开放状态', v.access === 'open' ? '开放' : '控制使用', '  ');
  x += `  <档案馆>\n${el('代号', v.repository.code, '    ')}${el('名称', v.repository.name, '    ')}${el('行政区划代码', v.repository.regionCode, '    ')}  </档案馆>\n`;
  x += `  <项目>\n${el('项目代码', v.project.projectCode, '    ')}${el('项目名称', v.project.name, '    ')}${el('建设单位', v.project.builderName, '    ')}${el('统一社会信用代码', v.project.builderUscc, '    ')}${el('地址', v.project.address, '    ')}  </项目>\n`;
  x += `  <单位工程>\n${el('编号', v.unitProject.code, '    ')}${el('名称', v.unitProject.name, '    ')}${el('房屋建筑统一编码', v.unitProject.buildingCode, '    ')}  </单位工程>\n`;
  for (const r of v.records) {
    x += `  <文件>\n${el('序号', r.seq, '    ')}${el('文件编号', r.docNumber, '    ')}${el('责任者', r.author, '    ')}${el('文件题名', r.title, '    ')}${el('日期', r.date, '    ')}${el('页数', r.pages, '    ')}${el('小类', r.subclass, '    ')}${el('来源', r.origin === 'digitised' ? '数字化' : '原生电子', '    ')}`;
    for (const c of r.components) {
      x += `    <电子文件>\n${el('文件名', c.fileName, '      ')}${el('路径', componentPath(r, c), '      ')}${el('格式', c.format, '      ')}${el('大小', c.size, '      ')}${el('SM3', c.sm3, '      ')}${el('SHA256', c.sha256, '      ')}    </电子文件>\n`;
    }
    x += '  </文件>\n';
  }
  return `${x}</案卷>\n`;
}

/** The chain events describing this volume and everything in it (catalog changes), in chain order. */
export async function volumeEventsJson(q: Queryable, v: PackageVolume): Promise<string> {
  const subjects = [`volume:${v.id}`, ...v.records.map((r) => `record:${r.id}`), ...v.records.flatMap((r) => r.components.map((c) => `component:${c.id}`))];
  const rows = await q.query<{ seq: number; at: Date; actor: string; action: string; subject: string; data: unknown; prev: string; hash: string }>(
    // The package's own preservation events (writes, replicas, audits) stay in the chain, not in the
    // package: otherwise every re-verification would change the package and force a new version.
    `SELECT seq, at, actor, action, subject, data, prev, hash FROM event
      WHERE subject = ANY($1) AND action NOT LIKE 'preservation.%' AND action <> 'fixity.checked' ORDER BY seq`,
    [subjects],
  );
  return `${JSON.stringify(rows.map((e) => ({ ...e, at: e.at.toISOString() })), null, 2)}\n`;
}
