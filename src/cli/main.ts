import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildApp, VERSION } from '../app/http.ts';
import { openDatabase, openRuntime, type Role, type Runtime } from '../app/runtime.ts';
import { preserveVolumes } from '../app/preserve.ts';
import { packCommand } from './pack.ts';
import { checkCommand } from './check.ts';
import { createUser, ROLES, type Role as UserRole } from '../identity/index.ts';
import { seedDemo, type DemoResult } from '../demo/index.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { migrate } from '../platform/migrate.ts';
import { exportVolumes, importBags, parseAnchor, restoreLocation, runAudit, verifyChain, type ChainAnchor } from '../preservation/index.ts';

const HELP = `dangan ${VERSION} — 城建电子档案系统 / urban-construction electronic archives

Usage: dangan <command> [options]

Commands:
  serve [--role all|web|worker]   run the server (default: web + worker in one process)
  migrate                         apply database migrations
  seed-demo                       load the demo archive (once; prints the demo passwords)
  audit verify [--anchor SEQ:HASH ...] [--json]
                                  re-compute the event chain; exit 1 at the first broken link, or when
                                  an anchor printed earlier no longer matches (removed newest events)
  audit fixity --now [--location NAME] [--mode full|sample] [--json]
                                  audit storage now, repair what can be repaired; exit 0 only when
                                  nothing is left unrepaired
  preserve (--all | --volume 档号 ...)
                                  write archival packages (OCFL) and replicate them to every location
  export (--volumes 档号[,档号…] | --all) --to DIR [--json]
                                  offline copies (脱机保管): one verified BagIt bag per volume
  import DIR [--json]             verify offline copies (one bag or a folder of bags) and re-ingest them
  pack SRC --catalog FILE.xlsx --out PKG [--sign-key KEY.json] [--json]
                                  the offline packer (离线报录); see dangan pack --help
  check PATH --stage GD|YJ|BC [--scheme FILE] [--json]
                                  四性检测 (DA/T 70) of a package or folder, no server needed;
                                  exit 0 no blocking failure, 1 blocking failures, 2 could not run
  restore --location NAME [--json]
                                  rebuild a wiped location from the others and prove every copy
  user add --username U --role R --repository CODE [--display-name N] [--password P]
           [--unit-uscc USCC] [--project PROJECT_CODE ...]
                                  add a user (a password is generated and printed when omitted)

Environment: PORT, HOST, DATABASE_URL, DANGAN_DATA_DIR, DANGAN_DEMO (auto|on|off),
DANGAN_DEMO_PASSWORD, DANGAN_CLAMD, LOG_LEVEL — see README.md.`;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

function printPasswords(r: DemoResult): void {
  if (!r.created) return;
  out('\n演示数据已载入 / demo archive loaded. Demo users (shown once):');
  for (const p of r.passwords) out(`  ${p.username.padEnd(18)} ${p.role.padEnd(10)} ${p.repository.padEnd(6)} ${p.password}`);
  out('');
}

async function serve(config: Config, role: Role): Promise<number> {
  const t0 = performance.now();
  const rt = await openRuntime(config, role, err);
  const demo = config.demo === 'on' || (config.demo === 'auto' && rt.embedded !== undefined);
  if (demo && role !== 'worker') {
    const seeded = await seedDemo(rt.db, rt.store, { password: config.demoPassword });
    printPasswords(seeded);
    // The demo archive goes into long-term preservation at once, so the storage page has something to show.
    if (seeded.created) await preserveVolumes(rt, null, 'system:seed-demo');
  }
  const app = role === 'worker' ? undefined : await buildApp(rt);
  if (app) await app.listen({ port: config.port, host: config.host });
  const addr = app?.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  out(`Dangan ${VERSION} (${role}) ready in ${Math.round(performance.now() - t0)} ms` +
    (app ? ` — http://localhost:${port}` : '') + (rt.embedded ? ` — embedded PostgreSQL on 127.0.0.1:${rt.embedded.port}` : ''));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  out('stopping…');
  await app?.close();
  await rt.close();
  return 0;
}

