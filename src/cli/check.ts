/**
 * `dangan check PATH --stage GD|YJ|BC [--scheme FILE] [--json]`: the four-properties check of a package
 * (directory, .zip or .tar; a Dangan bag, E-ARK, DA/T 93, EEP or plain BagIt) or of any folder, without a
 * server or database. Exit 0 = no blocking failure, 1 = blocking failures, 2 = could not run.
 */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SCHEME, OUTCOME_NAMES, STAGE_NAMES, VERDICT_NAMES, checkReportHtml, createFilePool, parseScheme, runCheck, type CheckReport, type CheckScheme, type Stage, type VirusScanner } from '../checks/index.ts';
import { extractPackage, isDanganBag, readDanganBag, readForeignPackage, UnpackError, detectFormat, type IncomingPackage } from '../packages/index.ts';
import { clamdScanner } from '../app/checks.ts';

export const CHECK_USAGE = `Usage:
  dangan check PATH --stage GD|YJ|BC [--scheme FILE.json] [--json] [--html FILE] [--pdf FILE]
                    [--clamd unix:/path|tcp://host:port] [--carrier] [--workers N]
      run the DA/T 70 four-properties check on a package (folder, .zip or .tar) or any folder
  --stage      GD 归档 (default), YJ 移交与接收, BC 长期保存
  --scheme     a check scheme (JSON: { name, items: { "1-6": { severity: "warning" } }, params: { … } })
  --clamd      virus scan through ClamAV clamd (DANGAN_CLAMD); without it item 4-2 is "not run"
  --carrier    PATH is a disc or disk as delivered: items 4-3 (extra files) and 4-4 (read speed) judge the carrier
  --json       the report as JSON (summary, byItem, items[] with code, outcome, subject, message)
Exit: 0 no blocking failure, 1 blocking failures, 2 could not run.`;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

/** Any folder that is not a known package: every file is a record of its own, with no fixity information. */
async function plainFolder(dir: string): Promise<IncomingPackage> {
  const pkg: IncomingPackage = { source: { format: 'api', path: dir }, units: [], volumes: [], records: [], unclaimed: [], problems: [] };
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const rel = relative(dir, p).split(sep).join('/');
        const n = pkg.records.length + 1;
        pkg.records.push({ key: String(n), volumeKey: '', seq: n, title: basename(p), files: [{ path: rel, size: (await stat(p)).size, declared: {} }] });
      }
    }
  };
  await walk(dir);
  pkg.problems.push({ code: 'not-a-package', severity: 'warning', message: { zh: '不是已知格式的信息包：按普通文件夹检测（无元数据、无固化信息）', en: 'not a known package format: checked as a plain folder (no metadata, no fixity information)' } });
  return pkg;
}

export async function loadForCheck(path: string, staging: string): Promise<{ dir: string; pkg: IncomingPackage; format: string }> {
  const format = await detectFormat(path);
  let dir = path;
  if (format !== 'dir') {
    try {
      dir = (await extractPackage(path, staging, 'package')).dir;
    } catch (e) {
      if (!(e instanceof UnpackError)) throw e;
      const pkg: IncomingPackage = { source: { format: 'api', path }, units: [], volumes: [], records: [], unclaimed: [], problems: [{ code: `unpack-${e.code}`, severity: 'error', ...(e.entry ? { path: e.entry } : {}), message: e.bilingual }] };
      return { dir: path, pkg, format };
    }
  }
  // The engine hashes every file itself and compares the manifests' digests: the bag reader need not read the payload.
  if (await isDanganBag(dir)) return { dir, pkg: await readDanganBag(dir, { payloadDigests: false }), format };
  const foreign = await readForeignPackage(dir);
  if (foreign.problems.some((p) => p.code === 'foreign-format-unknown')) return { dir, pkg: await plainFolder(dir), format };
  return { dir, pkg: foreign, format };
}

