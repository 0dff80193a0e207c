/**
 * Package items: 1-12 description and catalogue files, 1-13 folder structure, 1-14 package digest,
 * 1-15 / 1-16 / 2-10 EEP conformance and signatures, 3-1 metadata readable, 3-2 database reachable,
 * 2-5 process history, 2-9 archive scope, 3-7 environment — from the problems the package readers
 * reported (packages/), which already name every defect; and the items only a person can decide
 * (2-7, 2-8, 3-4, 4-1, 4-5…4-9, 3-9), which become tasks. Pure.
 */
import type { IncomingPackage, PackageProblem } from '../../packages/model.ts';
import type { Bilingual, CheckTask, Stage } from '../model.ts';
import { itemDef } from '../registry/items.ts';
import { ItemCollector, type Emit } from './result.ts';

/** Which item a reader's problem code belongs to. Codes not listed here fall to 1-13 (structure). */
export function itemOfProblem(code: string): string {
  if (/^(bagit-(digest-mismatch|oxum-mismatch|oxum-malformed)|digest-mismatch|size-mismatch|eep-size-mismatch)$/.test(code)) return '1-14';
  if (/^(bagit-(file-missing|file-not-in-manifest)|file-missing|dat93-file-missing|dat93-file-not-listed|eark-file-not-referenced|dat93-count-mismatch)$/.test(code)) return '2-11';
  if (/^(metadata-unreadable|bagit-tag-file-undecodable|bagit-baginfo-malformed|unpack-xml-.*|eep-root-invalid|eep-base64-invalid)$/.test(code)) return '3-1';
  if (/^(metadata-invalid|metadata-.*|dat93-(description|catalog)-missing|bagit-(baginfo-separator|tag-file-bom)|eark-mets-.*)$/.test(code)) return '1-12';
  if (/^(signature-.*|sm2-.*|bag-signature-.*)$/.test(code)) return '1-1';
  if (/^eep-(signature-not-verified|signed-object-missing|modified)$/.test(code)) return '1-16';
  if (/^eep-/.test(code)) return '1-15';
  if (/^(dat93-(title|date|code)-.*|eep-date-invalid|retention-unknown|classification-unknown)$/.test(code)) return '1-3';
  if (/^(dat93-code-duplicate)$/.test(code)) return '1-8';
  if (/^(classification-top-secret|secrecy-not-accepted)$/.test(code)) return '4-7';
  if (/^project-mismatch$/.test(code)) return '2-9';
  return '1-13';
}

export type PackageCheckInput = {
  stage: Stage;
  pkg: IncomingPackage;
  planned: ReadonlySet<string>;
  /** digest of the whole package as the sender declared it, and as computed now (1-14) */
  packageDigest?: { algorithm: string; declared?: string | undefined; computed: string } | undefined;
  /** 3-2: whether the catalog database answered (undefined = no database in this run, e.g. the CLI) */
  database?: { ok: boolean; error?: string } | undefined;
  /** 2-9: the project's required archive scope (GB/T 50328 checklist), when known */
  scope?: { required: { category: string; name: string }[] } | undefined;
  /** 3-7: environment of this run and of the previous run of the same target */
  environment: Record<string, string>;
  previousEnvironment?: Record<string, string> | undefined;
};

