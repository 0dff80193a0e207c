/// <reference lib="dom" />
// End-to-end: the 长期保存 (Preservation) page in real headless Chromium against a real server +
// PostgreSQL with the demo volumes preserved at three locations. The archivist sees the policy and
// every location; a content file is corrupted on disk at the same-city location, 立即审计 finds it
// and repairs it from another copy; the volume page shows its package as 已保存; a viewer does not
// get the module.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../src/platform/testing/server.ts';
import { ocflIdFor } from '../src/preservation/index.ts';
import { CHROMIUM, ROOT, byTestId, ensureWebBuilt, eventually, expectText, hasChromium, launchChromium, login, menuItem, skipWithoutChromium, textOf } from './harness.ts';

const locationCard = (page: Page, name: string): Locator => page.locator(`[data-testid="location-card"][data-location="${name}"]`);

// ---------------------------------------------------------------- the test

test('storage: locations and policy, 立即审计 repairs a corrupted copy, the volume shows 已保存, a viewer has no access', { skip: skipWithoutChromium('storage e2e test'), timeout: 300_000 }, async (t) => {
  assert.ok(hasChromium, `${CHROMIUM} is missing; CI must install Debian's chromium and fonts-noto-cjk`);
  await ensureWebBuilt();

  const srv: TestServer = await startTestServer({ preserve: true });
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    await srv.close();
  });

  // The volume to damage: an open, unclassified one, so the viewer may open it later too.
  const [target] = await srv.rt.db.query<{ id: string; archival_code: string }>(
    `SELECT id, archival_code FROM volume WHERE access = 'open' AND classification = 'none' ORDER BY archival_code, id LIMIT 1`);
  assert.ok(target, 'the demo has an open, unclassified volume');
  const ocflId = ocflIdFor(target.id);
  const sameCity = srv.rt.preservation.location('same-city');
  assert.equal(sameCity.config.backend.kind, 'fs');
  const sameCityRoot = join(srv.dataDir, 'preservation', 'same-city');
  assert.equal(sameCity.config.backend.kind === 'fs' ? sameCity.config.backend.path : '', sameCityRoot);
  const content = (await srv.rt.preservation.primary.store.listFiles(ocflId)).find((f) => f.logicalPath.startsWith('records/'));
  assert.ok(content, `${target.archival_code} has a content file`);
  const damagedFile = join(sameCityRoot, sameCity.store.objectRoot(ocflId), content.contentPath);
  const goodBytes = await readFile(damagedFile);

  browser = await launchChromium();
  const context = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  await t.test('the archivist opens 长期保存 from the side menu', async () => {
    await login(page, 'archivist', srv.demoPassword);
    await expectText(byTestId(page, 'nav-preservation'), '长期保存');
    const item = menuItem(page, 'preservation');
    assert.doesNotMatch((await item.getAttribute('class')) ?? '', /ant-menu-item-disabled/, '长期保存 is enabled for an archivist');
    assert.equal(await page.locator('[data-testid="side-menu"] .ant-menu-item-disabled').count(), 5, 'five modules are still "coming soon"');
    await byTestId(page, 'nav-preservation').click();
    await byTestId(page, 'storage-page').waitFor();
    assert.match(page.url(), /#\/storage$/);
    await eventually(async () => assert.match((await item.getAttribute('class')) ?? '', /ant-menu-item-selected/));
    await expectText(byTestId(page, 'storage-title'), '长期保存');
  });

  await t.test('policy, package counts and three location cards with Chinese labels, 7 verified replicas each', async () => {
    await expectText(byTestId(page, 'storage-policy'), '3 份副本，至少 1 份异地');
    await expectText(byTestId(page, 'packages-preserved'), '7');
    await expectText(byTestId(page, 'packages-pending'), '0');
    await expectText(byTestId(page, 'packages-degraded'), '0');
    const cards = byTestId(page, 'location-card');
    await eventually(async () => assert.equal(await cards.count(), 3));
    const expected: Array<[string, string, string]> = [
      ['primary', '主存储', '德州市 · 地震带：华北平原地震带'],
      ['same-city', '同城备份', '德州市 · 地震带：华北平原地震带'],
      ['off-site', '异地备份', '西安市 · 地震带：汾渭地震带'],
    ];
    for (const [name, role, place] of expected) {
      const card = locationCard(page, name);
      await expectText(byTestId(card, 'location-role'), role);
      await expectText(byTestId(card, 'location-kind'), '文件系统');
      await expectText(byTestId(card, 'location-place'), place);
      await expectText(byTestId(card, 'location-verified'), '7');
      await expectText(byTestId(card, 'location-failing'), '0');
      await expectText(byTestId(card, 'location-capacity'), /可用 .+，共 .+/);
      await expectText(byTestId(card, 'location-audit-summary'), '尚未审计');
      await expectText(byTestId(card, 'audit-now'), /^立即审计$/);
    }
    await expectText(byTestId(page, 'findings-table-count'), '共 0 条');
  });

  await t.test('a byte flipped at the same-city copy: 立即审计 finds it (损坏) and repairs it from another location', async () => {
    const bad = Buffer.from(goodBytes);
    const at = Math.floor(bad.length / 2);
    bad[at] = bad[at]! ^ 0xff;
    await writeFile(damagedFile, bad);

    await byTestId(locationCard(page, 'same-city'), 'audit-now').click();
    await expectText(byTestId(page, 'audit-message'), /^(已提交同城备份的全量审计任务|同城备份审计完成.*)$/);
    await expectText(page.locator('[data-testid="audit-message"][data-type="success"]'), '同城备份审计完成：检查 7 个档案包，发现 1 项，未修复 0 项', 60_000);
    assert.equal(await byTestId(page, 'audit-message').count(), 1, 'the result replaces the "queued" notice');

    // the finding and its repair
    const rows = page.locator('[data-testid="findings-table"] tr.ant-table-row');
    await eventually(async () => assert.equal(await rows.count(), 1));
    const row = rows.first();
    await expectText(byTestId(row, 'finding-kind'), '损坏');
    await expectText(byTestId(row, 'finding-repair'), /^已修复，来自(主存储|异地备份)$/);
    await expectText(byTestId(row, 'finding-volume-link'), target.archival_code);
    assert.equal(await byTestId(row, 'finding-volume-link').getAttribute('href'), `#/volumes/${target.id}`);
    assert.match(await textOf(row), /同城备份/);
    assert.ok((await textOf(byTestId(row, 'finding-path'))).endsWith(content.contentPath), 'the finding names the damaged file');
    assert.deepEqual(await readFile(damagedFile), goodBytes, 'the same-city copy holds the good bytes again');

    // the run, and the location card's last audit
    const runRows = page.locator('[data-testid="audit-runs-table"] tr.ant-table-row');
    await eventually(async () => assert.equal(await runRows.count(), 1));
    await expectText(byTestId(runRows.first(), 'run-location'), '同城备份');
    await expectText(byTestId(runRows.first(), 'audit-status'), '已完成');
    await expectText(byTestId(runRows.first(), 'run-findings'), '1');
    await expectText(byTestId(runRows.first(), 'run-unrepaired'), '0');
    const card = locationCard(page, 'same-city');
    await expectText(byTestId(card, 'location-audit-summary'), '检查 7 个档案包，发现 1 项，未修复 0 项');
    await expectText(byTestId(card, 'audit-status'), '已完成');
    await expectText(byTestId(card, 'location-verified'), '7');
    await expectText(byTestId(card, 'location-failing'), '0');
    await expectText(byTestId(page, 'packages-preserved'), '7');
  });

  await t.test('the screenshot of the Chinese storage page is saved', async () => {
    const path = join(ROOT, 'e2e', 'screenshots', 'storage-zh.png');
    mkdirSync(dirname(path), { recursive: true });
    await page.mouse.move(0, 0);
    // the page itself, without the audit's notice over the header
    await eventually(async () => assert.equal(await page.locator('.ant-message-notice').count(), 0), 20_000);
    await page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000, `${path} is a real image`);
  });

  await t.test('the 档号 link opens the volume, whose 长期保存 card says 已保存 with three verified replicas', async () => {
    await byTestId(page, 'finding-volume-link').first().click();
    await byTestId(page, 'volume-detail').waitFor();
    assert.match(page.url(), new RegExp(`#/volumes/${target.id}$`));
    await expectText(byTestId(page, 'volume-archival-code'), target.archival_code);
    const card = byTestId(page, 'preservation-card');
    await card.waitFor();
    await expectText(byTestId(card, 'preservation-state'), '已保存');
    assert.equal(await byTestId(card, 'preservation-state').getAttribute('data-state'), 'preserved');
    await expectText(byTestId(card, 'preservation-version'), 'v1');
    await expectText(byTestId(card, 'preservation-files'), /^\d+$/);
    await eventually(async () => {
      assert.deepEqual((await byTestId(card, 'replica-location').allTextContents()).map((s) => s.trim()), ['主存储', '同城备份', '异地备份']);
      assert.deepEqual((await byTestId(card, 'replica-state').allTextContents()).map((s) => s.trim()), ['已验证', '已验证', '已验证']);
    });
  });

  await t.test('in English the card and the storage page are relabelled', async () => {
    await byTestId(page, 'lang-en').click();
    await expectText(page.locator('[data-testid="preservation-card"] [data-testid="preservation-state"]'), 'Preserved');
    await expectText(byTestId(page, 'nav-preservation'), 'Preservation');
    await byTestId(page, 'nav-preservation').click();
    await byTestId(page, 'storage-page').waitFor();
    await expectText(byTestId(page, 'storage-policy'), '3 copies, at least 1 off-site');
    await expectText(byTestId(locationCard(page, 'same-city'), 'location-role'), 'Same-city backup');
    await expectText(byTestId(locationCard(page, 'same-city'), 'audit-now'), 'Run audit now');
    await expectText(page.locator('[data-testid="findings-table"] [data-testid="finding-kind"]'), 'Corrupted');
    await byTestId(page, 'lang-zh').click();
    await expectText(byTestId(page, 'storage-title'), '长期保存');
  });

  await t.test('a viewer sees 长期保存 as "coming soon", cannot open the page, and gets no preservation card', async () => {
    await byTestId(page, 'logout-button').click();
    await byTestId(page, 'login-page').waitFor();
    await login(page, 'viewer', srv.demoPassword);
    await expectText(byTestId(page, 'user-role'), '查阅人员');
    await expectText(byTestId(page, 'nav-preservation'), /^长期保存\s*即将推出$/);
    assert.match((await menuItem(page, 'preservation').getAttribute('class')) ?? '', /ant-menu-item-disabled/);
    assert.equal(await page.locator('[data-testid="side-menu"] .ant-menu-item-disabled').count(), 7);

    await page.goto('/#/storage');
    await byTestId(page, 'storage-forbidden').waitFor();
    assert.equal(await byTestId(page, 'location-card').count(), 0);
    const res = await page.request.get('/api/storage/locations');
    assert.equal(res.status(), 403);
    assert.equal(((await res.json()) as { code: string }).code, 'auth.forbidden');

    await page.goto(`/#/volumes/${target.id}`);
    await byTestId(page, 'volume-detail').waitFor();
    await expectText(byTestId(page, 'records-table-count'), /\d/);
    assert.equal(await page.locator('[data-testid^="preservation-card"]').count(), 0, 'a viewer was shown the preservation card');
  });

  await t.test('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