function printReport(r: CheckReport): void {
  const s = r.summary;
  out(`${STAGE_NAMES[r.stage].zh}检测 / ${STAGE_NAMES[r.stage].en} check — ${r.target.name}`);
  out(`方案 / scheme: ${r.scheme.name} v${r.scheme.version}; ${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB`);
  for (const i of r.byItem) {
    const mark = { pass: '✓', fail: '✗', warn: '!', manual: '?', 'not-run': '-' }[i.outcome];
    out(`  ${mark} ${i.code.padEnd(8)} ${OUTCOME_NAMES[i.outcome].zh.padEnd(4, '　')} ${i.name.zh}${i.severity === 'warning' ? '（提示）' : ''}`);
  }
  const findings = r.items.filter((x) => x.outcome === 'fail' || x.outcome === 'warn');
  if (findings.length) {
    out(`\n问题 / findings (${findings.length}):`);
    for (const f of findings.slice(0, 200)) out(`  ${f.code} ${f.subject}: ${f.message.zh}`);
    if (findings.length > 200) out(`  … ${findings.length - 200} more (--json for all)`);
  }
  out(`\n结论 / verdict: ${VERDICT_NAMES[s.verdict].zh} / ${VERDICT_NAMES[s.verdict].en} — pass ${s.counts.pass}, fail ${s.counts.fail}, warn ${s.counts.warn}, manual ${s.counts.manual}, not run ${s.counts['not-run']}; blocking failures ${s.blockingFailures}, open tasks ${s.openTasks}`);
}

export async function checkCommand(args: string[]): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' }, stage: { type: 'string', default: 'GD' }, scheme: { type: 'string' }, json: { type: 'boolean' },
        html: { type: 'string' }, pdf: { type: 'string' }, clamd: { type: 'string' }, carrier: { type: 'boolean' }, workers: { type: 'string' },
      },
    }));
  } catch (e) {
    err((e as Error).message);
    err(CHECK_USAGE);
    return 2;
  }
  if (values.help) return out(CHECK_USAGE), 0;
  const path = positionals[0];
  if (!path || positionals.length > 1) return err(CHECK_USAGE), 2;
  const stage = values.stage as Stage;
  if (!['GD', 'YJ', 'BC'].includes(stage)) return err(`--stage must be GD, YJ or BC (got ${values.stage})`), 2;
  let scheme: CheckScheme = DEFAULT_SCHEME;
  if (values.scheme) {
    let body: unknown;
    try {
      body = JSON.parse(await readFile(values.scheme, 'utf8'));
    } catch (e) {
      return err(`cannot read the scheme ${values.scheme}: ${(e as Error).message}`), 2;
    }
    const parsed = parseScheme(body, { id: `file:${basename(values.scheme)}`, version: 1 });
    if (!parsed.ok) return err(`invalid scheme ${values.scheme}:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`), 2;
    scheme = parsed.scheme;
  }
  const workers = values.workers ? Number(values.workers) : undefined;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64)) return err('--workers must be 0..64'), 2;
  const clamd = values.clamd ?? process.env.DANGAN_CLAMD;
  let virus: VirusScanner | { unavailable: string } | undefined;
  if (clamd) {
    const v = await clamdScanner(clamd);
    if (!v) return err(`--clamd must be unix:/path or tcp://host:port (got ${clamd})`), 2;
    virus = v;
  }

  const staging = await mkdtemp(join(tmpdir(), 'dangan-check-'));
  try {
    let loaded;
    try {
      loaded = await loadForCheck(path, staging);
    } catch (e) {
      return err(`cannot read ${path}: ${(e as Error).message}`), 2;
    }
    const pool = createFilePool({ timeoutMs: scheme.params.fileTimeoutMs, ...(workers !== undefined ? { workers: Math.max(1, workers), inline: workers === 0 } : {}) });
    let report: CheckReport;
    const tty = process.stderr.isTTY === true && !values.json;
    try {
      report = await runCheck({
        stage, scheme, root: loaded.dir, pkg: loaded.pkg, pool, virus, carrier: values.carrier ?? false,
        target: { kind: 'package', name: basename(path), path },
        ...(loaded.pkg.registered ? { registered: loaded.pkg.registered } : {}),
        onProgress: tty ? (p) => process.stderr.write(`\r检测中 / checking: ${p.done}/${p.files} files, ${(p.bytes / 1e6).toFixed(1)} MB   `) : undefined,
      });
    } finally {
      await pool.close();
      if (tty) process.stderr.write('\n');
    }
    if (values.html) await writeFile(values.html, checkReportHtml(report));
    if (values.pdf) {
      const { checkReportPdf } = await import('../checks/report/pdf.ts');
      await writeFile(values.pdf, await checkReportPdf(report));
    }
    if (values.json) out(JSON.stringify(report, null, 2));
    else printReport(report);
    return report.summary.blockingFailures > 0 ? 1 : 0;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
