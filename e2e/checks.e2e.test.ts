/// <reference lib="dom" />
// End-to-end: 四性检测 (DA/T 70 checks) in real headless Chromium against a real server + PostgreSQL
// with the demo data. The submitting unit uploads a Dangan package (two PDFs) on 归档接收; it is unpacked
// and its GD check runs as a background job, the row follows it to a verdict. The archivist opens the
// report from the row: verdict, counts, the four properties with their items and findings, 只看问题;
// the 3-4 task previews the PDFs; the 2-7 task is completed with a note and an evidence file and shows
// as done; 重新检测 opens a new run, which is compared with the first. The submitter sees the same
// report read-only (no task forms, no re-run); a viewer cannot open it.
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { packFolder } from '../src/packages/pack/index.ts';
import { goodFill, makeSource, tempDir, writeCatalog, PROJECT } from '../src/packages/pack/test-fixtures.ts';
import { writeZip } from '../src/packages/unpack/test-fixtures.ts';
import { startTestServer, type TestServer } from '../src/platform/testing/server.ts';
import type { CheckReport, CheckRun, CheckTask } from '../web/src/api/types.ts';
import { CHROMIUM, ROOT, byTestId, ensureWebBuilt, eventually, expectText, hasChromium, launchChromium, login, menuItem, skipWithoutChromium, textOf } from './harness.ts';

const PROJECT_NAME = '德州市文化中心综合楼工程';
const VERDICT_TEXT = { passed: '通过', failed: '不通过', incomplete: '未完成' } as const;

