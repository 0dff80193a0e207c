/**
 * Metadata items (DA/T 70 1-2…1-9, 2-3, 2-4, 2-6) over the package's description, judged against the
 * repository's metadata scheme (element lengths, types, value domains, obligation). Pure: the package
 * model, the scheme elements and what the archive already holds (for 1-8) come in; results go out.
 */
import { compileArchivalCodeRule, isIsoDate, parseArchivalCode, parseBuildingCode, parseProjectCode, parseRegionCode, parseUscc, type ArchivalCodeRule } from '../../codes/index.ts';
import type { IncomingPackage } from '../../packages/model.ts';
import type { CheckResult, Stage } from '../model.ts';
import type { SchemeParams } from '../scheme/scheme.ts';
import { ItemCollector, type Emit } from './result.ts';

/** An element of the metadata scheme, as far as the checks need it (catalog's MetadataElement fits). */
export type ElementRule = { code: string; nameZh: string; dataType: string; length: number | null; valueDomain: string; obligation: 'required' | 'conditional' | 'optional' };

/** What the archive already holds, for 1-8 (duplicates across the archive and the package). */
export type ExistingKeys = { archivalCodes: ReadonlySet<string>; docNumbers: ReadonlySet<string>; titles: ReadonlySet<string> };

type Level = 'project' | 'unit' | 'volume' | 'record';
type Field = { level: Level; element: string; label: string; value: string | number | undefined; subject: string; record?: string };

/** The package's values, element by element (the construction profile's `dg*` codes). */
export function metadataFields(pkg: IncomingPackage): Field[] {
  const out: Field[] = [];
  const p = pkg.project;
  if (p) {
    out.push({ level: 'project', element: 'dgProjectCode', label: '项目代码', value: p.projectCode, subject: 'project' });
    out.push({ level: 'project', element: 'dgBuilderUscc', label: '建设单位统一社会信用代码', value: p.builderUscc, subject: 'project' });
    out.push({ level: 'project', element: 'dgRegionCode', label: '行政区划代码', value: p.regionCode, subject: 'project' });
  }
  for (const u of pkg.units) if (u.buildingCode !== undefined) out.push({ level: 'unit', element: 'dgBuildingCode', label: '房屋建筑统一编码', value: u.buildingCode, subject: `unit:${u.code}` });
  for (const v of pkg.volumes) {
    const s = `volume:${v.key}`;
    out.push({ level: 'volume', element: 'dgVolumeTitle', label: '案卷题名', value: v.title, subject: s });
    out.push({ level: 'volume', element: 'dgArchivalCode', label: '档号', value: v.archivalCode, subject: s });
    out.push({ level: 'volume', element: 'dgCategory', label: 'GB/T 50328 门类', value: v.category, subject: s });
    out.push({ level: 'volume', element: 'dgRetention', label: '保管期限', value: v.retention, subject: s });
    out.push({ level: 'volume', element: 'dgClassification', label: '密级', value: v.classification, subject: s });
    out.push({ level: 'volume', element: 'dgYear', label: '年度', value: v.year, subject: s });
  }
  for (const r of pkg.records) {
    const s = `record:${r.key}`;
    const f = (element: string, label: string, value: string | number | undefined) => out.push({ level: 'record', element, label, value, subject: s, record: r.key });
    f('dgSeq', '序号', r.seq);
    f('dgTitle', '文件题名', r.title);
    f('dgAuthor', '责任者', r.author);
    f('dgDate', '日期', r.date);
    f('dgDocNumber', '文件编号', r.docNumber);
    f('dgPages', '页次', r.pages);
    f('dgRemarks', '备注', r.remarks);
  }
  return out;
}

/** Defaults for elements the construction profile does not carry (volume title, year, remarks). */
const EXTRA_RULES: ElementRule[] = [
  { code: 'dgVolumeTitle', nameZh: '案卷题名', dataType: 'string', length: 500, valueDomain: '', obligation: 'required' },
  { code: 'dgYear', nameZh: '年度', dataType: 'integer', length: 4, valueDomain: '', obligation: 'optional' },
  { code: 'dgRemarks', nameZh: '备注', dataType: 'string', length: 500, valueDomain: '', obligation: 'optional' },
];

