/**
 * A generic BagIt bag (RFC 8493 or draft 0.97; not a Dangan bag) mapped into the model. The bag is
 * validated by the strict preservation reader (`inspectBag`, the engine of `verifyBag`): its errors and
 * warnings become model problems with the same code prefixed `bagit-`. One volume per bag, one record
 * per payload file, with the digests the payload manifests declare.
 */
import { stat } from 'node:fs/promises';
import { inspectBag } from '../../preservation/bagit/reader.ts';
import type { BagProblem } from '../../preservation/bagit/index.ts';
import type { IncomingFile, IncomingPackage, PackageProblem } from '../model.ts';
import { basename, emptyPackage, err, normalizeDate } from './common.ts';

const toProblem = (severity: PackageProblem['severity']) => (p: BagProblem): PackageProblem => ({
  code: `bagit-${p.code}`,
  severity,
  ...(p.path !== undefined ? { path: p.path } : {}),
  message: p.message,
});

/** Reads a bag directory. A zipped or tarred bag must be unpacked first (reported as an error). */
export async function readBagit(path: string): Promise<IncomingPackage> {
  const pkg = emptyPackage('bagit', path);
  const st = await stat(path).catch(() => undefined);
  if (st?.isFile()) {
    pkg.problems.push(err('bagit-not-directory', '只能读取目录形式的 BagIt 包；压缩的包须先安全解包', 'only a bag directory can be read; a zipped or tarred bag must be unpacked (safely) first', basename(path)));
    return pkg;
  }
  const { report, payload } = await inspectBag(path);
  if (report.version) pkg.source.version = report.version;
  pkg.problems.push(...report.errors.map(toProblem('error')), ...report.warnings.map(toProblem('warning')));
  const info = (label: string) => report.bagInfo.find((e) => e.label.toLowerCase() === label.toLowerCase())?.value.trim() || undefined;
  const org = info('Source-Organization');
  if (org) pkg.submitter = { name: org };
  const title = info('Title') ?? info('External-Description') ?? info('External-Identifier') ?? info('Bag-Group-Identifier') ?? basename(path.replace(/\/+$/, ''));
  const date = normalizeDate(info('Bagging-Date'));
  pkg.volumes.push({ key: 'bag', title, ...(date ? { year: Number(date.slice(0, 4)) } : {}), ...(info('External-Identifier') ? { archivalCode: info('External-Identifier')! } : {}) });
  const paths = [...payload.keys()].sort();
  paths.forEach((p, i) => {
    const f = payload.get(p)!;
    const declared: IncomingFile['declared'] = {};
    for (const alg of ['sha256', 'sha512', 'sm3', 'md5'] as const) if (f.digests[alg]) declared[alg] = f.digests[alg].toLowerCase();
    pkg.records.push({ key: p, volumeKey: 'bag', seq: i + 1, title: basename(p).replace(/\.[^.]*$/, '') || basename(p), files: [{ path: p, size: f.size, declared }] });
  });
  return pkg;
}
