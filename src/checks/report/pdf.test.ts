import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readPdf } from '../../platform/pdf/testing.ts';
import type { CheckClass, CheckReport, CheckResult, CheckTask, ItemSummary, Outcome, Severity } from '../model.ts';
import { OUTCOMES } from '../model.ts';
import { checkReportDoc, checkReportPdf } from './pdf.ts';

type ItemFixture = { item: string; class: CheckClass; zh: string; en: string; severity: Severity; automation: ItemSummary['automation'] };
const ITEMS: ItemFixture[] = [
  { item: '1-1', class: 'authenticity', zh: '固化信息有效性检测', en: 'Validity of fixity information', severity: 'blocking', automation: 'A' },
  { item: '1-7', class: 'authenticity', zh: '档号规范性检测', en: 'Archival code rule', severity: 'blocking', automation: 'A' },
  { item: '2-1', class: 'integrity', zh: '总件数相符性检测', en: 'Total item count', severity: 'blocking', automation: 'A' },
  { item: '2-4', class: 'integrity', zh: '元数据必填著录项目检测', en: 'Mandatory metadata present', severity: 'blocking', automation: 'A' },
  { item: '3-3', class: 'usability', zh: '内容数据格式检测', en: 'Content format allowed', severity: 'warning', automation: 'A' },
  { item: '3-4', class: 'usability', zh: '内容数据的可读性检测', en: 'Content readable (inspected)', severity: 'blocking', automation: 'S' },
  { item: '4-2', class: 'security', zh: '病毒感染检测', en: 'Virus scan', severity: 'blocking', automation: 'T' },
  { item: '4-5', class: 'security', zh: '载体外观检测', en: 'Carrier appearance (inspected)', severity: 'warning', automation: 'M' },
];

const zero = (): Record<Outcome, number> => ({ pass: 0, fail: 0, warn: 0, manual: 0, 'not-run': 0 });
const RANK: Record<Outcome, number> = { pass: 0, warn: 1, 'not-run': 2, manual: 3, fail: 4 };

/** `perItem` results per item: a realistic mix — most pass, some fail/warn, manual and not-run where the item is so. */
function makeReport(perItem: number): CheckReport {
  const items: CheckResult[] = [];
  const byItem: ItemSummary[] = [];
  for (const def of ITEMS) {
    const code = `GD-${def.item}`;
    const rs: CheckResult[] = [];
    for (let i = 0; i < perItem; i++) {
      const path = `payload/市政道路工程/第${String(Math.floor(i / 50) + 1).padStart(3, '0')}卷/${String(i + 1).padStart(4, '0')}-施工图设计说明.pdf`;
      let outcome: Outcome = 'pass';
      if (def.automation === 'M') outcome = 'manual';
      else if (def.automation === 'T') outcome = 'not-run';
      else if (i % 7 === 3) outcome = def.severity === 'warning' ? 'warn' : 'fail';
      else if (i % 11 === 5) outcome = 'warn';
      rs.push({
        code,
        outcome,
        subject: i % 13 === 0 ? `record:GC-2024-${i}` : path,
        ...(i % 13 === 0 ? {} : { record: `GC-2024-${Math.floor(i / 50)}` }),
        message:
          outcome === 'fail'
            ? { zh: `SHA-256 摘要与元数据不一致（第 ${i + 1} 件）`, en: `SHA-256 digest differs from the metadata (item ${i + 1})` }
            : outcome === 'warn'
              ? { zh: '格式不在长期保存推荐格式之列', en: 'format not among those recommended for long-term preservation' }
              : outcome === 'manual'
                ? { zh: '须人工检查载体外观', en: 'a person must inspect the carrier' }
                : outcome === 'not-run'
                  ? { zh: '未配置病毒扫描工具', en: 'no virus scanner configured' }
                  : { zh: '通过', en: 'passed' },
      });
    }
    const counts = zero();
    for (const r of rs) counts[r.outcome]++;
    const outcome = rs.reduce<Outcome>((w, r) => (RANK[r.outcome] > RANK[w] ? r.outcome : w), 'pass');
    byItem.push({ code, item: def.item, class: def.class, name: { zh: def.zh, en: def.en }, automation: def.automation, severity: def.severity, outcome, counts });
    items.push(...rs);
  }
  const tasks: CheckTask[] = [
    { id: 'T-0001', code: 'GD-4-5', name: { zh: '载体外观检测', en: 'Carrier appearance' }, state: 'open', assignee: '张三' },
    { id: 'T-0002', code: 'GD-3-4', name: { zh: '内容数据的可读性抽查', en: 'Readability spot check' }, state: 'open' },
    { id: 'T-0003', code: 'GD-1-1', name: { zh: '签章人工复核', en: 'Seal review' }, state: 'done', outcome: 'pass', doneBy: '李四', doneAt: '2025-03-01T09:00:00Z' },
  ];
  const counts = zero();
  for (const r of items) counts[r.outcome]++;
  const blockingFailures = items.filter((r) => r.outcome === 'fail' && ITEMS.find((d) => `GD-${d.item}` === r.code)?.severity === 'blocking').length;
  return {
    format: 'dangan-check-report',
    version: 1,
    stage: 'GD',
    scheme: { id: 'gd-default', name: '城建档案归档检测方案', version: 3 },
    target: { kind: 'package', name: '某市政道路工程竣工档案', path: 'packages/市政道路工程.zip' },
    startedAt: '2025-03-01T07:58:00.000Z',
    finishedAt: '2025-03-01T08:00:00.000Z',
    tool: 'Dangan 0.1.0',
    summary: { counts, blockingFailures, openTasks: tasks.filter((t) => t.state === 'open').length, verdict: blockingFailures ? 'failed' : 'incomplete', files: perItem, bytes: perItem * 1_234_567 },
    byItem,
    items,
    tasks,
  };
}