export function checkPackage(input: PackageCheckInput, emit: Emit): void {
  const { stage, pkg, planned } = input;
  const code = (item: string) => `${stage}-${item}`;
  const on = (item: string) => planned.has(code(item));
  const collectors = new Map<string, ItemCollector>();
  const col = (item: string) => {
    let c = collectors.get(item);
    if (!c) collectors.set(item, (c = new ItemCollector(code(item), emit)));
    return c;
  };
  // Reader problems, each under the item it belongs to (when the stage runs that item).
  for (const p of pkg.problems) {
    const item = itemOfProblem(p.code);
    if (!on(item)) continue;
    col(item).add(p.severity === 'error' ? 'fail' : 'warn', p.path ?? 'package', p.message.zh, p.message.en, { evidence: { code: p.code } });
  }
  const isEep = pkg.source.format === 'eep';
  const finishers: [string, Bilingual, Record<string, unknown>?][] = [
    ['1-12', { zh: pkg.source.format === 'dat93' ? '说明文件和目录文件规范' : '包的说明文件（bag-info / 元数据）规范', en: 'description and catalogue files conform' }],
    ['1-13', { zh: `信息包目录结构规范（${pkg.source.format}）`, en: `package folder structure conforms (${pkg.source.format})` }],
    ['3-1', { zh: '包中的元数据文件可读', en: 'the package metadata files can be read' }],
    ['1-15', { zh: isEep ? 'EEP 符合 DA/T 48 结构' : '不适用：不是 EEP 封装包', en: isEep ? 'the EEP conforms to DA/T 48' : 'not applicable: no EEP' }, { applicable: isEep }],
    ['1-16', { zh: isEep ? 'EEP 电子签名有效' : '不适用：不是 EEP 封装包', en: isEep ? 'the EEP signatures verify' : 'not applicable: no EEP' }, { applicable: isEep }],
  ];
  if (on('1-14')) {
    const d = input.packageDigest;
    if (d?.declared && d.declared.toLowerCase() !== d.computed) col('1-14').add('fail', 'package', `信息包 ${d.algorithm} 摘要与报送方计算的不一致`, `the package's ${d.algorithm} digest differs from the sender's`, { evidence: { declared: d.declared, computed: d.computed } });
    col('1-14').finish(d?.declared ? `信息包 ${d.algorithm} 摘要一致` : '信息包清单（manifest）摘要一致', d?.declared ? `package ${d.algorithm} digest matches` : 'the package manifests verify', d ? { algorithm: d.algorithm, computed: d.computed } : undefined);
  }
  if (on('2-10')) {
    if (!pkg.records.length) col('2-10').add('fail', 'package', '保存信息包没有文件级元数据', 'the package holds no record-level metadata');
    col('2-10').finish('信息包元数据完整', 'package metadata complete', { records: pkg.records.length, volumes: pkg.volumes.length });
  }
  for (const [item, msg, ev] of finishers) if (on(item)) col(item).finish(msg.zh, msg.en, ev);
  // 1-1, 1-3, 1-8, 2-9, 2-11, 4-7: their own evaluators add the pass (the report drops a package-level
  // pass of an item that also has a finding).

  if (on('3-2')) {
    const db = input.database;
    if (!db) emit({ code: code('3-2'), outcome: 'not-run', subject: 'package', message: { zh: '本次检测不连接目标数据库（命令行检测）', en: 'no target database in this run (command-line check)' } });
    else if (!db.ok) emit({ code: code('3-2'), outcome: 'fail', subject: 'package', message: { zh: `目标数据库不可访问：${db.error ?? ''}`, en: `the target database cannot be reached: ${db.error ?? ''}` } });
    else emit({ code: code('3-2'), outcome: 'pass', subject: 'package', message: { zh: '目标数据库可访问，元数据可读', en: 'the database answers and metadata can be read' } });
  }

  if (on('2-9')) {
    const c = new ItemCollector(code('2-9'), emit);
    for (const p of pkg.problems) if (itemOfProblem(p.code) === '2-9') c.add(p.severity === 'error' ? 'fail' : 'warn', 'package', p.message.zh, p.message.en, { evidence: { code: p.code } });
    const present = new Set(pkg.volumes.map((v) => v.category).filter(Boolean));
    const noCategory = pkg.volumes.filter((v) => !v.category);
    for (const v of noCategory) c.add('fail', `volume:${v.key}`, '案卷未标明 GB/T 50328 门类，无法判断归档范围', 'the volume has no GB/T 50328 class: its scope cannot be judged');
    if (input.scope) {
      const missing = input.scope.required.filter((r) => !present.has(r.category));
      for (const m of missing) c.add('fail', 'package', `归档范围缺项：${m.category} ${m.name}`, `missing from the archive scope: ${m.category} ${m.name}`, { evidence: m });
      c.finish('符合项目归档范围', 'matches the project\'s archive scope', { present: [...present] });
    } else {
      c.add('manual', 'package', `包含门类：${[...present].sort().join('、') || '无'}；项目归档范围清单未配置，需人工对照归档范围与保管期限表`, `classes present: ${[...present].sort().join(', ') || 'none'}; no archive-scope checklist for the project: compare with the scope and retention schedule by hand`, { evidence: { present: [...present].sort() } });
    }
  }

  if (on('2-5')) {
    emit({ code: code('2-5'), outcome: 'manual', subject: 'package', message: { zh: '建设工程文件的过程信息（起草、审核、签发等）由报送包以文件本身体现，需人工确认其完整', en: 'the process history (drafting, review, approval) of construction records is carried by the files themselves: a person confirms it is complete' }, evidence: { records: pkg.records.length } });
  }

  if (on('3-7')) {
    const prev = input.previousEnvironment;
    const changed = prev ? Object.keys({ ...prev, ...input.environment }).filter((k) => prev[k] !== input.environment[k]) : [];
    if (prev && changed.length) emit({ code: code('3-7'), outcome: 'warn', subject: 'package', message: { zh: `保存环境自上次检测以来有变化：${changed.join('、')}（需全面检测）`, en: `the preservation environment changed since the last check: ${changed.join(', ')} (a full check is due)` }, evidence: { previous: prev, current: input.environment } });
    else emit({ code: code('3-7'), outcome: 'pass', subject: 'package', message: { zh: prev ? '保存环境未变化' : '已记录保存环境（首次检测）', en: prev ? 'the preservation environment is unchanged' : 'preservation environment recorded (first check)' }, evidence: { current: input.environment } });
  }
}

/** Manual and tool items of the stage → results `manual` and open tasks (a report is not final while they are open). */
export function manualItems(stage: Stage, planned: ReadonlySet<string>, emit: Emit, hints: Partial<Record<string, Bilingual>> = {}): CheckTask[] {
  const tasks: CheckTask[] = [];
  for (const item of ['2-7', '2-8', '3-4', '3-9', '4-1', '4-5', '4-6', '4-7', '4-8', '4-9']) {
    const code = `${stage}-${item}`;
    if (!planned.has(code)) continue;
    const def = itemDef(item)!;
    const hint = hints[item];
    emit({ code, outcome: 'manual', subject: 'package', message: hint ?? { zh: `需人工检测：${def.name.zh}`, en: `to be checked by a person: ${def.name.en}` } });
    tasks.push({ code, name: def.name, state: 'open' });
  }
  return tasks;
}

export type { PackageProblem };
