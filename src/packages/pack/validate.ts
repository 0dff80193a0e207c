/**
 * Validates everything before a byte is written: the catalog workbook (project, unit projects, volumes,
 * 卷内目录 rows), the codes in it, and the source folder against the 文件 column (every file listed
 * exists, is a readable regular file, is listed once; every file in the folder is listed). Returns every
 * problem at once, and, when there is no error, the plan the writer follows.
 */
import { lstat, open } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import { parseBuildingCode, parseProjectCode, parseRegionCode, parseUscc, type CodeResult } from '../../codes/index.ts';
import {
  CATEGORIES, METADATA_PATH, RETENTIONS, SECRECY_LEVELS, SUBCLASS_PATTERN, payloadPath, recordFileName, segmentProblem,
  type Organization, type PackageProject, type PackageRecord, type PackageUnit, type PackageVolume,
} from '../format/index.ts';
import { PROJECT_FIELDS, readCatalog, SHEETS, TABLES, type CatalogRow, type ProjectFieldKey } from './catalog.ts';
import { RowReader } from './cells.ts';
import { PackProblems, type PackProblem, type Where } from './problems.ts';
import { cleanListedPath, isJunk, splitFiles, walkSource, type SourceEntry } from './source.ts';

/** Values that fill or override the 项目 sheet (e.g. from the command line). */
export type ProjectOverrides = Partial<Record<ProjectFieldKey, string>>;
export type CopyJob = { source: string; sourceRel: string; target: string; size: number };
export type PackPlan = { submitter: Organization; project: PackageProject; units: PackageUnit[]; jobs: CopyJob[]; records: number; bytes: number };
export type PlanResult = { plan?: PackPlan; problems: PackProblem[] };

const labelsOf = (sheet: keyof typeof TABLES): Record<string, string> => Object.fromEntries(TABLES[sheet].map((c) => [c.key, c.label]));
const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/** Runs `fn` over `items`, at most `n` at a time; after a failure no new item starts, and the first error is thrown once all running ones have ended. */
export async function eachLimited<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const run = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, run));
  const bad = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (bad) throw bad.reason;
}

function code<T>(problems: PackProblems, where: Where, what: string, r: CodeResult<T>): T | undefined {
  if (!r.ok) {
    // The building-code check table is unverified (codes/building-code.ts): a mismatch is only a warning.
    const soft = r.issues.every((i) => i.data?.checkTableVerified === false);
    problems.fromCode(where, what, r.issues, soft ? 'warning' : 'error');
    return undefined;
  }
  problems.fromCode(where, what, r.warnings, 'warning');
  return r.value;
}

function readProject(problems: PackProblems, sheet: Map<ProjectFieldKey, { value: unknown; row: number }>, over: ProjectOverrides): { project?: PackageProject; submitter?: Organization } {
  const v: Partial<Record<ProjectFieldKey, string>> = {};
  const at = (key: ProjectFieldKey): Where => {
    const f = PROJECT_FIELDS.find((x) => x.key === key)!;
    const row = sheet.get(key)?.row;
    return { sheet: SHEETS.project, column: f.label, ...(row === undefined ? {} : { row }) };
  };
  for (const f of PROJECT_FIELDS) {
    const cell = sheet.get(f.key)?.value;
    const value = over[f.key] ?? (cell === undefined ? undefined : String(cell).trim());
    if (value) v[f.key] = value;
    else if (f.required) problems.error('field-missing', at(f.key), `缺少“${f.label}”（A 列为字段名，B 列为值）`, `${f.label} is missing (field name in column A, value in column B)`);
  }
  const pc = v.code && code(problems, at('code'), '项目代码', parseProjectCode(v.code));
  const builderUscc = v.builderUscc && code(problems, at('builderUscc'), '建设单位统一社会信用代码', parseUscc(v.builderUscc));
  const region = v.regionCode && code(problems, at('regionCode'), '行政区划代码', parseRegionCode(v.regionCode));
  if (region && region.code.length !== 6) problems.error('value-invalid', at('regionCode'), '行政区划代码应为 6 位（县级）', 'the region code must have 6 digits (county level)');
  const subUscc = v.submitterUscc ? code(problems, at('submitterUscc'), '报送单位统一社会信用代码', parseUscc(v.submitterUscc)) : builderUscc;
  if (v.submitterUscc && !v.submitterName) problems.error('field-missing', at('submitterName'), '填写了报送单位统一社会信用代码，但缺少“报送单位”', 'a submitter USCC is given but 报送单位 is missing');
  if (!pc || !builderUscc || !region || !subUscc || !v.name || !v.builderName) return {};
  const project: PackageProject = { code: pc.code, name: v.name, builder: { name: v.builderName, uscc: builderUscc.code }, regionCode: region.code, ...(v.address ? { address: v.address } : {}) };
  return { project, submitter: { name: v.submitterName ?? v.builderName, uscc: subUscc.code } };
}

