/// <reference lib="dom" />
// End-to-end: 归档接收 (online submission) in real headless Chromium against a real server +
// PostgreSQL with the demo data. The submitting unit opens the page, picks its project, uploads two
// files through the file chooser (one with a Chinese name, one of 12 MiB in several tus chunks), sees
// them reach 100 % and listed as submissions whose SHA-256 matches; a 30 MiB upload whose third PATCH
// is cut off resumes from the server's offset (HEAD) and completes; pause and resume work; a viewer
// does not get the module.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type Locator, type Page, type Route } from 'playwright-core';
import { startTestServer, type TestServer } from '../src/platform/testing/server.ts';
import type { Page as ListPage, Project, Submission, User } from '../web/src/api/types.ts';
import { CHROMIUM, ROOT, byTestId, ensureWebBuilt, eventually, expectText, hasChromium, launchChromium, login, menuItem, skipWithoutChromium, sleep, textOf } from './harness.ts';

const MiB = 1024 * 1024;

const uploadItem = (page: Page, fileName: string): Locator => page.locator(`[data-testid="upload-item"][data-file-name="${fileName}"]`);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface TestFile {
  name: string;
  path: string;
  bytes: Buffer;
}

async function makeFile(dir: string, name: string, size: number): Promise<TestFile> {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { name, path, bytes };
}

async function chooseFiles(page: Page, files: TestFile[]): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), byTestId(page, 'upload-dragger').locator('.ant-upload').first().click()]);
  assert.ok(chooser.isMultiple(), 'the file chooser takes several files');
  await chooser.setFiles(files.map((f) => f.path));
}

async function expectDone(page: Page, file: TestFile, timeoutMs = 60_000): Promise<string> {
  const item = uploadItem(page, file.name);
  await eventually(async () => assert.equal(await item.getAttribute('data-status'), 'done'), timeoutMs);
  assert.equal(await byTestId(item, 'upload-progress').getAttribute('data-percent'), '100');
  await expectText(byTestId(item, 'upload-status'), '已提交');
  const id = await byTestId(item, 'upload-submission').getAttribute('data-submission-id');
  assert.ok(id, `${file.name} shows its submission id`);
  await expectText(byTestId(item, 'upload-submission'), `报送记录 ${id}`);
  return id;
}

// ---------------------------------------------------------------- the test