/** Internal values of enumerated elements, as the package model stores them, with their Chinese labels. */
const DOMAINS: Record<string, Record<string, string>> = {
  dgCategory: { A: 'A', B: 'B', C: 'C', D: 'D', E: 'E' },
  dgRetention: { permanent: '永久', long: '长期', short: '短期' },
  dgClassification: { none: '无', internal: '内部', confidential: '秘密', secret: '机密' },
};

/** GB 18030 double-byte symbols that are not Hanzi: full-width forms, CJK symbols, box drawing, PUA… (1-6). */
const FULLWIDTH_SYMBOL = /[\u2460-\u24FF\u2500-\u257F\u25A0-\u25FF\u2600-\u26FF\u3000\u3008-\u3011\u3013-\u301F\uE000-\uF8FF\uFE30-\uFE4F\uFFE0-\uFFE6]/u;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/u;

const len = (v: string) => [...v].length;

export type MetadataCheckInput = {
  stage: Stage;
  pkg: IncomingPackage;
  elements: readonly ElementRule[];
  params: SchemeParams;
  existing?: ExistingKeys | undefined;
  /** codes of the items planned for this run (others are skipped) */
  planned: ReadonlySet<string>;
  now?: Date;
};

export function checkMetadata(input: MetadataCheckInput, emit: Emit): void {
  const { stage, pkg, params, planned } = input;
  const rules = new Map<string, ElementRule>([...EXTRA_RULES, ...input.elements].map((e) => [e.code, e]));
  const fields = metadataFields(pkg);
  const code = (item: string) => `${stage}-${item}`;
  const on = (item: string) => planned.has(code(item));
  const c = (item: string) => new ItemCollector(code(item), emit);
  const now = input.now ?? new Date();
  const present = fields.filter((f) => f.value !== undefined && f.value !== '');

  if (on('1-2')) {
    const col = c('1-2');
    for (const f of present) {
      const max = rules.get(f.element)?.length;
      if (max && typeof f.value === 'string' && len(f.value) > max)
        col.add('fail', f.subject, `${f.label}长度 ${len(f.value)} 超过规定的 ${max}`, `${f.label} (${f.element}) is ${len(f.value)} characters long, the scheme allows ${max}`, { record: f.record, evidence: { element: f.element, length: len(f.value), max } });
    }
    col.finish(`${present.length} 个元数据值的长度符合方案`, `${present.length} metadata values within their lengths`, { values: present.length });
  }

  if (on('1-3')) {
    const col = c('1-3');
    for (const f of present) {
      const bad = typeProblem(f);
      if (bad) col.add('fail', f.subject, `${f.label}「${String(f.value)}」${bad.zh}`, `${f.label} "${String(f.value)}": ${bad.en}`, { record: f.record, evidence: { element: f.element, value: f.value } });
    }
    col.finish('元数据的类型与格式符合方案', 'metadata types and formats conform');
  }

  if (on('1-4')) {
    const col = c('1-4');
    for (const f of present) {
      const domain = DOMAINS[f.element];
      if (domain && !Object.hasOwn(domain, String(f.value)))
        col.add('fail', f.subject, `${f.label}「${String(f.value)}」不在值域内（${Object.values(domain).join('、')}）`, `${f.label} "${String(f.value)}" is not one of ${Object.keys(domain).join(', ')}`, { record: f.record, evidence: { element: f.element, value: f.value } });
    }
    col.finish('设定值域的元数据均在值域内', 'enumerated metadata within their value domains');
  }

  if (on('1-5')) {
    const col = c('1-5');
    const thisYear = now.getUTCFullYear();
    for (const f of present) {
      if (f.element === 'dgDate' && typeof f.value === 'string' && isIsoDate(f.value)) {
        const y = Number(f.value.slice(0, 4));
        if (y < params.earliestYear || f.value > now.toISOString().slice(0, 10))
          col.add('fail', f.subject, `日期 ${f.value} 不合理（应在 ${params.earliestYear} 年至今之间）`, `date ${f.value} is implausible (expected ${params.earliestYear}..today)`, { record: f.record, evidence: { value: f.value } });
      }
      if (f.element === 'dgYear' && typeof f.value === 'number' && (f.value < params.earliestYear || f.value > thisYear))
        col.add('fail', f.subject, `年度 ${f.value} 不合理`, `year ${f.value} is implausible`, { evidence: { value: f.value } });
      if ((f.element === 'dgPages' || f.element === 'dgSeq') && typeof f.value === 'number' && (f.value < 1 || f.value > 100_000))
        col.add('fail', f.subject, `${f.label} ${f.value} 不合理`, `${f.label} ${f.value} is implausible`, { record: f.record, evidence: { value: f.value } });
    }
    // A record dated after its volume's year, or a volume year before every record: plausibility across levels.
    const volYear = new Map(pkg.volumes.map((v) => [v.key, v.year]));
    for (const r of pkg.records) {
      const y = volYear.get(r.volumeKey);
      if (y && r.date && isIsoDate(r.date) && Number(r.date.slice(0, 4)) > y + 10)
        col.add('warn', `record:${r.key}`, `文件日期 ${r.date} 晚于案卷年度 ${y} 十年以上`, `record dated ${r.date}, more than ten years after its volume's year ${y}`, { record: r.key });
    }
    col.finish('元数据值合理', 'metadata values plausible');
  }

  if (on('1-6')) {
    const col = c('1-6');
    const extra = params.forbiddenChars ? new Set([...params.forbiddenChars]) : undefined;
    for (const f of present) {
      if (typeof f.value !== 'string') continue;
      const chars = [...f.value].filter((ch) => CONTROL.test(ch) || (params.forbidFullwidthSymbols && FULLWIDTH_SYMBOL.test(ch)) || extra?.has(ch));
      if (chars.length) {
        const shown = [...new Set(chars)].map((ch) => (CONTROL.test(ch) ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : ch)).join(' ');
        col.add('fail', f.subject, `${f.label}含特殊字符：${shown}`, `${f.label} contains special characters: ${shown}`, { record: f.record, evidence: { element: f.element, chars: shown } });
      }
    }
    col.finish('元数据不含特殊字符', 'no special characters in metadata');
  }

  if (on('1-7')) {
    const col = c('1-7');
    let rule: ArchivalCodeRule | undefined;
    if (params.archivalCodeTemplate) {
      const compiled = compileArchivalCodeRule(params.archivalCodeTemplate);
      if (compiled.ok) rule = compiled.value;
    }
    let checked = 0;
    for (const v of pkg.volumes) {
      if (!v.archivalCode) {
        // At archiving the archive assigns the 档号 for its copy; at transfer and in custody it must exist.
        if (stage !== 'GD') col.add('fail', `volume:${v.key}`, '案卷缺少档号', 'the volume has no archival code');
        continue;
      }
      checked++;
      if (rule) {
        const parsed = parseArchivalCode(rule, v.archivalCode);
        if (!parsed.ok) col.add('fail', `volume:${v.key}`, `档号「${v.archivalCode}」不符合规则 ${params.archivalCodeTemplate}：${parsed.issues.map((i) => i.message.zh).join('；')}`, `archival code "${v.archivalCode}" does not follow ${params.archivalCodeTemplate}: ${parsed.issues.map((i) => i.message.en).join('; ')}`, { evidence: { value: v.archivalCode, rule: params.archivalCodeTemplate } });
      }
    }
    if (stage === 'GD' && checked === 0 && pkg.volumes.length > 0) col.finish('归档阶段档号由档案馆编制：包中未带档号', 'at archiving the archive assigns archival codes: the package carries none', { volumes: pkg.volumes.length });
    else col.finish(rule ? `${checked} 个档号符合规则 ${params.archivalCodeTemplate}` : `${checked} 个档号已填写（未配置档号规则）`, rule ? `${checked} archival codes follow ${params.archivalCodeTemplate}` : `${checked} archival codes present (no rule configured)`, { checked });
  }

  if (on('1-8')) {
    const col = c('1-8');
    const keys: { key: 'archivalCode' | 'docNumber' | 'title'; label: string; values: { v: string; subject: string; record?: string }[]; existing?: ReadonlySet<string> | undefined }[] = [];
    if (params.duplicateKeys.includes('archivalCode')) keys.push({ key: 'archivalCode', label: '档号', values: pkg.volumes.filter((v) => v.archivalCode).map((v) => ({ v: v.archivalCode!, subject: `volume:${v.key}` })), existing: input.existing?.archivalCodes });
    if (params.duplicateKeys.includes('docNumber')) keys.push({ key: 'docNumber', label: '文件编号', values: pkg.records.filter((r) => r.docNumber).map((r) => ({ v: r.docNumber!, subject: `record:${r.key}`, record: r.key })), existing: input.existing?.docNumbers });
    if (params.duplicateKeys.includes('title')) keys.push({ key: 'title', label: '文件题名', values: pkg.records.map((r) => ({ v: r.title, subject: `record:${r.key}`, record: r.key })), existing: input.existing?.titles });
    for (const k of keys) {
      const seen = new Map<string, string>();
      for (const x of k.values) {
        const norm = x.v.normalize('NFC').trim();
        const first = seen.get(norm);
        if (first) col.add('fail', x.subject, `${k.label}「${x.v}」与 ${first} 重复`, `${k.key} "${x.v}" duplicates ${first}`, { record: x.record, evidence: { key: k.key, value: x.v, first } });
        else seen.set(norm, x.subject);
        if (k.existing?.has(norm)) col.add('fail', x.subject, `${k.label}「${x.v}」已在馆藏中（重复归档）`, `${k.key} "${x.v}" is already held by the archive (archived twice)`, { record: x.record, evidence: { key: k.key, value: x.v } });
      }
    }
    col.finish(`按 ${params.duplicateKeys.join('、') || '（无）'} 未发现重复`, `no duplicates on ${params.duplicateKeys.join(', ') || '(none)'}`, { keys: params.duplicateKeys, againstArchive: input.existing !== undefined });
  }

  if (on('1-9')) {
    const col = c('1-9');
    for (const v of pkg.volumes) {
      if (v.category && !/^[A-E]$/.test(v.category)) col.add('fail', `volume:${v.key}`, `分类号「${v.category}」不符合 GB/T 50328 门类`, `class "${v.category}" is not a GB/T 50328 class`);
      if (params.fondsCodes.length && v.archivalCode && !params.fondsCodes.some((f) => v.archivalCode!.startsWith(f)))
        col.add('fail', `volume:${v.key}`, `档号「${v.archivalCode}」的全宗号不在档案馆规定的 ${params.fondsCodes.join('、')} 中`, `archival code "${v.archivalCode}" does not start with an allowed fonds code (${params.fondsCodes.join(', ')})`);
    }
    col.finish('全宗号、分类号符合档案馆要求', 'fonds and class numbers follow the archive\'s rules', { fondsCodes: params.fondsCodes });
  }

  if (on('2-3') || on('2-4')) {
    // 2-3: an element of the scheme is absent at its level everywhere (not delivered at all);
    // 2-4: a required element is empty for a subject.
    const levelOf: Record<string, Level> = {};
    for (const f of fields) levelOf[f.element] = f.level;
    const col3 = on('2-3') ? c('2-3') : undefined;
    const col4 = on('2-4') ? c('2-4') : undefined;
    const required = [...rules.values()].filter((r) => r.obligation === 'required' && levelOf[r.code] !== undefined);
    // The 档号 is assigned by the archive at archiving: not required from the unit at GD.
    const exempt = new Set(stage === 'GD' ? ['dgArchivalCode'] : []);
    for (const r of required) {
      if (exempt.has(r.code)) continue;
      const ofElement = fields.filter((f) => f.element === r.code);
      const empty = ofElement.filter((f) => f.value === undefined || f.value === '');
      if (col3 && ofElement.length > 0 && empty.length === ofElement.length)
        col3.add('fail', 'package', `元数据项「${r.nameZh}」在包中完全缺失`, `metadata element ${r.code} (${r.nameZh}) is missing throughout the package`, { evidence: { element: r.code } });
      if (col4) for (const f of empty) col4.add('fail', f.subject, `必填项「${r.nameZh}」为空`, `required ${r.code} (${r.nameZh}) is empty`, { record: f.record, evidence: { element: r.code } });
    }
    if (!pkg.project && col3) col3.add('fail', 'package', '包中没有项目级元数据', 'the package carries no project-level metadata');
    col3?.finish('方案要求的元数据项均已提供', 'every element of the scheme is delivered', { elements: required.length });
    col4?.finish('必填著录项目均已填写', 'every required item is filled', { subjects: new Set(fields.map((f) => f.subject)).size });
  }

  if (on('2-6')) {
    const col = c('2-6');
    const byVolume = new Map<string, number[]>();
    for (const r of pkg.records) byVolume.set(r.volumeKey, [...(byVolume.get(r.volumeKey) ?? []), r.seq]);
    for (const [vk, seqs] of byVolume) {
      const sorted = [...seqs].sort((a, b) => a - b);
      const gaps: string[] = [];
      if (sorted[0] !== 1) gaps.push(`starts at ${sorted[0]}`);
      for (let i = 1; i < sorted.length; i++) {
        if (sorted[i] === sorted[i - 1]) gaps.push(`${sorted[i]} twice`);
        else if (sorted[i]! !== sorted[i - 1]! + 1) gaps.push(`${sorted[i - 1]! + 1}–${sorted[i]! - 1} missing`);
      }
      if (gaps.length) col.add('fail', `volume:${vk}`, `卷内序号不连续：${gaps.slice(0, 10).join('，')}`, `record numbers not consecutive: ${gaps.slice(0, 10).join(', ')}`, { evidence: { seqs: sorted.slice(0, 200) } });
    }
    col.finish('卷内序号从 1 起连续', 'record numbers consecutive from 1', { volumes: byVolume.size });
  }
}