async function withRuntime<T>(config: Config, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(config, 'web', err);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

async function withDb<T>(config: Config, fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const { db, embedded } = await openDatabase(config, err);
  try {
    return await fn(db);
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  // The offline packer runs on a clerk's machine without a database: it parses its own options.
  if (argv[0] === 'pack') return packCommand(argv.slice(1));
  // So does the four-properties check of a package or folder.
  if (argv[0] === 'check') return checkCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      role: { type: 'string' },
      json: { type: 'boolean' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      repository: { type: 'string' },
      password: { type: 'string' },
      'unit-uscc': { type: 'string' },
      project: { type: 'string', multiple: true },
      now: { type: 'boolean' },
      location: { type: 'string' },
      mode: { type: 'string' },
      all: { type: 'boolean' },
      volume: { type: 'string', multiple: true },
      volumes: { type: 'string' },
      anchor: { type: 'string', multiple: true },
      to: { type: 'string' },
    },
  });
  const [cmd, sub] = positionals;
  if (values.version) return out(VERSION), 0;
  if (values.help || !cmd) return out(HELP), cmd || values.help ? 0 : 2;

  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    err((e as Error).message);
    return 2;
  }

  try {
    switch (cmd) {
      case 'serve': {
        const role = (values.role ?? 'all') as Role;
        if (!['all', 'web', 'worker'].includes(role)) return err(`unknown role: ${role}`), 2;
        return await serve(config, role);
      }
      case 'migrate': {
        return await withDb(config, async (db) => {
          const r = await migrate(db);
          out(r.applied.length ? `applied: ${r.applied.join(', ')}` : `up to date (${r.current ?? 'no migrations'})`);
          return 0;
        });
      }
      case 'seed-demo': {
        const rt = await openRuntime(config, 'web', err);
        try {
          const r = await seedDemo(rt.db, rt.store, { password: config.demoPassword });
          if (!r.created) out('demo data already present; nothing done');
          printPasswords(r);
        } finally {
          await rt.close();
        }
        return 0;
      }
      case 'preserve': {
        if (!values.all && !values.volume?.length) return err('usage: dangan preserve (--all | --volume 档号 ...)'), 2;
        return await withRuntime(config, async (rt) => {
          const r = await preserveVolumes(rt, values.all ? null : values.volume!, 'system:cli');
          if (values.json) out(JSON.stringify(r));
          else out(`${r.preserved} preserved, ${r.notPreserved.length} not preserved${r.notPreserved.length ? `: ${r.notPreserved.join(', ')}` : ''}`);
          return r.notPreserved.length ? 1 : 0;
        });
      }
      case 'export': {
        if (!values.to || (!values.all && !values.volumes)) return err('usage: dangan export (--volumes 档号[,档号…] | --all) --to DIR'), 2;
        return await withRuntime(config, async (rt) => {
          const codes = values.volumes?.split(',').map((c) => c.trim()).filter(Boolean) ?? [];
          const rows = values.all
            ? await rt.db.query<{ id: string; archival_code: string }>(`SELECT v.id, v.archival_code FROM volume v JOIN archival_package p ON p.volume_id = v.id ORDER BY v.archival_code`)
            : await rt.db.query<{ id: string; archival_code: string }>('SELECT id, archival_code FROM volume WHERE archival_code = ANY($1) ORDER BY archival_code', [codes]);
          const missing = codes.filter((c) => !rows.some((r) => r.archival_code === c));
          if (missing.length) return err(`no volume with 档号 ${missing.join(', ')}`), 2;
          const results = await exportVolumes(rt.preservation, rows.map((r) => r.id), values.to!, 'system:cli');
          if (values.json) out(JSON.stringify(results.map(({ report: _r, ...x }) => x)));
          else for (const r of results) out(`${r.path}  ${r.files} files, ${r.bytes} bytes, Payload-Oxum ${r.payloadOxum}, verified`);
          return 0;
        });
      }
      case 'import': {
        const dir = sub;
        if (!dir) return err('usage: dangan import DIR'), 2;
        return await withRuntime(config, async (rt) => {
          const results = await importBags(rt.preservation, dir, 'system:cli');
          if (values.json) out(JSON.stringify(results.map((r) => ({ bag: r.bag, status: r.result.status, ocflId: r.result.ocflId, head: r.result.head, files: r.result.files, state: r.state.state }))));
          else for (const r of results) out(`${r.bag}: ${r.result.status} (${r.result.head}, ${r.result.files} files) → ${r.state.state}`);
          return results.every((r) => r.state.state === 'preserved') ? 0 : 1;
        });
      }
      case 'restore': {
        if (!values.location) return err('usage: dangan restore --location NAME'), 2;
        return await withRuntime(config, async (rt) => {
          const r = await restoreLocation(rt.preservation, values.location!, 'system:cli');
          if (values.json) out(JSON.stringify(r));
          else out(`恢复 / restored ${values.location}: ${r.verified}/${r.objects} packages verified (100 % fixity match: ${r.verified === r.objects ? 'yes' : 'NO'}), ${r.filesCopied} files / ${r.bytesCopied} bytes copied, ${r.filesAlreadyGood} already good`);
          return r.failed.length ? 1 : 0;
        });
      }
      case 'audit': {
        if (sub === 'fixity') {
          if (!values.now) return err('usage: dangan audit fixity --now [--location NAME] [--mode full|sample] [--json]'), 2;
          const mode = (values.mode ?? 'full') as 'full' | 'sample';
          if (mode !== 'full' && mode !== 'sample') return err('--mode is full or sample'), 2;
          return await withRuntime(config, async (rt) => {
            const names = values.location ? [values.location] : rt.preservation.online.map((l) => l.config.name);
            const reports = [];
            for (const location of names) {
              reports.push(await runAudit(rt.preservation, { location, mode, actor: 'system:cli', samplePercent: rt.preservation.config.audit.samplePercent, bytesPerSecond: rt.preservation.config.audit.bytesPerSecond }));
            }
            const unrepaired = reports.reduce((n, r) => n + r.unrepaired, 0);
            if (values.json) out(JSON.stringify(reports));
            else {
              for (const r of reports) {
                out(`${r.location}: ${r.status}${r.resumed ? ' (resumed)' : ''}, ${r.objectsChecked} packages, ${r.bytesChecked} bytes, ${r.findings.length} findings, ${r.unrepaired} unrepaired`);
                for (const f of r.findings) out(`  ${f.kind.padEnd(10)} ${f.repaired ? `repaired from ${f.repairedFrom}` : f.kind === 'unexpected' ? 'reported' : 'NOT REPAIRED'}  ${f.path}  ${f.detail}`);
              }
            }
            return unrepaired > 0 || reports.some((r) => r.status !== 'done') ? 1 : 0;
          });
        }
        if (sub !== 'verify') return err('usage: dangan audit (verify [--anchor SEQ:HASH ...] | fixity --now) [--json]'), 2;
        const anchors = (values.anchor ?? []).map((a) => parseAnchor(a));
        if (anchors.some((a) => !a)) return err('--anchor is SEQ:HASH, as printed by an earlier `dangan audit verify`'), 2;
        return await withDb(config, async (db) => {
          const v = await verifyChain(db, 2000, anchors as ChainAnchor[]);
          if (values.json) out(JSON.stringify(v));
          else if (v.ok) out(`事件链完整 / event chain intact: ${v.count} events, head ${v.head}\n锚点 / anchor (keep it outside the database): ${v.anchor}`);
          else out(`事件链断裂 / event chain BROKEN at event ${v.brokenAt} (${v.reason}): ${v.message}; ${v.count} events verified before it`);
          return v.ok ? 0 : 1;
        });
      }
      case 'user': {
        if (sub !== 'add') return err('usage: dangan user add --username U --role R --repository CODE'), 2;
        const role = values.role as UserRole | undefined;
        if (!values.username || !role || !ROLES.includes(role) || !values.repository) {
          return err(`usage: dangan user add --username U --role (${ROLES.join('|')}) --repository CODE`), 2;
        }
        return await withDb(config, async (db) => {
          await migrate(db);
          const [repo] = await db.query<{ id: string }>('SELECT id FROM repository WHERE code = $1', [values.repository]);
          if (!repo) return err(`no repository with code ${values.repository}`), 2;
          const projects = values.project?.length
            ? await db.query<{ id: string }>('SELECT id FROM project WHERE repository_id = $1 AND project_code = ANY($2)', [repo.id, values.project])
            : [];
          if (values.project && projects.length !== new Set(values.project).size) return err('unknown project code for this repository'), 2;
          const password = values.password ?? randomBytes(12).toString('base64url');
          const u = await db.tx((tx) =>
            createUser(tx, {
              username: values.username!, displayName: values['display-name'] ?? values.username!, role, repositoryId: repo.id, password,
              ...(values['unit-uscc'] ? { unitUscc: values['unit-uscc'] } : {}),
              ...(projects.length ? { projectIds: projects.map((p) => p.id) } : {}),
            }, { kind: 'system', name: 'cli' }),
          );
          out(`user ${u.username} (${u.role}) added${values.password ? '' : `; password: ${password}`}`);
          return 0;
        });
      }
      default:
        err(`unknown command: ${cmd}\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    const ae = e as { code?: string; bilingual?: { zh: string; en: string }; message: string; problems?: { message: { zh: string; en: string }; path?: string }[] };
    if (ae.problems?.length) {
      err(`error: ${ae.message}`);
      for (const p of ae.problems) err(`  ${p.path ?? ''} ${p.message.zh} / ${p.message.en}`);
      return 1;
    }
    err(ae.bilingual ? `${ae.code}: ${ae.bilingual.zh} / ${ae.bilingual.en}` : `error: ${ae.message}`);
    return 1;
  }
}