test('upload: the submitter uploads files (tus, resumable), sees them as submissions, an interrupted upload resumes, a viewer has no access', { skip: skipWithoutChromium('upload e2e test'), timeout: 300_000 }, async (t) => {
  assert.ok(hasChromium, `${CHROMIUM} is missing; CI must install Debian's chromium and fonts-noto-cjk`);
  await ensureWebBuilt();

  const srv: TestServer = await startTestServer({ demo: true });
  const dir = await mkdtemp(join(tmpdir(), 'dangan-upload-e2e-'));
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });

  const chinese = await makeFile(dir, '竣工验收报告（第1册）.pdf', 300 * 1024 + 17);
  const twelve = await makeFile(dir, 'site-scan-12MiB.tif', 12 * MiB + 4321);
  const thirty = await makeFile(dir, '施工图扫描-30MiB.zip', 30 * MiB + 99);

  browser = await launchChromium();
  const context = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  let project: Project | undefined;
  const submissionIds = new Map<string, string>();
  const listSubmissions = async (): Promise<Submission[]> => {
    assert.ok(project);
    const res = await page.request.get(`/api/projects/${project.id}/submissions?limit=50`);
    assert.equal(res.status(), 200, await res.text());
    return ((await res.json()) as ListPage<Submission>).items;
  };

  await t.test('the submitter opens 归档接收 from the side menu and picks the DZ project', async () => {
    await login(page, 'submitter', srv.demoPassword);
    await expectText(byTestId(page, 'user-role'), '报送单位');
    const me = ((await (await page.request.get('/api/auth/me')).json()) as { user: User }).user;
    const projects = ((await (await page.request.get(`/api/repositories/${me.repository.id}/projects?limit=200`)).json()) as ListPage<Project>).items;
    project = projects.find((p) => p.name === '德州市文化中心综合楼工程');
    assert.ok(project, `the submitter sees the DZ project (got ${projects.map((p) => p.name).join(', ')})`);

    await expectText(byTestId(page, 'nav-submissions'), '归档接收');
    assert.doesNotMatch((await menuItem(page, 'submissions').getAttribute('class')) ?? '', /ant-menu-item-disabled/, '归档接收 is enabled for a submitter');
    await byTestId(page, 'nav-submissions').click();
    await byTestId(page, 'submissions-page').waitFor();
    assert.match(page.url(), /#\/submissions(\/|$)/);
    await eventually(async () => assert.match((await menuItem(page, 'submissions').getAttribute('class')) ?? '', /ant-menu-item-selected/));
    await expectText(byTestId(page, 'submissions-title'), '归档接收');

    // pick the project in the selector (the only one offered to this unit)
    await byTestId(page, 'submission-project').click();
    const options = page.locator('.ant-select-item-option');
    await eventually(async () => assert.deepEqual((await options.allTextContents()).map((s) => s.trim()), [project!.name]));
    await options.filter({ hasText: project.name }).click();
    await eventually(async () => assert.match(page.url(), new RegExp(`#/submissions/${project!.id}$`)));
    await expectText(byTestId(page, 'submission-project'), project.name);
    await expectText(byTestId(page, 'submissions-table-count'), '共 0 条');
  });

  await t.test('two files through the file chooser (a Chinese name, 12 MiB in several chunks) reach 100 % and become submissions', async () => {
    assert.ok(project);
    const patches: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'PATCH' && r.url().includes('/api/uploads/')) patches.push(r.url());
    };
    page.on('request', onRequest);
    await chooseFiles(page, [chinese, twelve]);
    await eventually(async () => assert.equal(await byTestId(page, 'upload-item').count(), 2));
    for (const f of [chinese, twelve]) submissionIds.set(f.name, await expectDone(page, f));
    page.off('request', onRequest);
    const perUpload = [...new Set(patches)].map((u) => patches.filter((x) => x === u).length).sort((a, b) => a - b);
    assert.deepEqual(perUpload, [1, 4], 'one PATCH for the small file, four 4 MiB chunks for the 12 MiB one');
    await expectText(byTestId(uploadItem(page, twelve.name), 'upload-bytes'), '12 MB / 12 MB');

    // the table lists both, with their sizes and a shortened SM3
    const rows = page.locator('[data-testid="submissions-table"] tr.ant-table-row');
    await eventually(async () => assert.equal(await rows.count(), 2), 15_000);
    await expectText(byTestId(page, 'submissions-table-count'), '共 2 条');
    const seen = new Map<string, string>();
    for (let i = 0; i < 2; i += 1) {
      const row = rows.nth(i);
      seen.set(await textOf(byTestId(row, 'submission-file-name')), (await byTestId(row, 'submission-size').getAttribute('data-bytes')) ?? '');
      // Unpacked, then checked at once (the automatic GD check): whichever state it has reached.
      await expectText(byTestId(row, 'submission-state'), /^(已接收|检测中|已检测)$/);
      await expectText(byTestId(row, 'submission-sm3'), /^[0-9a-f]{8}…[0-9a-f]{8}$/);
    }
    assert.deepEqual(seen, new Map([[chinese.name, String(chinese.bytes.length)], [twelve.name, String(twelve.bytes.length)]]));

    // and the API stored exactly these bytes
    const items = await listSubmissions();
    for (const f of [chinese, twelve]) {
      const s = items.find((x) => x.fileName === f.name);
      assert.ok(s, `${f.name} is a submission of the project`);
      assert.equal(s.id, submissionIds.get(f.name));
      assert.equal(s.size, f.bytes.length);
      assert.equal(s.sha256, sha256(f.bytes), `${f.name}: the stored SHA-256 is the file's`);
      assert.equal(s.submittedBy, 'submitter');
      assert.equal(s.kind, 'upload');
      assert.match(s.sm3, /^[0-9a-f]{64}$/);
    }
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('dangan.tus:'))), [], 'finished uploads are forgotten');
  });

  await t.test('the screenshot of the Chinese submissions page is saved', async () => {
    const path = join(ROOT, 'e2e', 'screenshots', 'upload-zh.png');
    mkdirSync(dirname(path), { recursive: true });
    await page.mouse.move(0, 0);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000, `${path} is a real image`);
  });

  await t.test('30 MiB with the 3rd PATCH cut off: the client asks HEAD for the offset and completes; pause and resume', async () => {
    let patches = 0;
    let aborted = 0;
    let heads = 0;
    const methods: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.url().includes('/api/uploads')) methods.push(r.method());
      if (r.method() === 'HEAD' && r.url().includes('/api/uploads/')) heads += 1;
    };
    page.on('request', onRequest);
    const handler = async (route: Route) => {
      const req = route.request();
      if (req.method() === 'PATCH') {
        patches += 1;
        if (patches === 3) {
          aborted += 1;
          await route.abort('connectionreset');
          return;
        }
        await sleep(150); // slow enough to watch the progress and to pause
      }
      try {
        await route.continue();
      } catch {
        // the browser gave up on the request (paused): nothing to continue
      }
    };
    await page.route('**/api/uploads/*', handler);
    try {
      await chooseFiles(page, [thirty]);
      const item = uploadItem(page, thirty.name);
      await item.waitFor();
      // partway: the bar moves and a speed is shown
      await eventually(async () => {
        const pct = Number(await byTestId(item, 'upload-progress').getAttribute('data-percent'));
        assert.ok(pct > 0 && pct < 100, `partway (${pct} %)`);
        assert.ok(aborted === 1, 'the 3rd PATCH was cut off');
        // …and the client has asked HEAD and gone on sending (not still waiting out its back-off)
        assert.ok(heads >= 1 && methods.lastIndexOf('PATCH') > methods.indexOf('HEAD'), `resumed after the cut (${methods.join(' ')})`);
        assert.equal(await item.getAttribute('data-status'), 'uploading');
        await expectText(byTestId(item, 'upload-speed'), /^[\d.]+ (B|KB|MB|GB)\/秒$/, 1000);
      }, 30_000);

      // pause: nothing more is sent; resume goes on from the server's offset
      await byTestId(item, 'upload-pause').click();
      await eventually(async () => assert.equal(await item.getAttribute('data-status'), 'paused'));
      await expectText(byTestId(item, 'upload-status'), '已暂停');
      const pausedAt = await byTestId(item, 'upload-progress').getAttribute('data-percent');
      const patchesAtPause = patches;
      await sleep(800);
      assert.equal(await byTestId(item, 'upload-progress').getAttribute('data-percent'), pausedAt);
      assert.ok(patches <= patchesAtPause + 1, 'no PATCHes while paused');
      await byTestId(item, 'upload-resume').click();

      submissionIds.set(thirty.name, await expectDone(page, thirty, 120_000));
      assert.equal(aborted, 1);
      assert.ok(heads >= 2, `the client asked HEAD after the cut and after the pause (${methods.join(' ')})`);
      assert.ok(patches >= 9, `30 MiB in 4 MiB chunks plus the retried one (${patches} PATCHes)`);
    } finally {
      await page.unroute('**/api/uploads/*', handler);
      page.off('request', onRequest);
    }
    const s = (await listSubmissions()).find((x) => x.fileName === thirty.name);
    assert.ok(s, 'the 30 MiB file is a submission');
    assert.equal(s.id, submissionIds.get(thirty.name));
    assert.equal(s.size, thirty.bytes.length);
    assert.equal(s.sha256, sha256(thirty.bytes), 'the resumed upload stored exactly the file');
    const rows = page.locator('[data-testid="submissions-table"] tr.ant-table-row');
    await eventually(async () => assert.equal(await rows.count(), 3));
    await expectText(byTestId(page, 'submissions-table-count'), '共 3 条');
  });

  await t.test('after a reload, choosing the same file again resumes the remembered upload (no new POST)', async () => {
    const file = await makeFile(dir, '监理日志-续传.bin', 10 * MiB + 5);
    let patches = 0;
    const block = async (route: Route) => {
      if (route.request().method() === 'PATCH' && ++patches > 1) {
        await route.abort('internetdisconnected'); // the site's connection is gone after the first chunk
        return;
      }
      await route.continue();
    };
    const uploadsUrl = (u: URL) => u.pathname.startsWith('/api/uploads');
    await page.route(uploadsUrl, block);
    await chooseFiles(page, [file]);
    const item = uploadItem(page, file.name);
    await eventually(async () => assert.equal(await byTestId(item, 'upload-progress').getAttribute('data-percent'), String(Math.floor((4 * MiB * 100) / file.bytes.length))));
    await eventually(async () => assert.equal(await item.getAttribute('data-status'), 'retrying'));
    await expectText(byTestId(item, 'upload-error'), '无法连接服务器，请检查网络后重试。');
    const remembered = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('dangan.tus:')));
    assert.equal(remembered.length, 1, 'the unfinished upload is remembered');

    await page.unroute(uploadsUrl, block);
    await page.reload();
    await byTestId(page, 'submissions-page').waitFor();
    await expectText(byTestId(page, 'unfinished-file-name'), file.name);
    const methods: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.url().includes('/api/uploads')) methods.push(r.method());
    };
    page.on('request', onRequest);
    await chooseFiles(page, [file]);
    const id = await expectDone(page, file);
    page.off('request', onRequest);
    assert.equal(methods[0], 'HEAD', `resumed with HEAD (${methods.join(' ')})`);
    assert.ok(!methods.includes('POST'), `no new upload was created (${methods.join(' ')})`);
    assert.equal(methods.filter((m) => m === 'PATCH').length, 2, 'only the remaining 6 MiB were sent (two chunks)');
    assert.equal(await byTestId(page, 'unfinished-uploads').count(), 0);
    const s = (await listSubmissions()).find((x) => x.fileName === file.name);
    assert.ok(s);
    assert.equal(s.id, id);
    assert.equal(s.sha256, sha256(file.bytes));
  });

  await t.test('the project page offers 报送, which opens the page with the project chosen', async () => {
    assert.ok(project);
    await page.goto(`/#/projects/${project.id}`);
    await byTestId(page, 'project-detail').waitFor();
    await expectText(byTestId(page, 'project-submit-files'), /^报\s*送$/);
    await byTestId(page, 'project-submit-files').click();
    await byTestId(page, 'submissions-page').waitFor();
    assert.match(page.url(), new RegExp(`#/submissions/${project.id}$`));
    await expectText(byTestId(page, 'submission-project'), project.name);
    await expectText(byTestId(page, 'submissions-table-count'), '共 4 条');
  });

  await t.test('in English the page is relabelled', async () => {
    await byTestId(page, 'lang-en').click();
    await expectText(byTestId(page, 'submissions-title'), 'Submissions');
    await expectText(byTestId(page, 'nav-submissions'), 'Submissions');
    await expectText(page.locator('[data-testid="submission-state"]'), /^(Received|Checking|Checked)$/);
    await byTestId(page, 'lang-zh').click();
    await expectText(byTestId(page, 'submissions-title'), '归档接收');
  });

  await t.test('a viewer sees 归档接收 as "coming soon", cannot use the page, and gets no 报送 button', async () => {
    assert.ok(project);
    await byTestId(page, 'logout-button').click();
    await byTestId(page, 'login-page').waitFor();
    await login(page, 'viewer', srv.demoPassword);
    await expectText(byTestId(page, 'user-role'), '查阅人员');
    await expectText(byTestId(page, 'nav-submissions'), /^归档接收\s*即将推出$/);
    assert.match((await menuItem(page, 'submissions').getAttribute('class')) ?? '', /ant-menu-item-disabled/);
    await page.goto(`/#/submissions/${project.id}`);
    await byTestId(page, 'submissions-forbidden').waitFor();
    assert.equal(await byTestId(page, 'upload-dragger').count(), 0);
    await page.goto(`/#/projects/${project.id}`);
    await byTestId(page, 'project-detail').waitFor();
    assert.equal(await byTestId(page, 'project-submit-files').count(), 0, 'a viewer was offered 报送');
    const res = await page.request.fetch('/api/uploads', {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '1', 'upload-metadata': `filename ${Buffer.from('a.txt').toString('base64')},projectId ${Buffer.from(project.id).toString('base64')}` },
    });
    assert.equal(res.status(), 403, 'the API refuses a viewer too');
  });

  await t.test('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
