import { createHash } from 'node:crypto';
import { getProject, type ProjectView } from '../../catalog/index.ts';
import { isIsoDate, parseBuildingCode, parseProjectCode, parseUscc, type CodeIssue, type CodeResult } from '../../codes/index.ts';
import { canWriteCatalog, readScope, type UserActor } from '../../identity/index.ts';
import type { Queryable } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { IncomingFile, IncomingPackage, PackageProblem } from '../model.ts';
import { INLINE_MAX, type RecordInput } from './schema.ts';

export type Digests = { size: number; sha256: string; sha512: string; sm3: string };
/** A file whose bytes were checked against what the caller declared: in memory (inline) or already stored (tus upload). */
export type PreparedFile = { path: string; format: string | undefined; digests: Digests } & ({ bytes: Buffer } | { uploadId: string; storageKey: string });
export type Prepared = { project: ProjectView; unitUscc: string | null; pkg: IncomingPackage; recordKey: string; files: PreparedFile[] };

export type Issue = { path: string; code: string; message: { zh: string; en: string } };
const err = (status: number, code: string, zh: string, en: string, details?: unknown) => new AppError(status, code, { zh, en }, details);

/** Invalid metadata: 400 whose code is the first issue's code (e.g. `project_code.format`), all issues in details. */
export function invalid(issues: Issue[]): AppError {
  const first = issues[0]!;
  return new AppError(400, first.code, first.message, issues);
}

function checkCode<T>(r: CodeResult<T>, path: string, issues: Issue[], problems: PackageProblem[]): T | undefined {
  const at = (i: CodeIssue) => ({ path, code: i.code, message: i.message });
  if (!r.ok) {
    issues.push(...r.issues.map(at));
    return undefined;
  }
  problems.push(...r.warnings.map((w) => ({ severity: 'warning' as const, ...at(w) })));
  return r.value;
}

const SAFE_PATH = /^[^\\\u0000-\u001f\u007f]+$/;
function validPath(p: string): boolean {
  return SAFE_PATH.test(p) && !p.startsWith('/') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s.trim() === s);
}

export function digestsOf(bytes: Buffer): Digests {
  const h = (a: string) => createHash(a).update(bytes).digest('hex');
  return { size: bytes.length, sha256: h('sha256'), sha512: h('sha512'), sm3: h('sm3') };
}

/** The caller's sha256 / sm3 must match the bytes: 422 naming the file otherwise. */
function checkDeclared(path: string, declared: { sha256?: string | undefined; sm3?: string | undefined }, actual: Digests): void {
  for (const alg of ['sha256', 'sm3'] as const) {
    const d = declared[alg]?.toLowerCase();
    if (d !== undefined && d !== actual[alg]) {
      throw err(422, 'archiving.digest_mismatch', `文件「${path}」的 ${alg.toUpperCase()} 与声明的不一致`, `the ${alg} of file "${path}" differs from the declared one`,
        { file: path, algorithm: alg, declared: d, actual: actual[alg] });
    }
  }
}

/** The project a record goes to, by 项目代码 or id, within what the caller may submit to (404 / 403 otherwise). */
export async function resolveProject(q: Queryable, me: UserActor, ref: RecordInput['project'], issues: Issue[], problems: PackageProblem[]): Promise<ProjectView | undefined> {
  let id = ref.projectId;
  if (ref.projectCode !== undefined) {
    const code = checkCode(parseProjectCode(ref.projectCode), 'project.projectCode', issues, problems);
    if (!code) return undefined;
    const scope = readScope(me);
    const [row] = await q.query<{ id: string }>(
      `SELECT id FROM project WHERE project_code = $1 AND ($2::uuid[] IS NULL OR repository_id = ANY($2)) ORDER BY (repository_id = $3) DESC, id LIMIT 1`,
      [code.code, scope.repositoryIds === 'any' ? null : scope.repositoryIds, me.repository.id]);
    if (!row) throw err(404, 'catalog.not_found', '项目不存在或无权查看', 'project not found');
    if (id !== undefined && id !== row.id) {
      issues.push({ path: 'project', code: 'archiving.project_mismatch', message: { zh: '项目代码与项目 id 不是同一个项目', en: 'projectCode and projectId name different projects' } });
      return undefined;
    }
    id = row.id;
  }
  const project = await getProject(q, readScope(me), id!);
  if (me.role !== 'submitter' && !canWriteCatalog(me, project.repositoryId)) {
    throw err(403, 'auth.cross_repository', '只能向本馆项目报送', 'you can only submit to projects of your own repository');
  }
  return project;
}

