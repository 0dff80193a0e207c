/**
 * `dangan check` as a user runs it (a separate process, no server, no database): exit codes 0 / 1 / 2,
 * the JSON shape (summary + items with code, outcome, subject, message), zip and plain folders, a zip
 * bomb reported as a package defect, HTML and PDF reports, a custom scheme, a bad scheme.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { packFolder } from '../packages/pack/index.ts';
import { goodFill, makeSource, tempDir, writeCatalog } from '../packages/pack/test-fixtures.ts';
import { writeZip, zeroBody } from '../packages/unpack/test-fixtures.ts';
import { runCli } from '../platform/testing/cli.ts';
import { corpus } from '../platform/testing/corpus.ts';

let d: string;
let bag: string;
before(async () => {
  d = await tempDir();
  const src = join(d, 'src');
  await mkdir(src);
  await copyFile(corpus('node-signpdf/resources/w3dummy.pdf'), join(src, '竣工图 说明.pdf'));
  await copyFile(corpus('ofdrw/ofdrw-reader/src/test/resources/helloworld.ofd'), join(src, '验收意见.ofd'));
  await makeSource(src, {});
  const catalog = await writeCatalog(d, goodFill(['竣工图 说明.pdf', '验收意见.ofd']));
  const r = await packFolder({ source: src, catalogXlsx: catalog, out: join(d, 'bag'), concurrency: 2 });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  bag = join(d, 'bag');
});
after(async () => rm(d, { recursive: true, force: true }));

type Json = { summary: { counts: Record<string, number>; verdict: string; blockingFailures: number }; items: { code: string; outcome: string; subject: string; message: { zh: string; en: string } }[]; byItem: { code: string; outcome: string }[] };

test('a good package: exit 0, JSON with summary and items; HTML and PDF reports written', async () => {
  const r = runCli(['check', bag, '--stage', 'GD', '--json', '--html', join(d, 'r.html'), '--pdf', join(d, 'r.pdf')], {});
  assert.equal(r.status, 0, r.stderr + r.stdout.slice(0, 2000));
  const j = JSON.parse(r.stdout) as Json;
  assert.equal(j.summary.blockingFailures, 0);
  assert.ok(j.items.every((i) => /^GD-[1-4]-\d+$/.test(i.code) && typeof i.subject === 'string' && i.message.zh && i.message.en));
  assert.equal(j.byItem.find((i) => i.code === 'GD-1-1')?.outcome, 'pass');
  assert.equal(j.byItem.find((i) => i.code === 'GD-4-2')?.outcome, 'not-run');
  assert.match(await readFile(join(d, 'r.html'), 'utf8'), /电子档案四性检测报告/);
  assert.equal((await readFile(join(d, 'r.pdf'))).subarray(0, 5).toString(), '%PDF-');
  const human = runCli(['check', bag], {});
  assert.equal(human.status, 0);
  assert.match(human.stdout, /结论 \/ verdict/);
  assert.match(human.stdout, /GD-1-1/);
});

test('a package with a changed file: exit 1 and the failing item names the file', async () => {
  const src = join(d, 'bad');
  await rm(src, { recursive: true, force: true });
  await mkdir(src);
  // Copy the bag and change one payload byte after packing.
  for (const f of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'manifest-sm3.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sm3.txt']) await copyFile(join(bag, f), join(src, f));
  await copyFile(join(bag, 'data'), join(src, 'data')).catch(() => undefined);
  const { cp } = await import('node:fs/promises');
  await cp(join(bag, 'data'), join(src, 'data'), { recursive: true });
  const manifest = await readFile(join(bag, 'manifest-sha256.txt'), 'utf8');
  const pdfPath = manifest.split('\n').map((l) => l.split('  ')[1]).find((p) => p?.endsWith('.pdf'))!;
  const bytes = await readFile(join(src, pdfPath));
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
  await writeFile(join(src, pdfPath), bytes);
  const r = runCli(['check', src, '--json'], {});
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout) as Json;
  assert.ok(j.items.some((i) => i.code === 'GD-1-1' && i.outcome === 'fail' && i.subject === pdfPath), JSON.stringify(j.items.filter((i) => i.outcome === 'fail')));
  assert.equal(j.summary.verdict, 'failed');
});

test('a zip bomb is a package defect (exit 1, 1-13), not a crash; a missing path or a bad option is exit 2', async () => {
  const bomb = await writeZip(join(d, 'bomb.zip'), [{ name: 'data/zeros.bin', body: zeroBody(2048), method: 8, declaredSize: 1024 }]);
  const r = runCli(['check', bomb, '--json'], {});
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout) as Json;
  assert.ok(j.items.some((i) => i.code === 'GD-1-13' && i.outcome === 'fail'), JSON.stringify(j.items.filter((i) => i.outcome === 'fail')));
  assert.equal(runCli(['check', join(d, 'nope')], {}).status, 2);
  assert.equal(runCli(['check', bag, '--stage', 'XX'], {}).status, 2);
  assert.equal(runCli(['check'], {}).status, 2);
  await writeFile(join(d, 'scheme-bad.json'), JSON.stringify({ name: 'x', items: { '9-1': {} } }));
  const bad = runCli(['check', bag, '--scheme', join(d, 'scheme-bad.json')], {});
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /9-1/);
});

test('a plain folder is checked file by file; a scheme makes 1-1 a warning so it passes', async () => {
  const plain = join(d, 'plain');
  await mkdir(plain, { recursive: true });
  await copyFile(corpus('node-signpdf/resources/w3dummy.pdf'), join(plain, 'a.pdf'));
  await writeFile(join(plain, 'b.xyz'), Buffer.from([0, 1, 2, 3, 250, 251]));
  const r = runCli(['check', plain, '--json'], {});
  assert.equal(r.status, 1);
  const j = JSON.parse(r.stdout) as Json;
  assert.ok(j.items.some((i) => i.code === 'GD-3-3' && i.outcome === 'fail' && i.subject === 'b.xyz'));
  await writeFile(join(d, 'scheme.json'), JSON.stringify({ name: '宽松方案', items: { '1-1': { severity: 'warning' }, '3-3': { severity: 'warning' }, '2-3': { enabled: false }, '2-4': { enabled: false }, '1-13': { severity: 'warning' } } }));
  const lenient = runCli(['check', plain, '--json', '--scheme', join(d, 'scheme.json')], {});
  assert.equal(lenient.status, 0, lenient.stdout.slice(0, 3000));
});