function segment(problems: PackProblems, where: Where, what: string, name: string | undefined): void {
  const bad = name === undefined ? undefined : segmentProblem(name);
  if (bad) problems.error('name-invalid', where, `${what}“${name}”不能用作文件夹名：${bad.zh}`, `${what} "${name}" cannot be a folder name: ${bad.en}`);
}

function readUnits(problems: PackProblems, rows: CatalogRow[]): Map<string, PackageUnit> {
  const units = new Map<string, PackageUnit>();
  const labels = labelsOf(SHEETS.units);
  for (const r of rows) {
    const rr = new RowReader(problems, SHEETS.units, r, labels);
    const number = rr.text('number', true);
    const name = rr.text('name', true);
    const bc = rr.text('buildingCode', false);
    segment(problems, rr.where('number'), '单位工程编号', number);
    const building = bc === undefined ? undefined : code(problems, rr.where('buildingCode'), '房屋建筑统一编码', parseBuildingCode(bc));
    if (number === undefined || name === undefined) continue;
    if (units.has(fold(number))) problems.error('duplicate', rr.where('number'), `单位工程编号“${number}”重复`, `unit project ${number} is listed twice`);
    else units.set(fold(number), { number, name, ...(building || bc ? { buildingCode: building?.code ?? bc!.toUpperCase() } : {}), volumes: [] });
  }
  if (units.size === 0) problems.error('no-records', { sheet: SHEETS.units }, '没有任何单位工程', 'there is no unit project');
  return units;
}

type VolumeEntry = { volume: PackageVolume; unit: PackageUnit; row: number; seqs: Map<number, number> };

function readVolumes(problems: PackProblems, rows: CatalogRow[], units: Map<string, PackageUnit>): Map<string, VolumeEntry> {
  const volumes = new Map<string, VolumeEntry>();
  const labels = labelsOf(SHEETS.volumes);
  for (const r of rows) {
    const rr = new RowReader(problems, SHEETS.volumes, r, labels);
    const key = rr.text('key', true);
    segment(problems, rr.where('key'), '案卷号', key);
    const unitNo = rr.text('unit', true);
    const unit = unitNo === undefined ? undefined : units.get(fold(unitNo));
    if (unitNo !== undefined && !unit) problems.error('unknown-reference', rr.where('unit'), `单位工程编号“${unitNo}”不在“${SHEETS.units}”表中`, `unit project ${unitNo} is not on the sheet ${SHEETS.units}`);
    const title = rr.text('title', true);
    const category = rr.oneOf('category', CATEGORIES);
    const subclass = rr.text('subclass', false)?.toUpperCase();
    if (subclass !== undefined && (!SUBCLASS_PATTERN.test(subclass) || (category && !subclass.startsWith(category)))) {
      problems.error('value-invalid', rr.where('subclass'), `子类“${subclass}”应为类别字母加数字（如 ${category ?? 'A'}1）`, `sub-class "${subclass}" must be the class letter and a number (e.g. ${category ?? 'A'}1)`);
    }
    const year = rr.int('year', true, 1900, 2100);
    const retention = rr.oneOf('retention', RETENTIONS);
    const secrecy = rr.oneOf('secrecy', SECRECY_LEVELS);
    const pages = rr.int('pages', false, 0, 1_000_000);
    const compiler = rr.text('compiler', false);
    const note = rr.text('note', false);
    if (key === undefined || !unit || !title || !category || year === undefined || !retention || !secrecy) continue;
    if (volumes.has(fold(key))) {
      problems.error('duplicate', rr.where('key'), `案卷号“${key}”重复（第 ${volumes.get(fold(key))!.row} 行已有）`, `volume ${key} is listed twice (also row ${volumes.get(fold(key))!.row})`);
      continue;
    }
    const volume: PackageVolume = {
      key, title, category, ...(subclass && SUBCLASS_PATTERN.test(subclass) ? { subclass } : {}), year, retention, secrecy,
      ...(pages === undefined ? {} : { pages }), ...(compiler ? { compiler } : {}), ...(note ? { note } : {}), records: [],
    };
    unit.volumes.push(volume);
    volumes.set(fold(key), { volume, unit, row: r.row, seqs: new Map() });
  }
  return volumes;
}

