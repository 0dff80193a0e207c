/**
 * The checks in the server, end to end: a submitted package is unpacked and gets its GD check as a job;
 * the report is available as JSON, HTML and PDF; manual tasks are closed by an archivist and change the
 * verdict; a resubmission's run is compared with the first; who may see and do what; a run killed halfway
 * resumes from the facts it had committed; a volume in custody gets a BC check.
 */
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestClient } from '../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';
import { packFolder } from '../packages/pack/index.ts';
import { goodFill, makeSource, tempDir, writeCatalog, PROJECT } from '../packages/pack/test-fixtures.ts';
import { writeZip } from '../packages/unpack/test-fixtures.ts';
import type { CheckReport } from './model.ts';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { submitFile, zipDir } from '../packages/ingest/testing.ts';

let srv: TestServer;
let submitter: TestClient;
let archivist: TestClient;
let viewer: TestClient;
let projectId: string;
let projectCode: string;
let work: string;
/** A small real one-page PDF with text (pdf-lib writes a proper xref and trailer). */
async function PDF(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 200]);
  page.drawText(text, { x: 20, y: 100, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

before(async () => {
  srv = await startTestServer({ web: false });
  submitter = await new TestClient(srv.baseUrl).login('submitter', srv.demoPassword);
  archivist = await new TestClient(srv.baseUrl).login('archivist', srv.demoPassword);
  viewer = await new TestClient(srv.baseUrl).login('viewer', srv.demoPassword);
  const [p] = await srv.rt.db.query<{ id: string; project_code: string }>(`SELECT p.id, p.project_code FROM project p JOIN repository r ON r.id = p.repository_id WHERE r.code = 'DZ' LIMIT 1`);
  projectId = p!.id;
  projectCode = p!.project_code;
  work = await tempDir();
});
after(async () => {
  await srv.close();
  await rm(work, { recursive: true, force: true });
});

const submit = (file: string) => submitFile(srv.baseUrl, submitter, projectId, file);


async function danganPackage(name: string, files: Record<string, Buffer | string>): Promise<string> {
  const src = join(work, `${name}-src`);
  await makeSource(src, files);
  const fill = goodFill(Object.keys(files));
  fill.project = { ...PROJECT, 项目代码: projectCode, 行政区划代码: '371402' };
  await mkdir(join(work, `${name}-cat`), { recursive: true });
  const catalog = await writeCatalog(join(work, `${name}-cat`), fill);
  const r = await packFolder({ source: src, catalogXlsx: catalog, out: join(work, name), concurrency: 2 });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return join(work, name);
}

async function runsOf(subId: string, who = archivist): Promise<{ id: string; state: string; verdict: string | null }[]> {
  for (let i = 0; i < 300; i++) {
    const r = await who.get(`/api/submissions/${subId}/checks`);
    if (r.status === 200 && r.body.items.length) return r.body.items;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('no check run appeared');
}

async function finished(runId: string): Promise<{ state: string; verdict: string | null; progress: { files: number; done: number } }> {
  for (let i = 0; i < 600; i++) {
    const r = await archivist.get(`/api/checks/${runId}`);
    assert.equal(r.status, 200, r.text);
    if (r.body.state === 'done' || r.body.state === 'failed') return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('check did not finish');
}

let firstRun: string;
let firstSub: string;

test('an unpacked submission gets its GD check as a job; the report has every GD item; the submission is "checked"', async () => {
  const bag = await danganPackage('good', { '立项批复.pdf': await PDF('approval'), '规划许可证.pdf': await PDF('permit') });
  firstSub = await submit(await zipDir(bag, join(work, 'good.zip')));
  const [run] = await runsOf(firstSub);
  firstRun = run!.id;
  const done = await finished(firstRun);
  assert.equal(done.state, 'done');
  assert.deepEqual([done.progress.files, done.progress.done], [2, 2]);
  const report = (await archivist.get(`/api/checks/${firstRun}/report`)).body as CheckReport;
  assert.equal(report.format, 'dangan-check-report');
  assert.equal(report.byItem.length, 36);
  const item = (code: string) => report.byItem.find((i) => i.code === code)!;
  assert.equal(item('GD-1-1').outcome, 'pass', JSON.stringify(report.items.filter((i) => i.code === 'GD-1-1')));
  assert.equal(item('GD-1-14').outcome, 'pass');
  assert.equal(item('GD-2-1').outcome, 'pass', 'totals registered in bag-info match');
  assert.equal(item('GD-3-3').outcome, 'pass', JSON.stringify(report.items.filter((i) => i.code === 'GD-3-3')));
  assert.equal(item('GD-4-2').outcome, 'not-run', 'no scanner configured');
  assert.equal(item('GD-3-2').outcome, 'pass');
  assert.equal(report.summary.verdict, 'incomplete');
  const [s] = await srv.rt.db.query<{ state: string }>('SELECT state FROM submission WHERE id = $1', [firstSub]);
  assert.equal(s!.state, 'checked');
  const [e] = await srv.rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event WHERE action = 'check.completed' AND subject = $1`, [`check-run:${firstRun}`]);
  assert.equal(e!.n, 1);
});

test('the report as HTML (escaped, Chinese) and as a Chinese PDF', async () => {
  const html = await archivist.req('GET', `/api/checks/${firstRun}/report?format=html`);
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type') ?? '', /text\/html/);
  assert.match(html.text, /电子档案四性检测报告/);
  assert.match(html.text, /真实性/);
  const pdf = await fetch(`${srv.baseUrl}/api/checks/${firstRun}/report?format=pdf`, { headers: { cookie: archivist.cookie ?? '' } });
  assert.equal(pdf.status, 200);
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
});

test('who sees what: the submitting unit reads its run; a viewer and the public do not; only archivists close tasks', async () => {
  assert.equal((await submitter.get(`/api/checks/${firstRun}`)).status, 200);
  assert.equal((await submitter.get(`/api/checks/${firstRun}/report`)).status, 200);
  assert.equal((await viewer.get(`/api/checks/${firstRun}`)).status, 403);
  assert.equal((await new TestClient(srv.baseUrl).get(`/api/checks/${firstRun}`)).status, 401);
  const tasks = (await archivist.get(`/api/checks/${firstRun}/tasks`)).body.items as { id: string; code: string; state: string }[];
  const t27 = tasks.find((t) => t.code === 'GD-2-7')!;
  assert.equal((await submitter.post(`/api/check-tasks/${t27.id}`, { outcome: 'pass', note: '' })).status, 403);
  assert.equal((await archivist.post(`/api/submissions/${firstSub}/checks`, { stage: 'BC' })).status, 400);
});

test('manual tasks: outcome, note and an evidence file; when every blocking task is done the verdict is final', async () => {
  const tasks = (await archivist.get(`/api/checks/${firstRun}/tasks`)).body.items as { id: string; code: string; state: string }[];
  assert.ok(tasks.length >= 5);
  const ev = await fetch(`${srv.baseUrl}/api/check-tasks/${tasks[0]!.id}/evidence?name=${encodeURIComponent('载体照片.jpg')}`, { method: 'POST', body: new Uint8Array(Buffer.from('photo bytes')), headers: { 'content-type': 'application/octet-stream', cookie: archivist.cookie ?? '' } });
  assert.equal(ev.status, 201, await ev.clone().text());
  const back = await fetch(`${srv.baseUrl}/api/check-tasks/${tasks[0]!.id}/evidence/0`, { headers: { cookie: archivist.cookie ?? '' } });
  assert.equal(back.status, 200);
  assert.equal(Buffer.from(await back.arrayBuffer()).toString(), 'photo bytes');
  assert.match(back.headers.get('content-disposition') ?? '', /UTF-8''%E8%BD%BD%E4%BD%93/);
  assert.equal((await archivist.get(`/api/check-tasks/${tasks[0]!.id}/evidence/1`)).status, 404);
  assert.equal((await viewer.get(`/api/check-tasks/${tasks[0]!.id}/evidence/0`)).status, 403);
  let last;
  for (const t of tasks) {
    last = await archivist.post(`/api/check-tasks/${t.id}`, { outcome: 'pass', note: `已人工核对 ${t.code}` });
    assert.equal(last.status, 200, last.text);
  }
  assert.equal((await archivist.post(`/api/check-tasks/${tasks[0]!.id}`, { outcome: 'fail', note: '' })).status, 409, 'a done task cannot be redone');
  const report = (await archivist.get(`/api/checks/${firstRun}/report`)).body as CheckReport;
  assert.equal(report.summary.openTasks, 0);
  // Only the virus scan (not run: no scanner) keeps it from "passed".
  assert.equal(report.summary.verdict, 'incomplete');
  assert.equal(report.byItem.find((i) => i.code === 'GD-2-7')!.outcome, 'pass');
  const after = (await archivist.get(`/api/checks/${firstRun}/tasks`)).body.items as { code: string; state: string; doneBy: string; evidence: unknown[] }[];
  assert.ok(after.every((t) => t.state === 'done' && t.doneBy === 'archivist'));
  assert.equal(after.find((t) => t.code === tasks[0]!.code)!.evidence.length, 1);
});

test('a defective resubmission: the diff names what was fixed and what is new', async () => {
  const bag = await danganPackage('second', { '立项批复.pdf': await PDF('approval'), '规划许可证.pdf': (await PDF('permit')).subarray(0, 300) });
  const sub = await submit(await zipDir(bag, join(work, 'second.zip')));
  const [run] = await runsOf(sub);
  assert.equal((await finished(run!.id)).state, 'done');
  const report = (await archivist.get(`/api/checks/${run!.id}/report`)).body as CheckReport;
  assert.equal(report.byItem.find((i) => i.code === 'GD-3-3')!.outcome, 'fail');
  assert.equal(report.summary.verdict, 'failed');
  const diff = await archivist.get(`/api/checks/${run!.id}/diff?against=${firstRun}`);
  assert.equal(diff.status, 200, diff.text);
  assert.ok(diff.body.added.some((r: { code: string }) => r.code === 'GD-3-3'));
  // Re-run on request: a second run of the same submission.
  const again = await archivist.post(`/api/submissions/${sub}/checks`, { stage: 'YJ' });
  assert.equal(again.status, 202);
  assert.equal((await finished(again.body.id)).state, 'done');
  const yj = (await archivist.get(`/api/checks/${again.body.id}/report`)).body as CheckReport;
  assert.equal(yj.stage, 'YJ');
  assert.equal(yj.byItem.length, 35);
});

test('a rejected package still gets a report naming every problem (一次性告知)', async () => {
  const sub = await submit(await writeZip(join(work, 'evil.zip'), [{ name: '../../evil.txt', data: Buffer.from('x') }]));
  const [run] = await runsOf(sub);
  assert.equal((await finished(run!.id)).state, 'done');
  const report = (await archivist.get(`/api/checks/${run!.id}/report`)).body as CheckReport;
  assert.equal(report.byItem.find((i) => i.code === 'GD-1-13')!.outcome, 'fail');
  const [s] = await srv.rt.db.query<{ state: string }>('SELECT state FROM submission WHERE id = $1', [sub]);
  assert.equal(s!.state, 'rejected', 'a rejected submission stays rejected');
});

test('a run interrupted after some files resumes from the committed facts and measures only the rest', async () => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 6; i++) files[`f${i}.pdf`] = await PDF(`file ${i}`);
  const bag = await danganPackage('resume', files);
  const sub = await submit(await zipDir(bag, join(work, 'resume.zip')));
  const [auto] = await runsOf(sub);
  await finished(auto!.id);
  // A run stopped part-way: state running, three files' facts committed, the others not.
  const checks = srv.rt.checks;
  const id = await checks.request({ submissionId: sub }, 'GD', { id: null, username: 'test' });
  await finished(id);
  const facts = await srv.rt.db.query<{ path: string; facts: { ms: number } }>('SELECT path, facts FROM check_file WHERE run_id = $1 ORDER BY path', [id]);
  assert.equal(facts.length, 6);
  await srv.rt.db.query(`UPDATE check_run SET state = 'running', report = NULL, verdict = NULL, finished_at = NULL WHERE id = $1`, [id]);
  await srv.rt.db.query(`DELETE FROM check_file WHERE run_id = $1 AND path IN ($2, $3, $4)`, [id, facts[0]!.path, facts[1]!.path, facts[2]!.path]);
  await srv.rt.db.query(`UPDATE check_file SET facts = jsonb_set(facts, '{ms}', '-1') WHERE run_id = $1`, [id]);
  const r = await checks.execute(id);
  assert.ok('verdict' in r);
  const again = await srv.rt.db.query<{ path: string; ms: number }>(`SELECT path, (facts ->> 'ms')::float AS ms FROM check_file WHERE run_id = $1 ORDER BY path`, [id]);
  assert.equal(again.length, 6);
  assert.equal(again.filter((f) => f.ms === -1).length, 3, 'the three committed facts were reused, not measured again');
});

test('a volume in custody gets a BC check against the digests recorded at ingest; a changed byte fails 1-1', async () => {
  const [v] = await srv.rt.db.query<{ id: string; key: string }>(
    `SELECT v.id, c.storage_key AS key FROM volume v JOIN record r ON r.volume_id = v.id JOIN component c ON c.record_id = r.id JOIN repository p ON p.id = v.repository_id WHERE p.code = 'DZ' LIMIT 1`);
  const start = await archivist.post(`/api/volumes/${v!.id}/checks`, {});
  assert.equal(start.status, 202, start.text);
  assert.equal((await finished(start.body.id)).state, 'done');
  const report = (await archivist.get(`/api/checks/${start.body.id}/report`)).body as CheckReport;
  assert.equal(report.stage, 'BC');
  assert.equal(report.byItem.length, 32);
  assert.equal(report.byItem.find((i) => i.code === 'BC-1-1')!.outcome, 'pass', JSON.stringify(report.items.filter((i) => i.code === 'BC-1-1' && i.outcome !== 'pass')));
  assert.equal(report.byItem.find((i) => i.code === 'BC-1-7')!.outcome, 'pass');
  assert.equal((await viewer.post(`/api/volumes/${v!.id}/checks`, {})).status, 403);
});

test('check schemes: a repository saves its own version; bad schemes are refused; runs record the version they used', async () => {
  const [repo] = await srv.rt.db.query<{ id: string }>(`SELECT id FROM repository WHERE code = 'DZ'`);
  const cur = await archivist.get(`/api/repositories/${repo!.id}/check-scheme`);
  assert.equal(cur.status, 200);
  assert.equal(cur.body.version, 1);
  const bad = await archivist.req('PUT', `/api/repositories/${repo!.id}/check-scheme`, { name: 'x', items: { '9-9': { enabled: false } } });
  assert.equal(bad.status, 400);
  const saved = await archivist.req('PUT', `/api/repositories/${repo!.id}/check-scheme`, { name: '德州市城建档案馆检测方案', items: { '1-6': { severity: 'warning' } }, params: { minScanDpi: 300 } });
  assert.equal(saved.status, 201, saved.text);
  assert.equal(saved.body.version, 2);
  assert.equal((await viewer.req('PUT', `/api/repositories/${repo!.id}/check-scheme`, { name: 'y' })).status, 403);
  const again = await archivist.post(`/api/submissions/${firstSub}/checks`, { stage: 'GD' });
  await finished(again.body.id);
  const run = (await archivist.get(`/api/checks/${again.body.id}`)).body;
  assert.equal(run.schemeVersion, 2);
  const report = (await archivist.get(`/api/checks/${again.body.id}/report`)).body as CheckReport;
  assert.equal(report.scheme.version, 2);
  assert.equal(report.byItem.find((i) => i.code === 'GD-1-6')!.severity, 'warning');
});
