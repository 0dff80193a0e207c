import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../platform/db.ts';
import { READ_CHUNK, appendEvent, type FsContentStore } from '../../preservation/index.ts';
import { readForeignPackage } from '../foreign/index.ts';
import type { IncomingPackage, PackageProblem } from '../model.ts';
import { UnpackError, detectFormat } from '../unpack/index.ts';
import { isDanganBag, readDanganBag } from './dangan-bag.ts';
import { extractPackage } from './extract.ts';

export type IngestResult = { submissionId: string; state: 'received' | 'rejected'; items: number; problems: PackageProblem[] };

const problem = (code: string, zh: string, en: string, path?: string): PackageProblem => ({ code, severity: 'error', ...(path ? { path } : {}), message: { zh, en } });

/**
 * Unpacks a submitted package (zip, tar or a bag folder; Dangan bag, E-ARK, DA/T 93, EEP or a plain bag)
 * into the internal model, checks it, and either records its files as submission items or rejects the
 * submission with every problem at once. Safe against hostile input (the unpack reader's limits) and all
 * or nothing: the catalog of items is written in one transaction after every file verified; a rejection
 * writes only the problems. Idempotent: a submission already unpacked is returned as it is.
 */
export async function ingestSubmission(db: Db, content: FsContentStore, stagingRoot: string, submissionId: string, actor: string): Promise<IngestResult> {
  const [sub] = await db.query<{ id: string; repository_id: string; project_id: string; storage_key: string; file_name: string; state: string; project_code: string; problems: PackageProblem[] }>(
    `SELECT s.id, s.repository_id, s.project_id, s.storage_key, s.file_name, s.state, p.project_code, s.problems
       FROM submission s JOIN project p ON p.id = s.project_id WHERE s.id = $1`, [submissionId]);
  if (!sub) throw new Error(`submission ${submissionId} not found`);
  const [done] = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM submission_item WHERE submission_id = $1) AS n FROM submission_package WHERE submission_id = $1', [submissionId]);
  if (done) return { submissionId, state: sub.state === 'rejected' ? 'rejected' : 'received', items: done.n, problems: sub.problems };

  const file = content.pathOf(sub.storage_key);
  let format;
  try {
    format = await detectFormat(file);
  } catch {
    format = undefined; // a loose file (a PDF, an image): one item, nothing to unpack
  }
  if (format === undefined) {
    const size = (await stat(file)).size;
    const pkg: IncomingPackage = { source: { format: 'api' }, units: [], volumes: [], unclaimed: [], problems: [],
      records: [{ key: '1', volumeKey: '', seq: 1, title: sub.file_name, files: [{ path: sub.file_name, size, declared: {} }] }] };
    return record(db, sub, pkg, [{ path: sub.file_name, recordKey: '1', stored: await content.digest(sub.storage_key) }], actor);
  }

  let dir: string | undefined;
  let pkg: IncomingPackage;
  try {
    try {
      dir = (await extractPackage(file, stagingRoot, submissionId)).dir;
    } catch (e) {
      if (!(e instanceof UnpackError)) throw e;
      return reject(db, sub, [problem(`unpack-${e.code}`, e.bilingual.zh, e.bilingual.en, e.entry)], actor);
    }
    pkg = (await isDanganBag(dir)) ? await readDanganBag(dir) : await readForeignPackage(dir);
    if (pkg.project?.projectCode && pkg.project.projectCode !== sub.project_code) {
      pkg.problems.push(problem('project-mismatch', `报送包的项目代码 ${pkg.project.projectCode} 与所报送的项目 ${sub.project_code} 不符`, `the package is for project ${pkg.project.projectCode}, not ${sub.project_code}`));
    }
    if (pkg.problems.some((p) => p.severity === 'error')) return reject(db, sub, pkg.problems, actor, pkg);
    // Every claimed file goes into the content store, re-hashed; a declared digest that differs rejects the whole package.
    const stored: { path: string; recordKey: string; stored: Awaited<ReturnType<FsContentStore['put']>> }[] = [];
    for (const r of pkg.records) {
      for (const f of r.files) {
        const onDisk = join(dir, ...f.path.split('/'));
        if (!(await stat(onDisk).catch(() => undefined))?.isFile()) {
          pkg.problems.push(problem('file-missing', `文件缺失：${f.path}`, `file missing: ${f.path}`, f.path));
          continue;
        }
        const s = await content.put(createReadStream(onDisk, { highWaterMark: READ_CHUNK }));
        for (const alg of ['sha256', 'sha512', 'sm3'] as const) {
          const want = f.declared[alg];
          if (want && want.toLowerCase() !== s[alg]) pkg.problems.push(problem('digest-mismatch', `${f.path} 的 ${alg} 与包中声明不符`, `${f.path}: ${alg} differs from the package's declaration`, f.path));
        }
        if (s.size !== f.size) pkg.problems.push(problem('size-mismatch', `${f.path} 的大小与声明不符`, `${f.path}: ${s.size} bytes, declared ${f.size}`, f.path));
        stored.push({ path: f.path, recordKey: r.key, stored: s });
      }
    }
    if (pkg.problems.some((p) => p.severity === 'error')) return reject(db, sub, pkg.problems, actor, pkg);
    return record(db, sub, pkg, stored, actor);
  } finally {
    if (dir && dir.startsWith(stagingRoot)) await rm(dir, { recursive: true, force: true });
  }
}

type Sub = { id: string; repository_id: string; project_id: string };

async function record(db: Db, sub: Sub, pkg: IncomingPackage, stored: { path: string; recordKey: string; stored: { size: number; sha256: string; sha512: string; sm3: string; key: string } }[], actor: string): Promise<IngestResult> {
  await db.tx(async (tx) => {
    await tx.query('INSERT INTO submission_package (submission_id, package) VALUES ($1, $2)', [sub.id, JSON.stringify(pkg)]);
    for (const s of stored) {
      await tx.query(
        `INSERT INTO submission_item (submission_id, path, record_key, size, sha256, sha512, sm3, storage_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [sub.id, s.path.normalize('NFC'), s.recordKey, s.stored.size, s.stored.sha256, s.stored.sha512, s.stored.sm3, s.stored.key]);
    }
    await tx.query('UPDATE submission SET problems = $2 WHERE id = $1', [sub.id, JSON.stringify(pkg.problems)]);
    await appendEvent(tx, {
      actor, action: 'submission.unpacked', subject: `submission:${sub.id}`, repositoryId: sub.repository_id,
      data: { format: pkg.source.format, volumes: pkg.volumes.length, records: pkg.records.length, files: stored.length, warnings: pkg.problems.length },
    });
  });
  return { submissionId: sub.id, state: 'received', items: stored.length, problems: pkg.problems };
}

async function reject(db: Db, sub: Sub, problems: PackageProblem[], actor: string, pkg?: IncomingPackage): Promise<IngestResult> {
  await db.tx(async (tx) => {
    await tx.query('INSERT INTO submission_package (submission_id, package) VALUES ($1, $2)', [sub.id, JSON.stringify(pkg ?? { problems })]);
    await tx.query(`UPDATE submission SET state = 'rejected', problems = $2 WHERE id = $1`, [sub.id, JSON.stringify(problems)]);
    await appendEvent(tx, {
      actor, action: 'submission.rejected', subject: `submission:${sub.id}`, repositoryId: sub.repository_id,
      data: { errors: problems.filter((p) => p.severity === 'error').length, codes: [...new Set(problems.map((p) => p.code))].slice(0, 50) },
    });
  });
  return { submissionId: sub.id, state: 'rejected', items: 0, problems };
}