type Listed = { entry: SourceEntry; job: CopyJob; where: Where };

function readRecords(problems: PackProblems, rows: CatalogRow[], volumes: Map<string, VolumeEntry>, source: Map<string, SourceEntry>, projectCode: string, mentioned: Set<string>): Listed[] {
  const labels = labelsOf(SHEETS.records);
  const listed = new Map<string, Listed>();
  const targets = new Map<string, number>();
  const only = volumes.size === 1 ? [...volumes.values()][0] : undefined;
  const byFold = new Map([...source.keys()].map((k) => [fold(k), k]));
  for (const r of rows) {
    const rr = new RowReader(problems, SHEETS.records, r, labels);
    const volKey = rr.text('volume', !only);
    const ve = volKey === undefined ? only : volumes.get(fold(volKey));
    if (volKey !== undefined && !ve) problems.error('unknown-reference', rr.where('volume'), `案卷号“${volKey}”不在“${SHEETS.volumes}”表中`, `volume ${volKey} is not on the sheet ${SHEETS.volumes}`);
    const seq = rr.int('seq', true, 1, 99_999);
    if (seq !== undefined && ve) {
      const first = ve.seqs.get(seq);
      if (first !== undefined) problems.error('duplicate', rr.where('seq'), `案卷“${ve.volume.key}”中序号 ${seq} 重复（第 ${first} 行已有）`, `序号 ${seq} appears twice in volume ${ve.volume.key} (also row ${first})`);
      else ve.seqs.set(seq, r.row);
    }
    const fileNumber = rr.text('fileNumber', false);
    const responsible = rr.text('responsible', true);
    const title = rr.text('title', true);
    const date = rr.date('date', true);
    const pages = rr.pages('pages');
    const note = rr.text('note', false);
    const cell = rr.text('files', true);
    const files: PackageRecord['files'] = [];
    for (const typed of cell === undefined ? [] : splitFiles(cell)) {
      const where: Where = { ...rr.where('files'), file: typed };
      const rel = cleanListedPath(typed);
      if (rel === undefined) {
        problems.error('path-invalid', where, '文件路径应为源文件夹内的相对路径（不能是绝对路径或含“..”）', 'the file path must be relative to the source folder (not absolute, no "..")');
        continue;
      }
      const entry = source.get(rel);
      if (entry) mentioned.add(rel);
      if (!entry) {
        const near = byFold.get(fold(rel));
        problems.error('file-missing', where, `源文件夹中没有此文件${near ? `（是否为“${near}”？大小写不同）` : ''}`, `no such file in the source folder${near ? ` (did you mean "${near}"? the case differs)` : ''}`);
        continue;
      }
      if (entry.kind !== 'file') {
        problems.error('file-not-regular', where, '不是普通文件（符号链接、设备或其他）', 'not a regular file (a link, a device or other)');
        continue;
      }
      const before = listed.get(rel);
      if (before) {
        problems.error('file-listed-twice', where, `此文件已在第 ${before.where.row} 行列出`, `this file is already listed on row ${before.where.row}`);
        continue;
      }
      if (seq === undefined || !ve) continue;
      const name = recordFileName(seq, basename(rel));
      const bad = segmentProblem(name);
      if (bad) problems.error('name-invalid', where, `文件名“${name}”不可移植：${bad.zh}`, `the file name "${name}" is not portable: ${bad.en}`);
      const target = payloadPath(projectCode, ve.unit.number, ve.volume.key, name);
      const clash = targets.get(fold(target));
      if (clash !== undefined) problems.error('name-collision', where, `与第 ${clash} 行的文件在包中同名（${target}）`, `it would have the same name in the package as a file on row ${clash} (${target})`);
      targets.set(fold(target), r.row);
      const job: CopyJob = { source: entry.abs, sourceRel: rel, target, size: 0 };
      listed.set(rel, { entry, job, where });
      files.push({ path: target, source: rel, size: 0 });
    }
    if (ve && seq !== undefined && responsible && title && date && files.length > 0) {
      ve.volume.records.push({ seq, ...(fileNumber ? { fileNumber } : {}), responsible, title, date, ...(pages ? { pages } : {}), ...(note ? { note } : {}), files });
    }
  }
  return [...listed.values()];
}

