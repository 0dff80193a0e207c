/**
 * The pure item evaluators on a hand-made package model: every automatic metadata, content and package
 * item fails on the defect it exists for and passes on the clean package.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingPackage } from '../../packages/model.ts';
import type { CheckResult } from '../model.ts';
import { buildReport } from '../report/build.ts';
import { DEFAULT_PARAMS, DEFAULT_SCHEME, parseScheme, planItems } from '../scheme/scheme.ts';
import { checkContent, type CheckedFile } from './content.ts';
import type { FileFacts } from './facts.ts';
import { checkMetadata } from './metadata.ts';
import { checkPackage, itemOfProblem, manualItems } from './package-items.ts';
import { CONSTRUCTION_PROFILE } from '../../catalog/index.ts';

const SHA = 'a'.repeat(64);
const SM3 = 'b'.repeat(64);

function cleanPackage(): IncomingPackage {
  return {
    source: { format: 'dangan-bag' },
    project: { projectCode: '2509-110101-89-01-544060', name: '测试项目', builderUscc: '91110000600037341L', regionCode: '371400' },
    units: [{ code: '1', name: '1#楼' }],
    volumes: [{ key: '1/V1', unitCode: '1', title: '1#楼施工文件', category: 'C', year: 2024, retention: 'permanent', classification: 'none' }],
    records: [1, 2, 3].map((n) => ({
      key: `1/V1/${n}`, volumeKey: '1/V1', seq: n, title: `文件${n}`, author: '施工单位', date: '2024-05-0' + n, pages: 2, pageCount: 2,
      files: [{ path: `data/1/V1/${n}.pdf`, size: 100, declared: { sha256: SHA, sm3: SM3 } }],
    })),
    unclaimed: [],
    problems: [],
  };
}

const facts = (path: string, over: Partial<FileFacts> = {}): FileFacts => ({
  path, exists: true, size: 100, digests: { sha256: SHA, sm3: SM3 }, format: 'pdf', mime: 'application/pdf', extensionMatches: true,
  inspection: { kind: 'pdf', ok: true, problems: [], pages: 2, textChars: 500, software: 'Writer' }, signatures: [], ms: 1, ...over,
});

function run(pkg: IncomingPackage, filesOver: Record<string, Partial<FileFacts>> = {}, stage: 'GD' | 'YJ' | 'BC' = 'GD', scheme = DEFAULT_SCHEME) {
  const planned = new Set(planItems(scheme, stage).map((p) => p.code));
  const out: CheckResult[] = [];
  const emit = (r: CheckResult) => void out.push(r);
  checkPackage({ stage, pkg, planned, environment: { node: 'x' } }, emit);
  checkMetadata({ stage, pkg, elements: CONSTRUCTION_PROFILE, params: scheme.params, planned, now: new Date('2026-11-22T00:00:00Z') }, emit);
  const files: CheckedFile[] = pkg.records.flatMap((r) => r.files.map((f) => ({ declared: f, record: r.key, facts: facts(f.path, filesOver[f.path]) })));
  checkContent({ stage, pkg, params: scheme.params, planned, files, unclaimed: pkg.unclaimed.map((u) => facts(u.path)), registered: pkg.registered, virus: undefined, read: { bytes: 300, ms: 1 } }, emit);
  const tasks = manualItems(stage, planned, emit);
  return buildReport({ stage, scheme: { id: 'x', name: 'x', version: 1 }, target: { kind: 'package', name: 't' }, startedAt: '', finishedAt: '', tool: 't', files: files.length, bytes: 300 }, planItems(scheme, stage), out, tasks);
}
const outcome = (r: ReturnType<typeof run>, code: string) => r.byItem.find((i) => i.code === code)?.outcome;
const findings = (r: ReturnType<typeof run>, code: string) => r.items.filter((i) => i.code === code && i.outcome !== 'pass');

test('a clean package passes every automatic item; manual items are tasks; the virus scan is not run without a scanner', () => {
  const r = run(cleanPackage());
  const automatic = r.byItem.filter((i) => i.automation === 'A' && !['4-2', '3-2', '2-1', '2-2'].includes(i.item));
  for (const i of automatic) assert.equal(i.outcome, 'pass', `${i.code}: ${JSON.stringify(r.items.filter((x) => x.code === i.code))}`);
  assert.equal(outcome(r, 'GD-4-2'), 'not-run');
  assert.equal(outcome(r, 'GD-2-7'), 'manual');
  assert.deepEqual(r.tasks.map((t) => t.code), ['GD-2-7', 'GD-2-8', 'GD-3-4', 'GD-4-1', 'GD-4-5', 'GD-4-6', 'GD-4-7']);
  assert.equal(r.summary.verdict, 'incomplete', 'open blocking tasks keep the report from being final');
  assert.equal(r.summary.blockingFailures, 0);
  assert.equal(r.byItem.length, 36);
});

test('metadata: length, type, value domain, plausibility, special characters, duplicates, sequence — each finds its defect', () => {
  const pkg = cleanPackage();
  pkg.records[0]!.title = '题'.repeat(501);
  pkg.records[1]!.date = '2024-13-01';
  pkg.records[2]!.date = '1820-01-01';
  pkg.records[2]!.author = '施工单位★';
  pkg.volumes[0]!.retention = 'forever' as never;
  pkg.records.push({ ...pkg.records[0]!, key: '1/V1/5', seq: 5, title: '文件5', docNumber: 'X-1', files: [] });
  pkg.records.push({ ...pkg.records[0]!, key: '1/V1/6', seq: 6, title: '文件6', docNumber: 'X-1', files: [] });
  pkg.project!.builderUscc = '91110000600037341X';
  const r = run(pkg);
  assert.equal(outcome(r, 'GD-1-2'), 'fail');
  assert.match(findings(r, 'GD-1-2')[0]!.message.zh, /501/);
  assert.equal(outcome(r, 'GD-1-3'), 'fail');
  assert.ok(findings(r, 'GD-1-3').some((f) => f.subject === 'record:1/V1/2'));
  assert.ok(findings(r, 'GD-1-3').some((f) => f.subject === 'project' && /统一社会信用代码/.test(f.message.zh)));
  assert.equal(outcome(r, 'GD-1-4'), 'fail');
  assert.equal(outcome(r, 'GD-1-5'), 'fail');
  assert.equal(outcome(r, 'GD-1-6'), 'fail');
  assert.match(findings(r, 'GD-1-6')[0]!.message.zh, /★/);
  assert.equal(outcome(r, 'GD-1-8'), 'fail');
  assert.equal(outcome(r, 'GD-2-6'), 'fail');
  assert.match(findings(r, 'GD-2-6')[0]!.message.en, /4–4 missing/);
  assert.equal(r.summary.verdict, 'failed');
});

test('1-6 control characters and a scheme\'s own forbidden set; full-width symbols can be allowed by the scheme', () => {
  const pkg = cleanPackage();
  pkg.records[0]!.title = '文件\u0007一';
  pkg.records[1]!.title = '文件@二';
  pkg.records[2]!.title = '文件（三）【附】';
  const s = parseScheme({ name: 's', params: { forbiddenChars: '@', forbidFullwidthSymbols: false } }, { id: 's', version: 2 });
  assert.ok(s.ok);
  const r = run(pkg, {}, 'GD', s.scheme);
  const subjects = findings(r, 'GD-1-6').map((f) => f.subject).sort();
  assert.deepEqual(subjects, ['record:1/V1/1', 'record:1/V1/2']);
  assert.match(findings(r, 'GD-1-6')[0]!.message.zh, /U\+0007/);
  const strict = run(pkg);
  assert.ok(findings(strict, 'GD-1-6').some((f) => f.subject === 'record:1/V1/3'), '【】 are GB 18030 symbols, forbidden by default');
});

test('1-7 档号: required at YJ and BC, checked against the scheme\'s rule; at GD the archive assigns it', () => {
  const pkg = cleanPackage();
  assert.equal(outcome(run(pkg, {}, 'GD'), 'GD-1-7'), 'pass');
  assert.equal(outcome(run(pkg, {}, 'YJ'), 'YJ-1-7'), 'fail');
  pkg.volumes[0]!.archivalCode = 'C-2024-0001';
  const s = parseScheme({ name: 's', params: { archivalCodeTemplate: '{category}-{year}-{volumeSeq:4}' } }, { id: 's', version: 2 });
  assert.ok(s.ok);
  assert.equal(outcome(run(pkg, {}, 'YJ', s.scheme), 'YJ-1-7'), 'pass');
  pkg.volumes[0]!.archivalCode = 'C-24-1';
  const bad = run(pkg, {}, 'YJ', s.scheme);
  assert.equal(outcome(bad, 'YJ-1-7'), 'fail');
  assert.match(findings(bad, 'YJ-1-7')[0]!.message.zh, /不符合规则/);
  assert.equal(parseScheme({ name: 's', params: { archivalCodeTemplate: '{nope}' } }, { id: 's', version: 2 }).ok, false);
});

test('content: a digest mismatch fails 1-1, a missing digest fails 1-1, size/format/extension/pages fail 1-10, a missing file fails 1-11 and 2-11', () => {
  const pkg = cleanPackage();
  pkg.records[2]!.files[0]!.declared = {};
  pkg.records[1]!.files.push({ path: 'data/1/V1/gone.pdf', size: 5, declared: { sha256: SHA } });
  const r = run(pkg, {
    'data/1/V1/1.pdf': { digests: { sha256: 'c'.repeat(64), sm3: SM3 }, size: 99, extensionMatches: false, inspection: { kind: 'pdf', ok: true, problems: [], pages: 7 } },
    'data/1/V1/gone.pdf': { exists: false },
  });
  const f11 = findings(r, 'GD-1-1');
  assert.ok(f11.some((f) => f.subject === 'data/1/V1/1.pdf' && /sha256/.test(f.message.en)));
  assert.ok(f11.some((f) => f.subject === 'data/1/V1/3.pdf' && /no fixity information/.test(f.message.en)));
  const f110 = findings(r, 'GD-1-10').map((f) => f.message.en).join('\n');
  assert.match(f110, /size 99 bytes, metadata says 100/);
  assert.match(f110, /extension does not match/);
  assert.match(f110, /the files have 7 pages, metadata says 2/);
  assert.equal(outcome(r, 'GD-1-11'), 'fail');
  assert.equal(outcome(r, 'GD-2-11'), 'fail');
});

test('signatures: a broken one fails 1-1; an intact one passes with its certificate trust reported; requireTrustedSigner fails untrusted', () => {
  const pkg = cleanPackage();
  const sig = (intact: boolean) => ({ kind: 'ofd-seal' as const, id: 's1', intact, trust: 'unknown' as const, signer: '某公司', problems: intact ? [] : ['references: Doc_0/Pages/Page_0/Content.xml digest differs'] });
  const ok = run(pkg, { 'data/1/V1/1.pdf': { signatures: [sig(true)] } });
  assert.equal(outcome(ok, 'GD-1-1'), 'pass');
  assert.ok(ok.items.some((i) => i.code === 'GD-1-1' && /证书信任：未核验/.test(i.message.zh)));
  const bad = run(pkg, { 'data/1/V1/1.pdf': { signatures: [sig(false)] } });
  assert.match(findings(bad, 'GD-1-1')[0]!.message.en, /does not verify: references/);
  const s = parseScheme({ name: 's', params: { requireTrustedSigner: true } }, { id: 's', version: 2 });
  assert.ok(s.ok);
  assert.equal(outcome(run(pkg, { 'data/1/V1/1.pdf': { signatures: [sig(true)] } }, 'GD', s.scheme), 'GD-1-1'), 'fail');
});

test('formats: a disallowed format, a broken file, an encrypted PDF, a low-dpi scan and an unknown dpi are each reported', () => {
  const pkg = cleanPackage();
  const r = run(pkg, {
    'data/1/V1/1.pdf': { format: 'zip', mime: 'application/zip', inspection: undefined },
    'data/1/V1/2.pdf': { inspection: { kind: 'pdf', ok: false, problems: [{ code: 'pdf-truncated', severity: 'error', message: { zh: '文件被截断', en: 'truncated' } }] } },
    'data/1/V1/3.pdf': { inspection: { kind: 'pdf', ok: true, problems: [], pages: 2, encrypted: true, activeContent: ['JavaScript'] } },
  });
  const f33 = findings(r, 'GD-3-3');
  assert.ok(f33.some((f) => f.subject === 'data/1/V1/1.pdf' && /not an allowed format/.test(f.message.en)));
  assert.ok(f33.some((f) => f.subject === 'data/1/V1/2.pdf' && /truncated/.test(f.message.en)));
  const f38 = findings(r, 'GD-3-8');
  assert.ok(f38.some((f) => f.subject === 'data/1/V1/3.pdf' && /encrypted/.test(f.message.en) && /JavaScript/.test(f.message.en)));
  assert.ok(f38.some((f) => f.subject === 'data/1/V1/1.pdf' && /nested archive/.test(f.message.en)));
  const img = (dpi: { x: number; y: number } | 'unknown') => ({ format: 'tiff' as const, inspection: { kind: 'image' as const, ok: true, problems: [], dpi, colourMode: 'grey' } });
  const scans = run(cleanPackage(), { 'data/1/V1/1.pdf': img({ x: 150, y: 150 }), 'data/1/V1/2.pdf': img('unknown'), 'data/1/V1/3.pdf': img({ x: 300, y: 300 }) });
  const s = scans.items.filter((i) => i.code === 'GD-3-3');
  assert.equal(s.find((i) => i.subject === 'data/1/V1/1.pdf')?.outcome, 'fail');
  assert.equal(s.find((i) => i.subject === 'data/1/V1/2.pdf')?.outcome, 'warn');
  assert.match(s.find((i) => i.subject === 'data/1/V1/2.pdf')!.message.en, /not assumed to be 72/);
  assert.equal(s.find((i) => i.subject === 'data/1/V1/3.pdf')?.outcome, 'pass');
});

test('2-1 / 2-2 compare the counted totals with the registered ones, or ask a person when nothing is registered; 4-3 lists extra files', () => {
  const pkg = cleanPackage();
  assert.equal(outcome(run(pkg), 'GD-2-1'), 'manual');
  pkg.registered = { files: 3, bytes: 300, source: 'bag-info' };
  assert.equal(outcome(run(pkg), 'GD-2-1'), 'pass');
  assert.equal(outcome(run(pkg), 'GD-2-2'), 'pass');
  pkg.registered = { files: 4, bytes: 301, source: 'bag-info' };
  const r = run(pkg);
  assert.match(findings(r, 'GD-2-1')[0]!.message.en, /counted 3, registered 4/);
  assert.equal(outcome(r, 'GD-2-2'), 'fail');
  const extra = cleanPackage();
  extra.unclaimed = [{ path: 'data/Thumbs.db', size: 10, declared: {} }];
  assert.equal(findings(run(extra), 'GD-4-3')[0]!.subject, 'data/Thumbs.db');
});

test('reader problems land on their items (structure 1-13, description 1-12, digests 1-14, readability 3-1); EEP items only at BC', () => {
  assert.equal(itemOfProblem('bagit-digest-mismatch'), '1-14');
  assert.equal(itemOfProblem('bagit-payload-dir-missing'), '1-13');
  assert.equal(itemOfProblem('metadata-invalid'), '1-12');
  assert.equal(itemOfProblem('metadata-unreadable'), '3-1');
  assert.equal(itemOfProblem('unpack-zip-bomb'), '1-13');
  assert.equal(itemOfProblem('eep-signature-not-verified'), '1-16');
  const pkg = cleanPackage();
  pkg.problems.push({ code: 'bagit-digest-mismatch', severity: 'error', path: 'data/1/V1/1.pdf', message: { zh: '摘要不符', en: 'digest mismatch' } });
  pkg.problems.push({ code: 'unpack-path-traversal', severity: 'error', path: '../x', message: { zh: '路径越界', en: 'path traversal' } });
  const r = run(pkg);
  assert.equal(outcome(r, 'GD-1-14'), 'fail');
  assert.equal(outcome(r, 'GD-1-13'), 'fail');
  assert.equal(findings(r, 'GD-1-13')[0]!.subject, '../x');
  assert.equal(r.byItem.some((i) => i.code === 'GD-1-15'), false);
  const bc = run(cleanPackage(), {}, 'BC');
  assert.equal(outcome(bc, 'BC-1-15'), 'pass');
  assert.match(bc.items.find((i) => i.code === 'BC-1-15')!.message.en, /not applicable/);
});

test('scheme: items can be switched off and made warnings; unknown items are refused; a warning failure does not block', () => {
  assert.equal(parseScheme({ name: 's', items: { '1-17': { enabled: false } } }, { id: 's', version: 2 }).ok, false);
  assert.equal(parseScheme({ name: 's', params: { minScanDpi: 10 } }, { id: 's', version: 2 }).ok, false);
  const s = parseScheme({ name: 's', items: { '2-6': { severity: 'warning' }, '4-2': { enabled: false } } }, { id: 's', version: 2 });
  assert.ok(s.ok);
  assert.equal(planItems(s.scheme, 'GD').some((p) => p.code === 'GD-4-2'), false);
  const pkg = cleanPackage();
  pkg.records[1]!.seq = 9;
  const r = run(pkg, {}, 'GD', s.scheme);
  assert.equal(outcome(r, 'GD-2-6'), 'fail');
  assert.equal(r.summary.blockingFailures, 0);
  assert.equal(DEFAULT_PARAMS.minScanDpi, 200);
});
