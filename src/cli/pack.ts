/**
 * `dangan pack SRC --catalog FILE.xlsx --out PKG [--json] [--concurrency N]` and
 * `dangan pack --template FILE.xlsx`: the offline packer (离线报录). `args` are the words after `pack`.
 * Exit 0 packed (or template written), 1 validation problems (nothing written), 2 usage or I/O error.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateUnitKeyPair, sm2Signer } from '../packages/signing/index.ts';
import { formatProblem, packFolder, packTemplate, type PackProgress } from '../packages/pack/index.ts';

export const PACK_USAGE = `Usage:
  dangan pack SRC --catalog FILE.xlsx --out PKG [--json] [--concurrency N]
      build a Dangan submission package (BagIt) in the new folder PKG from the files in SRC and the
      卷内目录 workbook; everything is checked first and every problem listed (exit 1, nothing written)
  dangan pack --template FILE.xlsx
      write the catalog workbook template (sheets 项目, 单位工程, 案卷, 卷内目录)
  --verify structure|full  before PKG gets its name: structure (default: files, sizes, manifests,
                        Payload-Oxum read back) or full (also re-read and re-hash every file)
  --workers N           hashing threads (default: one per core)
  --sign-key KEY.json   sign tagmanifest-sm3.txt with the unit's SM2 key ({ "privateKey", "publicKey" }, hex)
  dangan pack --new-key KEY.json
      make an SM2 key pair for a unit (keep the file private; register the public key with the archive)`;

const MB = 1e6;

function progressWriter(): { tell(p: PackProgress): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let lastPhase = '';
  let shown = false;
  const line = (p: PackProgress) =>
    p.phase === 'validate' ? '检查卷内目录与文件 / validating…'
      : p.phase === 'verify' ? '校验包 / verifying the package…'
        : p.phase === 'done' ? '完成 / done'
          : `复制并计算摘要 / copying: ${p.files}/${p.filesTotal} files, ${(p.bytes / MB).toFixed(1)}/${(p.bytesTotal / MB).toFixed(1)} MB`;
  return {
    tell(p) {
      const now = Date.now();
      const changed = p.phase !== lastPhase;
      if (!changed && now - last < (tty ? 100 : 2000)) return;
      last = now;
      lastPhase = p.phase;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line(p)}`);
        shown = true;
      } else process.stderr.write(`${line(p)}\n`);
    },
    end() {
      if (shown) process.stderr.write('\n');
    },
  };
}

export async function packCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { catalog: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, concurrency: { type: 'string' }, template: { type: 'string' }, 'sign-key': { type: 'string' }, 'new-key': { type: 'string' }, verify: { type: 'string' }, workers: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${PACK_USAGE}\n`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  if (o.help) {
    process.stdout.write(`${PACK_USAGE}\n`);
    return 0;
  }
  const fail = (msg: string): number => {
    if (o.json) process.stdout.write(`${JSON.stringify({ ok: false, error: msg })}\n`);
    process.stderr.write(`dangan pack: ${msg}\n`);
    return 2;
  };
  if (o['new-key'] !== undefined) {
    try {
      await writeFile(o['new-key'], `${JSON.stringify(generateUnitKeyPair(), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      return fail((err as Error).message);
    }
    process.stderr.write(`SM2 密钥已写入 / key pair written: ${o['new-key']}\n`);
    return 0;
  }
  if (o.template !== undefined) {
    if (positionals.length || o.catalog || o.out) return fail(`--template takes no other argument\n${PACK_USAGE}`);
    try {
      await packTemplate(o.template);
    } catch (err) {
      return fail((err as Error).message);
    }
    if (o.json) process.stdout.write(`${JSON.stringify({ ok: true, template: o.template })}\n`);
    else process.stderr.write(`模板已写入 / template written: ${o.template}\n`);
    return 0;
  }
  if (positionals.length !== 1 || !o.catalog || !o.out) return fail(`give one SRC folder, --catalog and --out\n${PACK_USAGE}`);
  const concurrency = o.concurrency === undefined ? 4 : Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return fail('--concurrency must be a whole number 1–64');

  const verify = o.verify ?? 'structure';
  if (verify !== 'structure' && verify !== 'full') return fail('--verify is structure or full');
  const workers = o.workers === undefined ? undefined : Number(o.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 16)) return fail('--workers must be a whole number 0–16');
  let signer;
  if (o['sign-key']) {
    try {
      const key = JSON.parse(await readFile(o['sign-key'], 'utf8')) as { privateKey?: unknown; publicKey?: unknown };
      if (typeof key.privateKey !== 'string' || typeof key.publicKey !== 'string') throw new Error('the key file needs privateKey and publicKey (hex)');
      signer = sm2Signer({ privateKey: key.privateKey, publicKey: key.publicKey });
    } catch (err) {
      return fail(`--sign-key: ${(err as Error).message}`);
    }
  }
  const progress = progressWriter();
  try {
    const r = await packFolder({ source: positionals[0]!, catalogXlsx: o.catalog, out: o.out, concurrency, onProgress: (p) => progress.tell(p), verify, ...(workers !== undefined ? { workers } : {}), ...(signer ? { signer } : {}) });
    progress.end();
    if (!r.ok) {
      if (o.json) process.stdout.write(`${JSON.stringify({ ok: false, problems: r.problems }, null, 2)}\n`);
      for (const p of r.problems) process.stderr.write(`${formatProblem(p)}\n`);
      const n = r.problems.filter((p) => p.severity === 'error').length;
      process.stderr.write(`共 ${n} 个错误，未写入任何文件 / ${n} error(s); nothing was written\n`);
      return 1;
    }
    const { result, warnings } = r;
    if (o.json) {
      const { metadata: _m, report, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ ok: true, ...rest, valid: report?.valid ?? null, warnings }, null, 2)}\n`);
    }
    for (const p of warnings) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`已生成报送包 / package written: ${result.path} — ${result.volumes} 卷, ${result.records} 件, ${result.files} 个文件, ${(result.bytes / MB).toFixed(1)} MB, Payload-Oxum ${result.payloadOxum}\n`);
    return 0;
  } catch (err) {
    progress.end();
    return fail((err as Error).message);
  }
}