function emptyReport(): CheckReport {
  return {
    format: 'dangan-check-report',
    version: 1,
    stage: 'YJ',
    scheme: { id: 'yj', name: '移交检测方案', version: 1 },
    target: { kind: 'submission', name: '2025 年第 1 批移交', submissionId: 's1' },
    startedAt: '2025-03-01T07:58:00.000Z',
    finishedAt: '2025-03-01T08:00:00.000Z',
    tool: 'Dangan 0.1.0',
    summary: { counts: zero(), blockingFailures: 0, openTasks: 0, verdict: 'passed', files: 0, bytes: 0 },
    byItem: [],
    items: [],
    tasks: [],
  };
}

/** pdf.js may split a line into several runs: compare without whitespace. */
const squash = (s: string) => s.replace(/\s+/g, '');

test('a realistic report renders and reads back in Chinese', async (t) => {
  const report = makeReport(120);
  const t0 = performance.now();
  const pdf = await checkReportPdf(report, { archiveName: '某市城市建设档案馆' });
  t.diagnostic(`960 results: ${Math.round(performance.now() - t0)} ms, ${pdf.length} bytes`);
  const back = await readPdf(pdf);
  const text = squash(back.text);
  assert.ok(back.pages.length > 1, 'several pages');
  assert.equal(back.info.Title, '电子档案四性检测报告');
  assert.equal(back.info.Author, '某市城市建设档案馆');
  assert.equal(back.info.Creator, 'Dangan');
  for (const s of ['电子档案四性检测报告', '检测环节：归档', '某市政道路工程竣工档案', '城建档案归档检测方案（第3版', '检测结论：不通过',
    '真实性', '完整性', '可用性', '安全性', '固化信息有效性检测', '阻断', '提示', '待人工', '未检测', '警告',
    '二、问题清单', 'SHA-256摘要与元数据不一致（第4件）', '三、待完成的人工检测任务', '张三', '内容数据的可读性抽查', '未配置病毒扫描工具',
    '2025-03-0116:00:00（北京时间）', '第1页共', '出具单位：某市城市建设档案馆']) {
    assert.ok(text.includes(squash(s)), `missing: ${s}`);
  }
  // a Chinese path survives (possibly wrapped: compare squashed)
  assert.ok(text.includes(squash('payload/市政道路工程/第001卷/0004-施工图设计说明.pdf')), 'Chinese path');
  // the done task is not listed as open
  assert.ok(!text.includes('签章人工复核'));
  // every page says "第 n 页 共 N 页"
  back.pages.forEach((p, i) => assert.ok(squash(p).includes(`第${i + 1}页共${back.pages.length}页`), `page label on page ${i + 1}`));
});

