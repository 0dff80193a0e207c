/// <reference lib="dom" />
// End-to-end: the real web app in real headless Chromium against a real server + PostgreSQL
// with the demo data. Log in, browse 档案馆 › 项目 › 单位工程 › 案卷, open a component,
// switch language, take the screenshots, log out and check what a guest may see.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { chromium, request, type APIRequestContext, type Browser, type Page } from 'playwright-core';
import { startTestServer } from '../src/platform/testing/server.ts';
import type { ArchiveRecord, Page as ListPage, ProjectDetail, Repository, User, Volume } from '../web/src/api/types.ts';
import { CHROMIUM, ROOT, byTestId, ensureWebBuilt, eventually, expectText, hasChromium, launchChromium, skipWithoutChromium, textOf } from './harness.ts';

const CJK = /[\u4e00-\u9fff]/;

async function getJson<T>(ctx: APIRequestContext, path: string): Promise<T> {
  const res = await ctx.get(path);
  assert.equal(res.status(), 200, `GET ${path} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()) as T;
}

interface VolumeAt {
  volume: Volume;
  repository: Repository;
  projectName: string;
  unitProjectId: string;
  unitProjectName: string;
}

/** Walks the demo catalog through the API (it is small: three projects). */
async function walkCatalog(ctx: APIRequestContext): Promise<VolumeAt[]> {
  const out: VolumeAt[] = [];
  const repos = await getJson<ListPage<Repository>>(ctx, '/api/repositories?limit=200');
  for (const repository of repos.items) {
    const projects = await getJson<ListPage<{ id: string }>>(ctx, `/api/repositories/${repository.id}/projects?limit=200`);
    for (const p of projects.items) {
      const detail = await getJson<ProjectDetail>(ctx, `/api/projects/${p.id}`);
      for (const u of detail.unitProjects) {
        const vols = await getJson<ListPage<Volume>>(ctx, `/api/unit-projects/${u.id}/volumes?limit=200`);
        for (const volume of vols.items) {
          out.push({ volume, repository, projectName: detail.project.name, unitProjectId: u.id, unitProjectName: u.name });
        }
      }
    }
  }
  return out;
}

/** Clicks through 档案馆 › 项目 › 单位工程 in the UI, by the names the API gave. */
async function openUnitProject(page: Page, at: VolumeAt, expectRows = true): Promise<void> {
  await byTestId(page, 'nav-browse').click();
  await byTestId(page, 'repositories-table').waitFor();
  await byTestId(page, 'repository-link').filter({ hasText: at.repository.name }).first().click();
  await byTestId(page, 'project-link').filter({ hasText: at.projectName }).first().click();
  await byTestId(page, 'project-detail').waitFor();
  await byTestId(page, 'unit-project-link').filter({ hasText: at.unitProjectName }).first().click();
  await byTestId(page, 'unit-project-detail').waitFor();
  // the count line appears once the first page has been answered
  await expectText(byTestId(page, 'volumes-table-count'), /\d/);
  await eventually(async () => {
    assert.equal(await page.locator('[data-testid="volumes-table"] .ant-spin-spinning').count(), 0, 'volumes still loading');
    if (expectRows) assert.ok((await page.locator('[data-testid="volumes-table"] tr.ant-table-row').count()) > 0, 'volumes table has no rows');
  });
}

// ---------------------------------------------------------------- the test

test('web: login, browse the catalog, open a component, switch language, guest sees only open volumes', { skip: skipWithoutChromium('web e2e test'), timeout: 300_000 }, async (t) => {
  assert.ok(hasChromium, `${CHROMIUM} is missing; CI must install Debian's chromium and fonts-noto-cjk`);
  await ensureWebBuilt();

  const srv = await startTestServer({ demo: true, preserve: true }) // as `npm start` does: the demo is preserved;
  let browser: Browser | undefined;
  let api: APIRequestContext | undefined;
  t.after(async () => {
    await api?.dispose();
    await browser?.close();
    await srv.close();
  });

  // What the demo holds, seen through the API as the archivist.
  api = await request.newContext({ baseURL: srv.baseUrl });
  const loginRes = await api.post('/api/auth/login', { data: { username: 'archivist', password: srv.demoPassword } });
  assert.equal(loginRes.status(), 200, `API login as archivist: ${await loginRes.text()}`);
  const archivist = ((await loginRes.json()) as { user: User }).user;
  const all = await walkCatalog(api);
  assert.ok(all.length > 0, 'the demo catalog has volumes');

  let target: { at: VolumeAt; records: ArchiveRecord[] } | undefined;
  for (const at of all) {
    if (at.volume.access !== 'open' || at.volume.recordCount === 0) continue;
    const recs = await getJson<ListPage<ArchiveRecord>>(api, `/api/volumes/${at.volume.id}/records?limit=50`);
    const hasPdf = recs.items.some((r) => r.components.some((c) => /pdf/i.test(c.format) || /\.pdf$/i.test(c.fileName)));
    if (hasPdf) {
      target = { at, records: recs.items };
      if (at.repository.id === archivist.repository.id) break; // prefer the archivist's own repository
    }
  }
  assert.ok(target, 'the demo has an open volume with PDF components');
  const restricted = all.find((a) => a.volume.access === 'restricted');
  assert.ok(restricted, 'the demo has a restricted (控制使用) volume');
  const openSiblings = all.filter((a) => a.unitProjectId === restricted.unitProjectId && a.volume.access === 'open');

  browser = await launchChromium();
  const context = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  await t.test('the Chinese login page is shown at /', async () => {
    await page.goto('/');
    await byTestId(page, 'login-page').waitFor();
    assert.match(page.url(), /#\/login$/);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    await expectText(byTestId(page, 'login-product-name'), 'Dangan 城建电子档案系统');
    await expectText(byTestId(page, 'login-submit'), /^登\s*录$/);
    await expectText(byTestId(page, 'guest-link'), '以访客身份浏览开放档案');
  });

  await t.test('a wrong password shows the API error message in Chinese', async () => {
    await byTestId(page, 'login-username').fill('archivist');
    await byTestId(page, 'login-password').fill(`${srv.demoPassword}-wrong`);
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'login-error').waitFor();
    assert.match(await textOf(byTestId(page, 'login-error')), CJK);
    assert.match(page.url(), /#\/login$/);
  });

  await t.test('the archivist logs in and sees the Chinese layout and nav', async () => {
    await byTestId(page, 'login-password').fill(srv.demoPassword);
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'app-layout').waitFor();
    assert.match(page.url(), /#\/browse$/);
    await expectText(byTestId(page, 'product-name'), 'Dangan 城建电子档案系统');
    await expectText(byTestId(page, 'user-role'), '档案员');
    await expectText(byTestId(page, 'user-repository'), archivist.repository.name);
    await expectText(byTestId(page, 'user-name'), archivist.displayName);
    await expectText(byTestId(page, 'nav-browse'), '档案浏览');
    await expectText(byTestId(page, 'nav-checks'), /^四性检测\s*即将推出$/);
    const disabled = page.locator('[data-testid="side-menu"] .ant-menu-item-disabled');
    assert.equal(await disabled.count(), 5, 'five modules are "coming soon" (归档接收 and 长期保存 are open to archivists)');
    await expectText(byTestId(page, 'nav-preservation'), '长期保存');
    await expectText(page.locator('[data-testid="breadcrumbs"] li').first(), '档案馆');
    await eventually(async () => {
      const names = await byTestId(page, 'repository-link').allTextContents();
      assert.ok(names.includes(target.at.repository.name), `repositories listed: ${names.join(', ')}`);
    });
  });

  await t.test('click through 档案馆 › 项目 › 单位工程 › 案卷 to the records', async () => {
    await openUnitProject(page, target.at);
    await byTestId(page, 'volume-link').filter({ hasText: target.at.volume.title }).first().click();
    await byTestId(page, 'volume-detail').waitFor();
    assert.match(page.url(), new RegExp(`#/volumes/${target.at.volume.id}$`));
    await expectText(byTestId(page, 'volume-archival-code'), target.at.volume.archivalCode);
    await eventually(async () => {
      const crumbs = (await page.locator('[data-testid="breadcrumbs"] li:not(.ant-breadcrumb-separator)').allTextContents()).map((s) => s.trim());
      assert.deepEqual(crumbs, ['档案馆', target.at.repository.name, target.at.projectName, target.at.unitProjectName, target.at.volume.archivalCode]);
    });
    await eventually(async () => {
      const titles = await byTestId(page, 'record-title').allTextContents();
      assert.deepEqual(titles, target.records.map((r) => r.title));
    });
    const titles = await byTestId(page, 'record-title').allTextContents();
    assert.ok(titles.some((s) => CJK.test(s)), 'record titles are Chinese');
  });

  await t.test('a component link opens /api/components/:id/content and serves a PDF', async () => {
    const link = byTestId(page, 'component-link').first();
    const hrefAttr = await link.getAttribute('href');
    assert.ok(hrefAttr, 'component link has an href');
    assert.match(hrefAttr, /^\/api\/components\/[^/]+\/content$/);
    assert.equal(await link.getAttribute('target'), '_blank');
    const res = await page.request.get(hrefAttr);
    assert.equal(res.status(), 200);
    const body = await res.body();
    assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
  });

  await t.test('switching to English relabels the UI and is remembered', async () => {
    // The Chinese page is the README's picture: Chinese is the default UI language.
    for (const path of [join(ROOT, 'e2e', 'screenshots', 'browse-zh.png'), join(ROOT, 'docs', 'screenshot.png')]) {
      mkdirSync(dirname(path), { recursive: true });
      await page.screenshot({ path, fullPage: true });
      assert.ok(statSync(path).size > 10_000, `${path} is a real image`);
    }
    await byTestId(page, 'lang-en').click();
    await expectText(byTestId(page, 'nav-browse'), 'Browse');
    await expectText(byTestId(page, 'user-role'), 'Archivist');
    await expectText(byTestId(page, 'product-name'), 'Dangan Urban-Construction e-Archives');
    await expectText(page.locator('[data-testid="breadcrumbs"] li').first(), 'Repositories');
    const headers = await page.locator('[data-testid="records-table"] thead th').allTextContents();
    for (const h of ['No.', 'Document no.', 'Author', 'Title', 'Date', 'Pages']) assert.ok(headers.includes(h), `records header "${h}" in ${headers.join('|')}`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.evaluate(() => window.localStorage.getItem('dangan.lang')), 'en');
  });

  await t.test('screenshots are saved (1280×800, full page)', async () => {
    const shots = [join(ROOT, 'e2e', 'screenshots', 'browse-en.png')];
    for (const path of shots) {
      mkdirSync(dirname(path), { recursive: true });
      await page.screenshot({ path, fullPage: true });
      assert.ok(statSync(path).size > 10_000, `${path} is a real image`);
    }
  });

  await t.test('logging out returns to the login page and ends the session', async () => {
    await byTestId(page, 'logout-button').click();
    await byTestId(page, 'login-page').waitFor();
    assert.match(page.url(), /#\/login$/);
    await expectText(byTestId(page, 'guest-link'), 'Browse open records as a guest');
    const me = await page.request.get('/api/auth/me');
    assert.equal(me.status(), 200);
    assert.deepEqual(await me.json(), { user: null });
  });

  await t.test('a guest sees only open volumes', async () => {
    await byTestId(page, 'guest-link').click();
    await byTestId(page, 'app-layout').waitFor();
    await expectText(byTestId(page, 'user-role'), 'Public');
    await openUnitProject(page, restricted, openSiblings.length > 0);
    const codes = (await page.locator('[data-testid="volumes-table"] tr.ant-table-row td:first-child').allTextContents()).map((s) => s.trim());
    assert.ok(!codes.includes(restricted.volume.archivalCode), `restricted ${restricted.volume.archivalCode} listed to a guest`);
    assert.deepEqual([...codes].sort(), openSiblings.map((a) => a.volume.archivalCode).sort(), 'the guest sees every open volume of the unit project');
    assert.equal(await byTestId(page, 'access-restricted').count(), 0);

    const listed = await page.request.get(`/api/unit-projects/${restricted.unitProjectId}/volumes?limit=200`);
    assert.equal(listed.status(), 200);
    const ids = ((await listed.json()) as ListPage<Volume>).items.map((v) => v.id);
    assert.ok(!ids.includes(restricted.volume.id), 'the API lists the restricted volume to a guest');

    await page.goto(`/#/volumes/${restricted.volume.id}`);
    await byTestId(page, 'error-alert').waitFor();
    assert.equal(await byTestId(page, 'volume-detail').count(), 0, 'a guest opened a restricted volume');
  });

  await t.test('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
