/**
 * The 四性检测 check report as a PDF to hand to the submitting unit: what was checked and how, the
 * verdict with counts per outcome, one table per property (真实性, 完整性, 可用性, 安全性), the problem
 * list (every non-pass result, grouped by item) and the manual tasks still open. Chinese by default,
 * English with `lang: 'en'`.
 *
 * The problem list is capped (per item and in total, see `CheckReportPdfOptions`) so a run with tens of
 * thousands of findings still renders in seconds; the PDF says how many were left out and where the full
 * list is (the JSON report). Times are shown in China Standard Time unless told otherwise. The PDF's
 * creation date is the run's `finishedAt` by default, so the same report always renders to the same bytes.
 */
import { renderPdf, type Block, type Cell, type Color, type DocSpec, type Inline, bold, box, enPageLabel, heading, keyValue, paragraph, span, table, title, zhPageLabel } from '../../platform/pdf/index.ts';
import type { Automation, CheckClass, CheckReport, CheckResult, ItemSummary, Outcome, Severity, Verdict } from '../model.ts';
import { OUTCOMES } from '../model.ts';
import { CLASS_NAMES, STAGE_NAMES } from '../registry/items.ts';

export type Lang = 'zh' | 'en';

export type CheckReportPdfOptions = {
  lang?: Lang;
  /** the issuing archive (页眉, the PDF's Author, the closing line) */
  archiveName?: string;
  /** non-pass results listed per item (default 100) */
  maxResultsPerItem?: number;
  /** non-pass results listed in all (default 1000) */
  maxResults?: number;
  /** IANA time zone for the times shown (default 'Asia/Shanghai') */
  timeZone?: string;
  /** the PDF's CreationDate (default: the run's finishedAt) */
  generatedAt?: Date;
};

type L = Record<Lang, string>;
const T = {
  title: { zh: '电子档案四性检测报告', en: 'Electronic Records Check Report' },
  shortTitle: { zh: '四性检测报告', en: 'Check report' },
  stageLine: { zh: '检测环节：', en: 'Authenticity, integrity, usability and security — stage: ' },
  target: { zh: '检测对象', en: 'Checked' },
  path: { zh: '位置', en: 'Location' },
  scheme: { zh: '检测方案', en: 'Check scheme' },
  stage: { zh: '检测环节', en: 'Stage' },
  started: { zh: '开始时间', en: 'Started' },
  finished: { zh: '完成时间', en: 'Finished' },
  tool: { zh: '检测工具', en: 'Tool' },
  files: { zh: '文件', en: 'Files' },
  issuer: { zh: '出具单位', en: 'Issued by' },
  verdict: { zh: '检测结论：', en: 'Verdict: ' },
  openTasks: { zh: '待完成人工任务', en: 'Open manual tasks' },
  blocking: { zh: '阻断性问题', en: 'Blocking findings' },
  s1: { zh: '一、检测项目结果', en: '1. Results per item' },
  s2: { zh: '二、问题清单', en: '2. Findings' },
  s3: { zh: '三、待完成的人工检测任务', en: '3. Open manual tasks' },
  code: { zh: '编号', en: 'Code' },
  item: { zh: '检测项目', en: 'Item' },
  severity: { zh: '性质', en: 'Severity' },
  how: { zh: '方式', en: 'How' },
  outcome: { zh: '结果', en: 'Outcome' },
  counts: { zh: '结果统计', en: 'Counts' },
  noItems: { zh: '本环节无此类检测项', en: 'No items of this property at this stage' },
  no: { zh: '序号', en: 'No.' },
  subject: { zh: '对象', en: 'Subject' },
  message: { zh: '说明', en: 'Message' },
  none: { zh: '无。', en: 'None.' },
  task: { zh: '任务', en: 'Task' },
  assignee: { zh: '指派给', en: 'Assignee' },
  taskId: { zh: '任务号', en: 'Task ID' },
  package: { zh: '信息包（整体）', en: 'the package as a whole' },
  record: { zh: '记录 ', en: 'record ' },
  unknownItem: { zh: '（方案外检测项）', en: '(item not in the scheme)' },
  date: { zh: '日期：', en: 'Date: ' },
  seal: { zh: '（盖章）', en: '' },
} as const satisfies Record<string, L>;