test('English report', async () => {
  const back = await readPdf(await checkReportPdf(makeReport(20), { lang: 'en' }));
  const text = squash(back.text);
  for (const s of ['Verdict: Failed', 'Authenticity', 'Security', 'Validity of fixity information', 'SHA-256 digest differs', 'Open manual tasks', 'Page 1 of']) {
    assert.ok(text.includes(squash(s)), `missing: ${s}`);
  }
  // paths stay as they are
  assert.ok(text.includes(squash('市政道路工程')));
});

test('an empty report renders', async () => {
  const back = await readPdf(await checkReportPdf(emptyReport()));
  const text = squash(back.text);
  for (const s of ['电子档案四性检测报告', '检测环节：移交与接收', '检测结论：通过', '本环节无此类检测项', '二、问题清单', '无。']) assert.ok(text.includes(s), `missing: ${s}`);
});

test('the problem list is capped per item and in total, and says so', async () => {
  const report = makeReport(400);
  const spec = checkReportDoc(report, { maxResultsPerItem: 10, maxResults: 25 });
  const back = await readPdf(await checkReportPdf(report, { maxResultsPerItem: 10, maxResults: 25 }));
  const text = squash(back.text);
  assert.ok(spec.content.length > 0);
  const problems = report.items.filter((r) => r.outcome !== 'pass').length;
  assert.ok(text.includes(squash(`共 ${problems.toLocaleString('en-US')} 条`)));
  assert.ok(text.includes('每个检测项最多列出10条，全部最多列出25条'));
  assert.ok(text.includes(squash(`本清单另有 ${(problems - 25).toLocaleString('en-US')} 条结果未列出`)));
  assert.ok(text.includes('…另有'));
});

test('the same report renders to the same bytes', async () => {
  const report = makeReport(30);
  const [a, b] = await Promise.all([checkReportPdf(report), checkReportPdf(report)]);
  assert.ok(a.equals(b));
  const c = await checkReportPdf(report, { generatedAt: new Date('2030-01-01T00:00:00Z') });
  assert.ok(!a.equals(c), 'a different creation date changes the bytes');
});

test('20,000 results render within a bound, memory stays reasonable', async (t) => {
  const report = makeReport(2500); // 8 items × 2,500 = 20,000 results, ≈ 6,000 not passing
  assert.equal(report.items.length, 20_000);
  await checkReportPdf(makeReport(5)); // fonts loaded, code warm
  const gc = exposeGc();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const pdf = await checkReportPdf(report);
  const ms = performance.now() - t0;
  const heapAfter = process.memoryUsage().heapUsed;
  gc();
  const retained = process.memoryUsage().heapUsed - heap0;
  t.diagnostic(`20,000 results: ${Math.round(ms)} ms, ${pdf.length} bytes; heap +${Math.round((heapAfter - heap0) / 1e6)} MB before GC, +${Math.round(retained / 1e6)} MB after`);
  const back = await readPdf(pdf);
  t.diagnostic(`${back.pages.length} pages`);
  assert.ok(back.pages.length > 5);
  assert.ok(squash(back.text).includes('本清单另有'));
  // measured ≈ 0.8–1.4 s on the dev box; the bound leaves room for a slow CI runner
  assert.ok(ms < 10_000, `took ${ms} ms`);
  assert.ok(retained < 64e6, `heap retained ${retained} bytes`);
});

/** `global.gc` without starting node with --expose-gc (test only). */
function exposeGc(): () => void {
  if (typeof global.gc === 'function') return global.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