/** A one-page PDF with a line of text (a real one: the 3-4 preview renders its first page). */
async function pdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text, { x: 60, y: 760, size: 28, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** A Dangan package (BagIt, catalog from the workbook) of two PDFs for `projectCode`, zipped. */
async function danganZip(work: string, projectCode: string): Promise<string> {
  const src = join(work, 'src');
  await makeSource(src, { '立项批复.pdf': await pdf('Project approval 2025'), '用地/规划许可证.pdf': await pdf('Planning permit 2025') });
  const fill = goodFill(['立项批复.pdf', '用地/规划许可证.pdf']);
  fill.project = { ...PROJECT, 项目代码: projectCode, 行政区划代码: '371402' };
  await mkdir(join(work, 'cat'), { recursive: true });
  const catalog = await writeCatalog(join(work, 'cat'), fill);
  const bag = join(work, 'bag');
  const r = await packFolder({ source: src, catalogXlsx: catalog, out: bag, concurrency: 2 });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  const specs = [];
  for (const e of await readdir(bag, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const name = relative(bag, join(e.parentPath, e.name));
    specs.push({ name, data: await readFile(join(bag, name)), method: 8 });
  }
  return writeZip(join(work, '文化中心-归档包.zip'), specs);
}

async function getJson<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(path);
  assert.equal(res.status(), 200, `${path}: ${await res.text()}`);
  return (await res.json()) as T;
}

const taskCard = (page: Page, code: string) => page.locator(`[data-testid="check-task"][data-code="${code}"]`);

// ---------------------------------------------------------------- the test

test('checks: a package is checked after upload, the archivist reads the report and closes a manual task, the submitter reads it only', { skip: skipWithoutChromium('checks e2e test'), timeout: 300_000 }, async (t) => {
  assert.ok(hasChromium, `${CHROMIUM} is missing; CI must install Debian's chromium and fonts-noto-cjk`);
  await ensureWebBuilt();

  const srv: TestServer = await startTestServer({ demo: true });
  const work = await tempDir();
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    await srv.close();
    await rm(work, { recursive: true, force: true });
  });

  const [project] = await srv.rt.db.query<{ id: string; project_code: string }>('SELECT id, project_code FROM project WHERE name = $1', [PROJECT_NAME]);
  assert.ok(project, `the demo has ${PROJECT_NAME}`);
  const zip = await danganZip(work, project.project_code);
  const evidence = join(work, '内容核对记录.txt');
  await writeFile(evidence, '逐页核对：立项批复 1 页、规划许可证 1 页，内容完整。\n');

  browser = await launchChromium();
  const context = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  let runId = '';
  let submissionId = '';

  await t.test('the submitter uploads the package; the row follows its automatic GD check to a verdict', async () => {
    await login(page, 'submitter', srv.demoPassword);
    await page.goto(`/#/submissions/${project.id}`);
    await byTestId(page, 'submissions-page').waitFor();
    await expectText(byTestId(page, 'submission-project'), PROJECT_NAME);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), byTestId(page, 'upload-dragger').locator('.ant-upload').first().click()]);
    await chooser.setFiles(zip);
    const item = page.locator('[data-testid="upload-item"]').first();
    await eventually(async () => assert.equal(await item.getAttribute('data-status'), 'done'), 60_000);
    submissionId = (await byTestId(item, 'upload-submission').getAttribute('data-submission-id')) ?? '';
    assert.ok(submissionId);

    // unpacking, then the GD check as a job: the row links to the run and ends with a verdict tag
    const row = page.locator('[data-testid="submissions-table"] tr.ant-table-row').filter({ hasText: '文化中心-归档包.zip' });
    const check = byTestId(row, 'submission-check');
    await eventually(async () => assert.ok(['passed', 'failed', 'incomplete'].includes((await check.getAttribute('data-verdict')) ?? ''), `row check: ${await check.getAttribute('data-state')}`), 120_000);
    runId = (await check.getAttribute('data-run-id')) ?? '';
    assert.ok(runId);
    const run = await getJson<CheckRun>(page, `/api/checks/${runId}`);
    assert.equal(run.state, 'done');
    assert.equal(run.submissionId, submissionId);
    await expectText(byTestId(row, 'submission-check-verdict'), VERDICT_TEXT[run.verdict!]);
    assert.equal(await check.getAttribute('href'), `#/checks/${runId}`);
  });

  await t.test('the archivist opens the report from the submissions page: verdict, counts, the four properties', async () => {
    await byTestId(page, 'logout-button').click();
    await byTestId(page, 'login-page').waitFor();
    await login(page, 'archivist', srv.demoPassword);
    await page.goto(`/#/submissions/${project.id}`);
    await byTestId(page, 'submissions-page').waitFor();
    const row = page.locator('[data-testid="submissions-table"] tr.ant-table-row').filter({ hasText: '文化中心-归档包.zip' });
    await expectText(byTestId(row, 'submission-state'), '已检测');
    const link = page.locator(`[data-testid="submission-check"][data-run-id="${runId}"]`);
    await link.waitFor({ timeout: 15_000 });
    await link.click();
    await byTestId(page, 'check-page').waitFor();
    assert.match(page.url(), new RegExp(`#/checks/${runId}$`));
    await eventually(async () => assert.match((await menuItem(page, 'submissions').getAttribute('class')) ?? '', /ant-menu-item-selected/));

    const run = await getJson<CheckRun>(page, `/api/checks/${runId}`);
    const report = await getJson<CheckReport>(page, `/api/checks/${runId}/report`);
    await expectText(byTestId(page, 'check-title'), '四性检测报告');
    await expectText(byTestId(page, 'check-verdict'), VERDICT_TEXT[run.verdict!]);
    assert.equal(await byTestId(page, 'check-verdict').getAttribute('data-verdict'), run.verdict);
    await expectText(byTestId(page, 'check-stage'), '归档（GD）');
    await expectText(byTestId(page, 'check-target'), '文化中心-归档包.zip');
    await expectText(byTestId(page, 'check-scheme'), `${report.scheme.name}（第 ${report.scheme.version} 版）`);
    await expectText(byTestId(page, 'check-files'), /^2 个文件，/);
    for (const o of ['pass', 'fail', 'warn', 'manual', 'not-run'] as const) await expectText(byTestId(page, `check-count-${o}`), String(report.summary.counts[o]));
    assert.equal(await byTestId(page, 'check-html').getAttribute('href'), `/api/checks/${runId}/report?format=html&lang=zh`);
    assert.equal(await byTestId(page, 'check-pdf').getAttribute('href'), `/api/checks/${runId}/report?format=pdf&lang=zh`);
    await expectText(byTestId(page, 'check-rerun'), /^重新检测$/);

    // the four properties, in order, with every item of the report
    await eventually(async () => assert.deepEqual((await byTestId(page, 'check-class-title').allTextContents()).map((s) => s.trim()), ['真实性', '完整性', '可用性', '安全性']));
    assert.equal(await page.locator('[data-testid="check-class"] tr[data-code]').count(), report.byItem.length);
    const gd11 = page.locator('[data-testid="check-class"][data-class="authenticity"] tr[data-code="GD-1-1"]');
    await expectText(byTestId(gd11, 'item-outcome'), /^(通过|不通过|警告|待人工|未执行)$/);
    await expectText(byTestId(gd11, 'check-severity'), /^(阻断|提示)$/);
  });

  await t.test('an item expands to its findings; 只看问题 leaves only the items with problems', async () => {
    const report = await getJson<CheckReport>(page, `/api/checks/${runId}/report`);
    // a file-level item: its findings name the files
    const withPaths = report.byItem.find((i) => report.items.some((r) => r.code === i.code && r.subject.endsWith('.pdf')));
    assert.ok(withPaths, 'some item has results per file');
    const row = page.locator(`[data-testid="check-class"] tr[data-code="${withPaths.code}"]`);
    await row.locator('.ant-table-row-expand-icon').click();
    const findings = page.locator('[data-testid="check-findings"]').first();
    await findings.waitFor();
    const subjects = (await byTestId(findings, 'finding-subject').evaluateAll((els) => els.map((e) => e.getAttribute('data-subject') ?? '')));
    assert.ok(subjects.some((s) => s.endsWith('立项批复.pdf')), `findings of ${withPaths.code}: ${subjects.join(', ')}`);
    assert.ok((await textOf(byTestId(findings, 'finding-message').first())).length > 0, 'a finding has a message');

    await byTestId(page, 'check-only-problems').click();
    const problems = report.byItem.filter((i) => i.outcome !== 'pass');
    assert.ok(problems.length > 0, 'at least one item is not a pass (manual items at least)');
    await eventually(async () => assert.equal(await page.locator('[data-testid="check-class"] tr[data-code]').count(), problems.length));
    const outcomes = await page.locator('[data-testid="check-class"] tr[data-code] [data-testid="item-outcome"]').allTextContents();
    assert.ok(outcomes.every((o) => o.trim() !== '通过'), `only problems: ${outcomes.join(', ')}`);
    assert.ok(outcomes.some((o) => o.trim() === '待人工'), 'the manual items are listed');
    await byTestId(page, 'check-only-problems').click();
  });

  await t.test('人工检测: 3-4 previews the PDFs; 2-7 is completed with a note and an evidence file and shows as done', async () => {
    await byTestId(page, 'check-tab-tasks').click();
    await byTestId(page, 'check-tasks').waitFor();
    const tasks = (await getJson<{ items: CheckTask[] }>(page, `/api/checks/${runId}/tasks`)).items;
    assert.ok(tasks.some((x) => x.code === 'GD-2-7'), `tasks: ${tasks.map((x) => x.code).join(', ')}`);
    await eventually(async () => assert.equal(await byTestId(page, 'check-task').count(), tasks.length));
    assert.equal(await byTestId(page, 'check-tasks-read-only').count(), 0);

    // 3-4: the first page of each PDF, rendered by the server
    if (tasks.some((x) => x.code === 'GD-3-4')) {
      const previews = byTestId(taskCard(page, 'GD-3-4'), 'task-preview');
      await eventually(async () => assert.equal(await previews.count(), 2));
      await eventually(async () => {
        const loaded = await previews.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
        assert.deepEqual(loaded, [true, true], 'both previews are real images');
      }, 30_000);
    }

    const card = taskCard(page, 'GD-2-7');
    assert.equal(await card.getAttribute('data-state'), 'open');
    await expectText(byTestId(card, 'task-name'), '内容数据完整性检测');
    // the evidence file goes up at once
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), byTestId(card, 'task-evidence-button').click()]);
    await chooser.setFiles(evidence);
    await expectText(byTestId(card, 'task-evidence-file'), /^内容核对记录\.txt/, 15_000);
    // submitting without an outcome is refused by the form
    await byTestId(card, 'task-submit').click();
    await expectText(card.locator('.ant-form-item-explain-error'), '请选择检测结论');
    await byTestId(card, 'task-outcome-pass').click();
    await byTestId(card, 'task-note-input').fill('已逐页打开两份文件，页数与目录一致，内容完整。');
    await byTestId(card, 'task-submit').click();
    await expectText(byTestId(page, 'task-saved-message'), '已记录 GD-2-7 的检测结论');

    await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'done'), 15_000);
    await expectText(byTestId(card, 'task-state'), '已完成');
    await expectText(byTestId(card, 'task-outcome'), '通过');
    await expectText(byTestId(card, 'task-note'), '已逐页打开两份文件，页数与目录一致，内容完整。');
    await expectText(byTestId(card, 'task-evidence-file'), /^内容核对记录\.txt/);
    await expectText(byTestId(card, 'task-done-by'), /^archivist 于 .+ 完成$/);
    assert.equal(await byTestId(card, 'task-form').count(), 0, 'a done task has no form');

    // the server agrees, and the header follows the (rebuilt) verdict and open-task count
    const after = (await getJson<{ items: CheckTask[] }>(page, `/api/checks/${runId}/tasks`)).items.find((x) => x.code === 'GD-2-7');
    assert.equal(after?.state, 'done');
    assert.equal(after?.outcome, 'pass');
    assert.equal(after?.doneBy, 'archivist');
    assert.equal(after?.evidence?.length, 1);
    const run = await getJson<CheckRun>(page, `/api/checks/${runId}`);
    await expectText(byTestId(page, 'check-verdict'), VERDICT_TEXT[run.verdict!]);
    await expectText(byTestId(page, 'check-open-tasks'), String(tasks.length - 1));
  });

  await t.test('the screenshot of the Chinese report page is saved', async () => {
    await byTestId(page, 'check-tab-items').click();
    await byTestId(page, 'check-items').waitFor();
    const path = join(ROOT, 'e2e', 'screenshots', 'checks.png');
    mkdirSync(dirname(path), { recursive: true });
    await page.mouse.move(0, 0);
    await eventually(async () => assert.equal(await page.locator('.ant-message-notice').count(), 0), 20_000);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000, `${path} is a real image`);
  });

  await t.test('重新检测 opens the new run, which is then compared with the first', async () => {
    await byTestId(page, 'check-rerun').click();
    await eventually(async () => assert.doesNotMatch(page.url(), new RegExp(`#/checks/${runId}$`)), 15_000);
    const newId = /#\/checks\/([^/]+)$/.exec(page.url())?.[1] ?? '';
    assert.ok(newId && newId !== runId);
    await eventually(async () => assert.equal(await byTestId(page, 'check-page').getAttribute('data-run-id'), newId));
    await eventually(async () => assert.equal(await byTestId(page, 'check-page').getAttribute('data-state'), 'done'), 120_000);
    await byTestId(page, 'check-verdict').waitFor();

    await byTestId(page, 'check-tab-compare').click();
    await byTestId(page, 'check-compare').waitFor();
    await byTestId(page, 'check-compare-select').click();
    const options = page.locator('.ant-select-item-option');
    await eventually(async () => assert.equal(await options.count(), 1));
    await options.first().click();
    const diff = await getJson<{ counts: { fixed: number; added: number; remaining: number } }>(page, `/api/checks/${newId}/diff?against=${runId}`);
    for (const k of ['fixed', 'added', 'remaining'] as const) await expectText(byTestId(page, `compare-count-${k}`), String(diff.counts[k]));
    await byTestId(page, 'compare-findings').waitFor();
    await page.goto(`/#/checks/${runId}`);
    await eventually(async () => assert.equal(await byTestId(page, 'check-page').getAttribute('data-run-id'), runId));
  });

  await t.test('in English the report is relabelled', async () => {
    await byTestId(page, 'lang-en').click();
    await expectText(byTestId(page, 'check-title'), 'Four-properties check report');
    await eventually(async () => assert.deepEqual((await byTestId(page, 'check-class-title').allTextContents()).map((s) => s.trim()), ['Authenticity', 'Integrity', 'Usability', 'Security']));
    await expectText(byTestId(page, 'check-stage'), 'Archiving (GD)');
    assert.equal(await byTestId(page, 'check-pdf').getAttribute('href'), `/api/checks/${runId}/report?format=pdf&lang=en`);
    await byTestId(page, 'lang-zh').click();
    await expectText(byTestId(page, 'check-title'), '四性检测报告');
  });

  await t.test('the submitter sees the same report read-only: no task forms, no re-run', async () => {
    await byTestId(page, 'logout-button').click();
    await byTestId(page, 'login-page').waitFor();
    await login(page, 'submitter', srv.demoPassword);
    await page.goto(`/#/checks/${runId}`);
    await byTestId(page, 'check-page').waitFor();
    const run = await getJson<CheckRun>(page, `/api/checks/${runId}`);
    await expectText(byTestId(page, 'check-verdict'), VERDICT_TEXT[run.verdict!]);
    await eventually(async () => assert.equal(await byTestId(page, 'check-class').count(), 4));
    assert.equal(await byTestId(page, 'check-rerun').count(), 0, 'a submitter was offered 重新检测');
    await byTestId(page, 'check-tab-tasks').click();
    await byTestId(page, 'check-tasks-read-only').waitFor();
    await expectText(byTestId(page, 'check-tasks-read-only'), '人工检测由档案员完成；此处仅可查看。');
    assert.ok((await byTestId(page, 'check-task').count()) > 0);
    assert.equal(await byTestId(page, 'task-form').count(), 0, 'a submitter was given a task form');
    assert.equal(await byTestId(page, 'task-submit').count(), 0);
    await expectText(byTestId(taskCard(page, 'GD-2-7'), 'task-state'), '已完成');
    await expectText(byTestId(taskCard(page, 'GD-2-7'), 'task-note'), '已逐页打开两份文件，页数与目录一致，内容完整。');
    // and the API refuses it too
    const open = (await getJson<{ items: CheckTask[] }>(page, `/api/checks/${runId}/tasks`)).items.find((x) => x.state === 'open');
    if (open) assert.equal((await page.request.post(`/api/check-tasks/${open.id}`, { data: { outcome: 'pass', note: '' } })).status(), 403);
  });

  await t.test('a viewer cannot open the report', async () => {
    await byTestId(page, 'logout-button').click();
    await byTestId(page, 'login-page').waitFor();
    await login(page, 'viewer', srv.demoPassword);
    await page.goto(`/#/checks/${runId}`);
    await byTestId(page, 'check-forbidden').waitFor();
    assert.equal(await byTestId(page, 'check-header').count(), 0);
  });

  await t.test('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