const OUTCOME: Record<Outcome, L> = {
  pass: { zh: '通过', en: 'Pass' },
  fail: { zh: '不通过', en: 'Fail' },
  warn: { zh: '警告', en: 'Warning' },
  manual: { zh: '待人工', en: 'Manual' },
  'not-run': { zh: '未检测', en: 'Not run' },
};
const OUTCOME_COLOR: Record<Outcome, Color> = { pass: '#1b7f3b', fail: '#b3261e', warn: '#a15c00', manual: '#1f5fae', 'not-run': '#5f6368' };
const VERDICT: Record<Verdict, L & { color: Color; fill: Color }> = {
  passed: { zh: '通过', en: 'Passed', color: '#1b7f3b', fill: '#eaf6ee' },
  failed: { zh: '不通过', en: 'Failed', color: '#b3261e', fill: '#fcebea' },
  incomplete: { zh: '未完成', en: 'Incomplete', color: '#a15c00', fill: '#fff5e0' },
};
const VERDICT_NOTE: Record<Verdict, L> = {
  passed: { zh: '全部阻断性检测项均已通过。', en: 'Every blocking item passed.' },
  failed: { zh: '存在不通过的阻断性检测项，须整改后重新检测。', en: 'Blocking items failed: correct them and check again.' },
  incomplete: {
    zh: '未发现阻断性问题，但仍有阻断性检测项待人工检测或未检测，检测尚未完成。',
    en: 'No blocking failure, but blocking items still await a manual decision or were not run: the check is not complete.',
  },
};
const SEVERITY: Record<Severity, L> = { blocking: { zh: '阻断', en: 'Blocking' }, warning: { zh: '提示', en: 'Advisory' } };
const AUTOMATION: Record<Automation, L> = {
  A: { zh: '自动', en: 'Auto' },
  S: { zh: '系统+人工', en: 'System + person' },
  M: { zh: '人工', en: 'Manual' },
  T: { zh: '工具/证据', en: 'Tool / evidence' },
};
const TARGET_KIND: Record<CheckReport['target']['kind'], L> = {
  package: { zh: '信息包', en: 'Package' },
  submission: { zh: '移交批次', en: 'Submission' },
  volume: { zh: '案卷', en: 'Volume' },
};
const CLASSES: readonly CheckClass[] = ['authenticity', 'integrity', 'usability', 'security'];
/** Order of the problem list within an item: the most serious first. */
const LIST_RANK: Record<Outcome, number> = { fail: 0, manual: 1, 'not-run': 2, warn: 3, pass: 4 };

const DEFAULT_PER_ITEM = 100;
const DEFAULT_TOTAL = 1000;

function fmtTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const paren = (text: string, lang: Lang): string => (lang === 'zh' ? `（${text}）` : ` (${text})`);

function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

const outcomeCell = (o: Outcome, lang: Lang): Cell => ({ text: OUTCOME[o][lang], color: OUTCOME_COLOR[o], bold: o !== 'pass', align: 'center' });

function countsText(counts: Record<Outcome, number>, lang: Lang): Inline {
  const parts: (string | { text: string; color: Color })[] = [];
  for (const o of OUTCOMES) {
    if (!counts[o]) continue;
    if (parts.length) parts.push(lang === 'zh' ? '，' : ', ');
    parts.push({ text: `${OUTCOME[o][lang]} ${counts[o].toLocaleString('en-US')}`, color: OUTCOME_COLOR[o] });
  }
  return parts.length ? parts : '—';
}

function subjectText(r: CheckResult, lang: Lang): Inline {
  const s = r.subject === 'package' ? T.package[lang] : r.subject.startsWith('record:') ? T.record[lang] + r.subject.slice('record:'.length) : r.subject;
  return r.record && !r.subject.startsWith('record:') ? [s, { text: `\n${T.record[lang]}${r.record}`, color: '#5f6368' }] : s;
}

function omittedText(n: number, lang: Lang): string {
  return lang === 'zh' ? `… 另有 ${n.toLocaleString('en-US')} 条未列出` : `… ${n.toLocaleString('en-US')} more not listed`;
}