/** Reads and checks everything; returns the plan only when there is no error. */
export async function planPackage(options: { source: string; catalogXlsx: string; metadata?: ProjectOverrides; concurrency?: number }): Promise<PlanResult> {
  const problems = new PackProblems();
  const root = resolve(options.source);
  const catalogFile = resolve(options.catalogXlsx);
  const st = await lstat(root).catch(() => undefined);
  if (!st?.isDirectory()) {
    problems.error('source-unreadable', { file: root }, '源文件夹不存在或不是文件夹', 'the source folder does not exist or is not a folder');
    return { problems: problems.list };
  }
  const [catalog, source] = await Promise.all([readCatalog(catalogFile, problems), walkSource(root, problems)]);
  if (!catalog) return { problems: problems.list };
  const { project, submitter } = readProject(problems, catalog.project, options.metadata ?? {});
  const units = readUnits(problems, catalog.units);
  const volumes = readVolumes(problems, catalog.volumes, units);
  const mentioned = new Set<string>();
  const listed = readRecords(problems, catalog.records, volumes, source, project?.code ?? 'project', mentioned);
  if (catalog.records.length === 0) problems.error('no-records', { sheet: SHEETS.records }, '卷内目录中没有任何文件', 'the 卷内目录 lists no record');
  for (const ve of volumes.values()) {
    if (ve.seqs.size === 0) problems.warn('volume-without-records', { sheet: SHEETS.volumes, row: ve.row }, `案卷“${ve.volume.key}”没有卷内文件`, `volume ${ve.volume.key} has no records`);
  }
  const catalogRel = relative(root, catalogFile).replace(/\\/g, '/').normalize('NFC');
  for (const [rel, e] of source) {
    if (mentioned.has(rel) || rel === catalogRel) continue;
    if (isJunk(basename(rel))) problems.warn('file-ignored', { file: rel }, '系统或临时文件，不打包', 'a system or temporary file; not packed');
    else problems.error('file-not-listed', { file: rel }, `此${e.kind === 'file' ? '文件' : '条目'}未列入卷内目录的“文件”列`, `this ${e.kind === 'file' ? 'file' : 'entry'} is not listed in the 文件 column of the 卷内目录`);
  }
  await eachLimited(listed, options.concurrency ?? 16, async (l) => {
    try {
      const fh = await open(l.entry.abs, 'r');
      try {
        l.job.size = (await fh.stat()).size;
      } finally {
        await fh.close();
      }
    } catch (err) {
      problems.error('file-unreadable', l.where, `无法读取：${(err as Error).message}`, `cannot read it: ${(err as Error).message}`);
    }
  });
  if (problems.errors.length > 0 || !project || !submitter) return { problems: problems.list };
  const unitList = [...units.values()];
  const sizeOf = new Map(listed.map((l) => [l.job.target, l.job.size]));
  for (const u of unitList) {
    for (const v of u.volumes) {
      v.records.sort((a, b) => a.seq - b.seq);
      for (const rec of v.records) for (const f of rec.files) f.size = sizeOf.get(f.path) ?? 0;
      const dates = v.records.map((x) => x.date).sort();
      if (dates.length) Object.assign(v, { dateFrom: dates[0], dateTo: dates[dates.length - 1] });
    }
  }
  const jobs = listed.map((l) => l.job).filter((j) => j.target !== METADATA_PATH);
  const records = unitList.reduce((n, u) => n + u.volumes.reduce((m, v) => m + v.records.length, 0), 0);
  return { plan: { submitter, project, units: unitList, jobs, records, bytes: jobs.reduce((n, j) => n + j.size, 0) }, problems: problems.list };
}