async function prepareFiles(q: Queryable, me: UserActor, projectId: string, input: RecordInput, issues: Issue[]): Promise<PreparedFile[]> {
  const out: PreparedFile[] = [];
  const seen = new Set<string>();
  for (const [i, f] of input.record.files.entries()) {
    const path = f.path.normalize('NFC');
    const at = `record.files.${i}`;
    if (!validPath(path)) issues.push({ path: `${at}.path`, code: 'archiving.file_path', message: { zh: `文件名「${path}」无效`, en: `invalid file path "${path}"` } });
    else if (seen.has(path)) issues.push({ path: `${at}.path`, code: 'archiving.file_duplicate', message: { zh: `文件「${path}」重复`, en: `file "${path}" is given twice` } });
    seen.add(path);
    if (f.contentBase64 !== undefined) {
      const b64 = f.contentBase64.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
        issues.push({ path: `${at}.contentBase64`, code: 'archiving.base64', message: { zh: `文件「${path}」的 base64 内容无效`, en: `file "${path}": invalid base64` } });
        continue;
      }
      const bytes = Buffer.from(b64, 'base64');
      if (bytes.length > INLINE_MAX) {
        issues.push({ path: `${at}.contentBase64`, code: 'archiving.inline_too_large', message: { zh: `文件「${path}」超过 1 MiB，请先用断点续传上传`, en: `file "${path}" is over 1 MiB; upload it with tus and give its uploadId` } });
        continue;
      }
      const digests = digestsOf(bytes);
      checkDeclared(path, f, digests);
      out.push({ path, format: f.format, digests, bytes });
    } else {
      const [u] = await q.query<{ state: string; project_id: string; size: number | null; sha256: string; sha512: string; sm3: string; storage_key: string }>(
        `SELECT u.state, u.project_id, s.size, s.sha256, s.sha512, s.sm3, s.storage_key
           FROM upload u LEFT JOIN submission s ON s.upload_id = u.id WHERE u.id = $1 AND u.created_by = $2`, [f.uploadId, me.id]);
      if (!u || u.state === 'terminated') throw err(404, 'upload.not_found', `文件「${path}」引用的上传不存在`, `file "${path}": upload not found`);
      if (u.state !== 'complete' || u.size === null) {
        issues.push({ path: `${at}.uploadId`, code: 'archiving.upload_incomplete', message: { zh: `文件「${path}」的上传尚未完成`, en: `file "${path}": the upload is not complete` } });
        continue;
      }
      if (u.project_id !== projectId) {
        issues.push({ path: `${at}.uploadId`, code: 'archiving.upload_project', message: { zh: `文件「${path}」上传到了另一个项目`, en: `file "${path}" was uploaded to another project` } });
        continue;
      }
      const digests = { size: u.size, sha256: u.sha256, sha512: u.sha512, sm3: u.sm3 };
      checkDeclared(path, f, digests);
      out.push({ path, format: f.format, digests, uploadId: f.uploadId!, storageKey: u.storage_key });
    }
  }
  return out;
}

/**
 * Checks one pushed record (metadata with the national code checks, project scope, files and their
 * declared digests) and maps it to the internal model. Stores nothing: a refused request leaves no trace.
 */
export async function prepareRecord(q: Queryable, me: UserActor, input: RecordInput, userUscc: string | null): Promise<Prepared> {
  const issues: Issue[] = [];
  const problems: PackageProblem[] = [];
  const project = await resolveProject(q, me, input.project, issues, problems);
  let uscc: string | undefined;
  if (input.submitter?.uscc !== undefined) uscc = checkCode(parseUscc(input.submitter.uscc), 'submitter.uscc', issues, problems)?.code;
  let buildingCode: string | undefined;
  if (input.unit?.buildingCode !== undefined) buildingCode = checkCode(parseBuildingCode(input.unit.buildingCode), 'unit.buildingCode', issues, problems)?.code;
  const r = input.record;
  if (r.date !== undefined && !isIsoDate(r.date)) issues.push({ path: 'record.date', code: 'archiving.date', message: { zh: `日期「${r.date}」不是有效日期`, en: `"${r.date}" is not a calendar date` } });
  const files = project ? await prepareFiles(q, me, project.id, input, issues) : [];
  if (issues.length > 0 || !project) throw invalid(issues);

  const v = input.volume;
  const opt = <T>(k: string, x: T | undefined) => (x === undefined ? {} : { [k]: x });
  const incoming: IncomingFile[] = files.map((f, i) => {
    const d = r.files[i]!;
    return { path: f.path, size: f.digests.size, declared: { ...opt('sha256', d.sha256?.toLowerCase()), ...opt('sm3', d.sm3?.toLowerCase()) }, ...opt('format', f.format) };
  });
  const recordKey = `r${r.seq}`;
  const pkg: IncomingPackage = {
    source: { format: 'api', version: '1' },
    ...(input.submitter ? { submitter: { ...opt('uscc', uscc), ...opt('name', input.submitter.name) } } : {}),
    project: { projectCode: project.projectCode, name: project.name, builderName: project.builderName, builderUscc: project.builderUscc, regionCode: project.regionCode, address: project.address },
    units: input.unit ? [{ code: input.unit.code, name: input.unit.name, ...opt('buildingCode', buildingCode) }] : [],
    volumes: [{
      key: 'v1', ...opt('unitCode', input.unit?.code), ...opt('archivalCode', v.archivalCode), title: v.title, ...opt('category', v.category), ...opt('subclass', v.subclass),
      ...opt('year', v.year), ...opt('retention', v.retention), ...opt('classification', v.classification), ...opt('pages', v.pages),
    }],
    records: [{
      key: recordKey, volumeKey: 'v1', seq: r.seq, title: r.title, ...opt('author', r.author), ...opt('date', r.date), ...opt('docNumber', r.docNumber),
      ...opt('pages', r.pages), ...opt('remarks', r.remarks), ...opt('category', r.category), ...opt('subclass', r.subclass), files: incoming,
    }],
    unclaimed: [],
    problems,
  };
  return { project, unitUscc: userUscc ?? uscc ?? null, pkg, recordKey, files };
}
