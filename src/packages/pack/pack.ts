/**
 * `packFolder`: the offline packer (离线报录). Validates the catalog workbook and the source folder
 * completely first; when there is any error it returns every problem and writes nothing. Otherwise it
 * writes the package (write.ts) and returns what it wrote, with the warnings.
 */
import { relative, resolve, sep } from 'node:path';
import type { TagManifestSigner } from '../format/index.ts';
import type { PackProblem } from './problems.ts';
import { planPackage, type ProjectOverrides } from './validate.ts';
import { writeBag, type PackProgress, type VerifyMode, type WriteResult } from './write.ts';

export type PackOptions = {
  /** the folder holding the files the 卷内目录 lists */
  source: string;
  /** the package to write: a folder that must not exist (a .zip name is refused: not implemented) */
  out: string;
  /** the filled-in catalog workbook (.xlsx) */
  catalogXlsx: string;
  /** values that fill in or override the 项目 sheet */
  metadata?: ProjectOverrides;
  /** files copied and hashed at the same time on the main-thread path (workers: 0; default 4) */
  concurrency?: number;
  /** hash worker threads (default: the number of cores, at most 8); 0 hashes on the main thread */
  workers?: number;
  onProgress?: (p: PackProgress) => void;
  fsync?: boolean;
  /** the check before the package gets its name: true / 'structure' (default: layout, sizes, manifests, Payload-Oxum read back), 'full' (also every payload file re-read and re-hashed), false */
  verify?: boolean | VerifyMode;
  signer?: TagManifestSigner;
  now?: Date;
};

export type PackOutcome =
  | { ok: true; result: WriteResult; warnings: PackProblem[] }
  | { ok: false; problems: PackProblem[] };

const inside = (parent: string, child: string): boolean => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && !/^[A-Za-z]:/.test(r));
};

/** Packs `source` into `out`. Validation problems are returned; I/O failures while writing throw PackWriteError. */
export async function packFolder(options: PackOptions): Promise<PackOutcome> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const out = resolve(options.out);
  if (inside(resolve(options.source), out)) {
    return { ok: false, problems: [{ code: 'path-invalid', severity: 'error', file: out, message: { zh: '输出位置不能在源文件夹之内', en: 'the package cannot be written inside the source folder' } }] };
  }
  options.onProgress?.({ phase: 'validate', files: 0, filesTotal: 0, bytes: 0, bytesTotal: 0 });
  const { plan, problems } = await planPackage({ source: options.source, catalogXlsx: options.catalogXlsx, ...(options.metadata ? { metadata: options.metadata } : {}), concurrency: 16 });
  if (!plan) return { ok: false, problems };
  const result = await writeBag(plan, {
    out, concurrency,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
    ...(options.verify === undefined ? {} : { verify: options.verify }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.signer ? { signer: options.signer } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { ok: true, result, warnings: problems };
}
