/**
 * The engine on real files from the shared corpus, inside a real Dangan package, on the worker pool:
 * signatures and seals that verify and ones edited after sealing, scans with and without dpi, a truncated
 * file, an IFC model; a real clamd finding EICAR; a validator cut by its time limit is never a pass.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { corpus } from '../../platform/testing/corpus.ts';
import { packFolder } from '../../packages/pack/index.ts';
import { goodFill, tempDir, writeCatalog } from '../../packages/pack/test-fixtures.ts';
import { readDanganBag } from '../../packages/index.ts';
import { eicar, startClamd } from '../virus/testing.ts';
import { ClamdScanner } from '../virus/index.ts';
import type { CheckReport, CheckResult } from '../model.ts';
import { DEFAULT_SCHEME, parseScheme } from '../scheme/scheme.ts';
import { createFilePool } from './file-pool.ts';
import { runCheck, type VirusScanner } from './run.ts';

let work: string;
let bag: string;
const FILES: Record<string, string> = {
  '签名文件.pdf': corpus('node-signpdf/resources/signed-once.pdf'),
  '文本.pdf': corpus('node-signpdf/resources/w3dummy.pdf'),
  '电子印章.ofd': corpus('ofdrw/ofdrw-sign/src/test/resources/v4signed.ofd'),
  '发票-签章后被改动.ofd': corpus('ofdrw/ofdrw-converter/src/test/resources/发票示例.ofd'),
  '扫描件-400dpi.tif': corpus('pillow-test-images/Tests/images/g4-multi.tiff'),
  '扫描件-无dpi.jpg': corpus('pillow-test-images/Tests/images/no-dpi-in-exif.jpg'),
  '模型.ifc': corpus('ifc-gherkin-rules/test/files/PJS/pjs000/pass-pjs000-project_present.ifc'),
};

before(async () => {
  work = await tempDir();
  const src = join(work, 'src');
  await mkdir(src, { recursive: true });
  for (const [name, from] of Object.entries(FILES)) await copyFile(from, join(src, name));
  // A truncated PDF: the first half of a real one.
  const whole = await readFile(corpus('node-signpdf/resources/contributing.pdf'));
  await writeFile(join(src, '截断.pdf'), whole.subarray(0, Math.floor(whole.length / 2)));
  await writeFile(join(src, '病毒.txt'), eicar());
  const names = [...Object.keys(FILES), '截断.pdf', '病毒.txt'];
  await mkdir(join(work, 'cat'));
  const catalog = await writeCatalog(join(work, 'cat'), goodFill(names));
  const r = await packFolder({ source: src, catalogXlsx: catalog, out: join(work, 'bag'), concurrency: 2 });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  bag = join(work, 'bag');
});
after(async () => rm(work, { recursive: true, force: true }));

async function check(virus?: VirusScanner | { unavailable: string }, timeoutMs = 30_000): Promise<CheckReport> {
  const pkg = await readDanganBag(bag, { payloadDigests: false });
  const pool = createFilePool({ workers: 2, timeoutMs });
  try {
    return await runCheck({ stage: 'GD', scheme: DEFAULT_SCHEME, root: bag, pkg, target: { kind: 'package', name: 'bag' }, pool, ...(virus ? { virus } : {}), ...(pkg.registered ? { registered: pkg.registered } : {}) });
  } finally {
    await pool.close();
  }
}
const of = (r: CheckReport, code: string, file: string): CheckResult[] => r.items.filter((i) => i.code === code && i.subject.endsWith(file));

test('real files: seals and signatures verify or fail at the right step; scans, truncation and models are judged', async () => {
  const r = await check();
  // 1-1: the intact OFD seal and PDF signature pass, with trust reported separately; the edited invoice fails.
  const seal = of(r, 'GD-1-1', '电子印章.ofd');
  assert.ok(seal.some((x) => x.outcome === 'pass' && x.evidence?.kind === 'ofd-seal'), JSON.stringify(seal));
  assert.ok(seal.every((x) => x.outcome === 'pass'));
  const pdfSig = of(r, 'GD-1-1', '签名文件.pdf');
  assert.ok(pdfSig.some((x) => x.outcome === 'pass' && x.evidence?.kind === 'pdf'), JSON.stringify(pdfSig));
  const edited = of(r, 'GD-1-1', '发票-签章后被改动.ofd');
  assert.ok(edited.some((x) => x.outcome === 'fail'), JSON.stringify(edited));
  // 3-3: the truncated PDF fails; the scan without dpi is a warning (never 72 dpi); the G4 scan passes.
  assert.equal(of(r, 'GD-3-3', '截断.pdf')[0]?.outcome, 'fail', JSON.stringify(of(r, 'GD-3-3', '截断.pdf')));
  assert.equal(of(r, 'GD-3-3', '扫描件-无dpi.jpg')[0]?.outcome, 'warn');
  assert.equal(of(r, 'GD-3-3', '扫描件-400dpi.tif')[0]?.outcome, 'pass', JSON.stringify(of(r, 'GD-3-3', '扫描件-400dpi.tif')));
  assert.equal(of(r, 'GD-3-3', '模型.ifc')[0]?.outcome, 'pass');
  assert.equal(of(r, 'GD-3-3', '文本.pdf')[0]?.outcome, 'pass');
  // 1-1 digests: every file matches the package's manifests.
  assert.ok(r.items.filter((i) => i.code === 'GD-1-1' && /digests match/.test(i.message.en)).length >= 9);
  // 2-1 / 2-2 from bag-info; 4-2 not run (no scanner); the verdict is failed (blocking failures).
  assert.equal(r.byItem.find((i) => i.code === 'GD-2-1')?.outcome, 'pass');
  assert.equal(r.byItem.find((i) => i.code === 'GD-4-2')?.outcome, 'not-run');
  assert.equal(r.summary.verdict, 'failed');
  assert.equal(r.summary.files, 9);
});

test('4-2 with a real clamd: EICAR is found, the other files are clean; an unreachable clamd is "not run", never a pass', async (t) => {
  const clamd = await startClamd();
  if (!clamd) return t.skip('clamd is not installed (CI installs it)');
  try {
    const scanner = new ClamdScanner({ socket: clamd.socket });
    const virus: VirusScanner = { name: 'ClamAV (test)', scanFile: async (p) => { const x = await scanner.scanFile(p); return { outcome: x.outcome, signature: x.signature, error: x.error ? { message: x.error.message } : undefined }; } };
    const r = await check(virus);
    const found = r.items.filter((i) => i.code === 'GD-4-2' && i.outcome === 'fail');
    assert.equal(found.length, 1);
    assert.match(found[0]!.subject, /病毒\.txt$/);
    assert.match(String(found[0]!.evidence?.signature), /Dangan\.Test\.EICAR/);
    assert.equal(r.byItem.find((i) => i.code === 'GD-4-2')?.outcome, 'fail');
  } finally {
    await clamd.stop();
  }
  const down = await check({ unavailable: 'clamd unix:/nonexistent: connect ENOENT' });
  assert.equal(down.byItem.find((i) => i.code === 'GD-4-2')?.outcome, 'not-run');
});

test('a validator past its time limit is cut off: the file gets a precise failure, never a pass, and the run goes on', async () => {
  const big = join(work, 'slow');
  await mkdir(big, { recursive: true });
  await writeFile(join(big, 'a.pdf'), '%PDF-1.4\n');
  await truncate(join(big, 'a.pdf'), 400 * 1024 * 1024); // sparse: reading and hashing it takes well over the limit
  await writeFile(join(big, 'b.txt'), 'small');
  const pkg = {
    source: { format: 'api' as const }, units: [], volumes: [], unclaimed: [], problems: [],
    records: ['a.pdf', 'b.txt'].map((p, i) => ({ key: String(i + 1), volumeKey: '', seq: i + 1, title: p, files: [{ path: p, size: 0, declared: {} }] })),
  };
  const pool = createFilePool({ workers: 1, timeoutMs: 30_000 });
  const scheme = parseScheme({ name: 'short limit', params: { fileTimeoutMs: 150 } }, { id: 's', version: 2 });
  assert.ok(scheme.ok);
  try {
    // The scheme's limit applies, whatever the pool was made with (a long-lived pool serves many schemes).
    const r = await runCheck({ stage: 'GD', scheme: scheme.scheme, root: big, pkg, target: { kind: 'package', name: 'slow' }, pool });
    const a = r.items.filter((i) => i.code === 'GD-3-3' && i.subject === 'a.pdf');
    assert.equal(a[0]?.outcome, 'fail', JSON.stringify(a));
    assert.match(a[0]!.message.en, /did not finish: validation took longer than 150 ms/);
    assert.equal(r.items.find((i) => i.code === 'GD-3-3' && i.subject === 'b.txt')?.outcome, 'pass', JSON.stringify(r.items.filter((i) => i.subject === 'b.txt')));
  } finally {
    await pool.close();
  }
});