function typeProblem(f: Field): { zh: string; en: string } | undefined {
  const v = f.value;
  switch (f.element) {
    case 'dgDate':
      return typeof v === 'string' && isIsoDate(v) ? undefined : { zh: '不是有效日期（YYYY-MM-DD）', en: 'is not a valid date (YYYY-MM-DD)' };
    case 'dgSeq':
    case 'dgPages':
    case 'dgYear':
      return typeof v === 'number' && Number.isInteger(v) ? undefined : { zh: '不是整数', en: 'is not an integer' };
    case 'dgProjectCode': {
      const r = parseProjectCode(String(v));
      return r.ok ? undefined : { zh: `不是有效的项目代码：${r.issues[0]!.message.zh}`, en: `is not a valid project code: ${r.issues[0]!.message.en}` };
    }
    case 'dgBuilderUscc': {
      const r = parseUscc(String(v));
      return r.ok ? undefined : { zh: `不是有效的统一社会信用代码：${r.issues[0]!.message.zh}`, en: `is not a valid USCC: ${r.issues[0]!.message.en}` };
    }
    case 'dgRegionCode': {
      const r = parseRegionCode(String(v));
      return r.ok ? undefined : { zh: `不是有效的行政区划代码：${r.issues[0]!.message.zh}`, en: `is not a valid region code: ${r.issues[0]!.message.en}` };
    }
    case 'dgBuildingCode': {
      const r = parseBuildingCode(String(v));
      return r.ok ? undefined : { zh: `不是有效的房屋建筑统一编码：${r.issues[0]!.message.zh}`, en: `is not a valid building code: ${r.issues[0]!.message.en}` };
    }
    default:
      return undefined;
  }
}

export const METADATA_ITEMS = ['1-2', '1-3', '1-4', '1-5', '1-6', '1-7', '1-8', '1-9', '2-3', '2-4', '2-6'] as const;
export type { CheckResult };