/** The check report as a document spec (exported for tests and for callers that stream). */
export function checkReportDoc(report: CheckReport, options: CheckReportPdfOptions = {}): DocSpec {
  const lang = options.lang ?? 'zh';
  const tz = options.timeZone ?? 'Asia/Shanghai';
  const perItem = Math.max(0, options.maxResultsPerItem ?? DEFAULT_PER_ITEM);
  let budget = Math.max(0, options.maxResults ?? DEFAULT_TOTAL);
  const stageName = STAGE_NAMES[report.stage][lang];
  const zh = lang === 'zh';
  const s = report.summary;
  const content: Block[] = [];

  // ---- cover: what, how, when --------------------------------------------------------------------
  content.push(title(T.title[lang]));
  content.push(paragraph(`${T.stageLine[lang]}${stageName}`, { align: 'center', color: '#444444', spaceAfter: 12 }));
  const target = report.target;
  const kv: [Inline, Cell][] = [[T.target[lang], [bold(target.name), paren(TARGET_KIND[target.kind][lang], lang)]]];
  if (target.path) kv.push([T.path[lang], target.path]);
  kv.push([T.scheme[lang], zh ? `${report.scheme.name}（第 ${report.scheme.version} 版，${report.scheme.id}）` : `${report.scheme.name} (version ${report.scheme.version}, ${report.scheme.id})`]);
  kv.push([T.stage[lang], stageName + paren(report.stage, lang)]);
  kv.push([T.started[lang], `${fmtTime(report.startedAt, tz)}`]);
  kv.push([T.finished[lang], fmtTime(report.finishedAt, tz) + paren(tz === 'Asia/Shanghai' ? (zh ? '北京时间' : 'UTC+8') : tz, lang)]);
  kv.push([T.files[lang], zh ? `${s.files.toLocaleString('en-US')} 个，共 ${fmtBytes(s.bytes)}` : `${s.files.toLocaleString('en-US')}, ${fmtBytes(s.bytes)} in all`]);
  kv.push([T.tool[lang], report.tool]);
  if (options.archiveName) kv.push([T.issuer[lang], options.archiveName]);
  content.push(keyValue(kv, { keyWidth: zh ? 70 : 90 }));

  // ---- verdict ------------------------------------------------------------------------------------
  const v = VERDICT[s.verdict];
  content.push(
    box(
      [
        paragraph([span(T.verdict[lang], { bold: true, size: 14 }), span(v[lang], { bold: true, size: 18, color: v.color })], { spaceAfter: 2 }),
        paragraph(VERDICT_NOTE[s.verdict][lang], { color: '#333333' }),
        table(
          [...OUTCOMES.map((o) => ({ header: OUTCOME[o][lang], align: 'center' as const })), { header: T.blocking[lang], align: 'center' }, { header: T.openTasks[lang], align: 'center' }],
          [[...OUTCOMES.map((o): Cell => ({ text: s.counts[o].toLocaleString('en-US'), color: s.counts[o] ? OUTCOME_COLOR[o] : '#5f6368', bold: s.counts[o] > 0 && o !== 'pass' })), s.blockingFailures.toLocaleString('en-US'), s.openTasks.toLocaleString('en-US')]],
          { zebra: false },
        ),
      ],
      { fill: v.fill, border: v.color },
    ),
  );

  // ---- per property -------------------------------------------------------------------------------
  content.push(heading(T.s1[lang], 2));
  for (const cls of CLASSES) {
    const items = report.byItem.filter((i) => i.class === cls);
    content.push(
      table(
        [
          { header: T.code[lang], width: 52 },
          { header: T.item[lang], width: '*' },
          { header: T.how[lang], width: zh ? 48 : 72, align: 'center' },
          { header: T.severity[lang], width: zh ? 30 : 48, align: 'center' },
          { header: T.outcome[lang], width: zh ? 36 : 44, align: 'center' },
          { header: T.counts[lang], width: 118 },
        ],
        items.map((i) => [i.code, i.name[lang], AUTOMATION[i.automation][lang], SEVERITY[i.severity][lang], outcomeCell(i.outcome, lang), countsText(i.counts, lang)]),
        { title: { text: CLASS_NAMES[cls][lang], size: 11 }, empty: T.noItems[lang], size: 9 },
      ),
    );
  }

  // ---- problem list -------------------------------------------------------------------------------
  content.push(heading(T.s2[lang], 2, { newPage: true }));
  const byCode = new Map<string, CheckResult[]>();
  for (const r of report.items) {
    if (r.outcome === 'pass') continue;
    let list = byCode.get(r.code);
    if (!list) byCode.set(r.code, (list = []));
    list.push(r);
  }
  const summaries = new Map<string, ItemSummary>(report.byItem.map((i) => [i.code, i]));
  const codes = [...report.byItem.map((i) => i.code).filter((c) => byCode.has(c)), ...[...byCode.keys()].filter((c) => !summaries.has(c))];
  const totalProblems = [...byCode.values()].reduce((n, l) => n + l.length, 0);
  const tables: Block[] = [];
  let omitted = 0;
  for (const code of codes) {
    const results = [...byCode.get(code)!].sort((a, b) => LIST_RANK[a.outcome] - LIST_RANK[b.outcome]);
    const sum = summaries.get(code);
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
    for (const r of results) counts[r.outcome]++;
    const n = Math.min(results.length, perItem, budget);
    budget -= n;
    const rows: Cell[][] = results.slice(0, n).map((r, i) => [String(i + 1), outcomeCell(r.outcome, lang), subjectText(r, lang), r.message[lang]]);
    if (n < results.length) {
      omitted += results.length - n;
      rows.push([{ text: omittedText(results.length - n, lang), colSpan: 4, color: '#5f6368' }]);
    }
    const name = sum ? sum.name[lang] : T.unknownItem[lang];
    const sev = sum ? paren(SEVERITY[sum.severity][lang], lang) : '';
    tables.push(
      table(
        [
          { header: T.no[lang], width: 30, align: 'right' },
          { header: T.outcome[lang], width: zh ? 36 : 44, align: 'center' },
          { header: T.subject[lang], width: '*' },
          { header: T.message[lang], width: 170 },
        ],
        rows,
        { title: { text: [bold(`${code} ${name}`), `${sev}  `, ...toSpans(countsText(counts, lang))] }, size: 8.5 },
      ),
    );
  }
  if (codes.length === 0) content.push(paragraph(T.none[lang]));
  else {
    const cap = options.maxResultsPerItem ?? DEFAULT_PER_ITEM;
    const capAll = options.maxResults ?? DEFAULT_TOTAL;
    const intro = zh
      ? `以下列出全部未通过（不通过、待人工、未检测、警告）的检测结果，共 ${totalProblems.toLocaleString('en-US')} 条，按检测项分组。每个检测项最多列出 ${cap} 条，全部最多列出 ${capAll} 条。`
      : `Every result that did not pass (fail, manual, not run, warning) — ${totalProblems.toLocaleString('en-US')} in all, grouped by item. At most ${cap} are listed per item and ${capAll} in all.`;
    content.push(paragraph(intro));
    if (omitted > 0)
      content.push(
        paragraph(
          zh
            ? `本清单另有 ${omitted.toLocaleString('en-US')} 条结果未列出，完整结果见电子检测报告（JSON）。`
            : `${omitted.toLocaleString('en-US')} further results are not listed here; the electronic report (JSON) holds them all.`,
          { bold: true, color: '#a15c00' },
        ),
      );
    content.push(...tables);
  }

  // ---- open manual tasks --------------------------------------------------------------------------
  content.push(heading(T.s3[lang], 2));
  const open = report.tasks.filter((t) => t.state === 'open');
  if (open.length === 0) content.push(paragraph(T.none[lang]));
  else
    content.push(
      table(
        [
          { header: T.no[lang], width: 30, align: 'right' },
          { header: T.code[lang], width: 52 },
          { header: T.task[lang], width: '*' },
          { header: T.assignee[lang], width: 90 },
          { header: T.taskId[lang], width: 90 },
        ],
        open.map((t, i) => [String(i + 1), t.code, t.name[lang], t.assignee ?? '—', t.id ?? '—']),
        { size: 9 },
      ),
    );

  if (options.archiveName) {
    const date = fmtTime(report.finishedAt, tz).slice(0, 10);
    content.push(paragraph(`${T.issuer[lang]}${zh ? '：' : ': '}${options.archiveName}${T.seal[lang]}`, { align: 'right' }));
    content.push(paragraph(`${T.date[lang]}${date}`, { align: 'right' }));
  }

  return {
    info: {
      title: T.title[lang],
      subject: `${target.name} — ${stageName}`,
      ...(options.archiveName ? { author: options.archiveName } : {}),
      keywords: [zh ? '四性检测' : 'check report', report.stage, report.scheme.id],
      creationDate: options.generatedAt ?? validDate(report.finishedAt),
    },
    language: zh ? 'zh-CN' : 'en',
    header: { left: options.archiveName ?? '', right: `${T.shortTitle[lang]} · ${target.name}` },
    footerText: `${report.scheme.name} v${report.scheme.version} · ${fmtTime(report.finishedAt, tz)}`,
    pageLabel: zh ? zhPageLabel : enPageLabel,
    content,
  };
}

function toSpans(i: Inline): (string | { text: string; color?: Color })[] {
  return typeof i === 'string' ? [i] : [...i];
}

function validDate(iso: string): Date | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Renders the check report to a PDF. */
export function checkReportPdf(report: CheckReport, options: CheckReportPdfOptions = {}): Promise<Buffer> {
  return renderPdf(checkReportDoc(report, options));
}
