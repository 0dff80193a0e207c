import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { actorName, type UserActor } from '../../identity/index.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { uuidv7 } from '../../platform/ids.ts';
import { READ_CHUNK, appendEvent, type FsContentStore } from '../../preservation/index.ts';

export type UploadRow = {
  id: string; repository_id: string; project_id: string; created_by: string; file_name: string;
  length: number; offset: number; state: 'receiving' | 'complete' | 'terminated'; expires_at: Date;
};
export type Submission = { id: string; fileName: string; size: number; sha256: string; sm3: string; state: string };

const CHECKPOINT = 8 * 1024 * 1024; // fsync + record the acknowledged offset every 8 MiB
const UPLOAD_LOCK = 7_246_300;
const err = (status: number, code: string, zh: string, en: string) => new AppError(status, code, { zh, en });

/**
 * Resumable uploads: bytes are appended to `<dataDir>/uploads/<id>.part`; the offset the server
 * acknowledges is the one recorded after an fsync, so after a crash the file is cut back to it and the
 * client resumes from there (tus HEAD). On the last byte the file moves into the content store (three
 * digests in one pass) and becomes a submission record, in one transaction with its event.
 */
export class Uploads {
  constructor(
    private readonly db: Db,
    private readonly content: FsContentStore,
    private readonly dir: string,
    /** told after a submission committed (the app queues unpacking it) */
    private readonly onSubmission: (submissionId: string, actor: string) => Promise<void> = async () => undefined,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  private part(id: string) {
    return join(this.dir, `${id}.part`);
  }

  async create(actor: UserActor, input: { projectId: string; repositoryId: string; fileName: string; length: number; metadata: Record<string, string> }): Promise<UploadRow> {
    const id = uuidv7();
    const [row] = await this.db.tx(async (tx) => {
      const rows = await tx.query<UploadRow>(
        `INSERT INTO upload (id, repository_id, project_id, created_by, file_name, length, metadata, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + interval '7 days') RETURNING *`,
        [id, input.repositoryId, input.projectId, actor.id, input.fileName.normalize('NFC'), input.length, JSON.stringify(input.metadata)]);
      await appendEvent(tx, { actor: actorName(actor), action: 'upload.created', subject: `upload:${id}`, repositoryId: input.repositoryId, data: { projectId: input.projectId, fileName: input.fileName, length: input.length } });
      return rows;
    });
    await (await open(this.part(id), 'w')).close();
    return row!;
  }

  /** The caller's own upload, or 404 (another user's upload is not even acknowledged to exist). */
  async get(actor: UserActor, id: string): Promise<UploadRow> {
    const [row] = await this.db.query<UploadRow>('SELECT * FROM upload WHERE id = $1 AND created_by = $2', [id, actor.id]);
    if (!row || row.state === 'terminated') throw err(404, 'upload.not_found', '上传不存在', 'upload not found');
    return row;
  }

  /** Appends `body` at `offset` (which must be the acknowledged offset); returns the new offset. */
  async append(actor: UserActor, id: string, offset: number, body: Readable): Promise<{ offset: number; submission: Submission | null }> {
    const client = await this.db.pool.connect();
    try {
      const [{ locked }] = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [UPLOAD_LOCK, id])).rows as [{ locked: boolean }];
      if (!locked) throw err(423, 'upload.busy', '该上传正在进行中', 'another request is writing this upload');
      try {
        const row = await this.get(actor, id);
        if (row.offset !== offset) throw err(409, 'upload.offset_mismatch', `偏移量应为 ${row.offset}`, `Upload-Offset must be ${row.offset}`);
        let acknowledged = row.offset;
        if (row.state === 'receiving' && acknowledged < row.length) acknowledged = await this.write(row, body);
        else for await (const chunk of body) if ((chunk as Buffer).length) throw err(413, 'upload.too_long', '数据超出声明的长度', 'more bytes than Upload-Length');
        const submission = acknowledged === row.length ? await this.finish(actor, row) : null;
        return { offset: acknowledged, submission };
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [UPLOAD_LOCK, id]);
      }
    } finally {
      client.release();
    }
  }

  private async write(row: UploadRow, body: Readable): Promise<number> {
    const fh = await open(this.part(row.id), 'r+');
    let position = row.offset;
    let sinceCheckpoint = 0;
    const checkpoint = async () => {
      await fh.sync();
      await this.db.query('UPDATE upload SET "offset" = $2, updated_at = now() WHERE id = $1', [row.id, position]);
      sinceCheckpoint = 0;
    };
    try {
      await fh.truncate(row.offset); // bytes after the acknowledged offset (a crash mid-write) are not trusted
      try {
        for await (const c of body) {
          const chunk = c as Buffer;
          if (position + chunk.length > row.length) throw err(413, 'upload.too_long', '数据超出声明的长度', 'more bytes than Upload-Length');
          await fh.write(chunk, 0, chunk.length, position);
          position += chunk.length;
          sinceCheckpoint += chunk.length;
          if (sinceCheckpoint >= CHECKPOINT) await checkpoint();
        }
      } catch (e) {
        // A dropped connection keeps what arrived in order; an over-long body keeps nothing past the limit.
        if (e instanceof AppError) await fh.truncate(position);
        await checkpoint();
        throw e instanceof AppError ? e : err(400, 'upload.interrupted', '上传连接中断，请从已确认的偏移量续传', 'the upload was interrupted; resume from the acknowledged offset');
      }
      await checkpoint();
      return position;
    } finally {
      await fh.close();
    }
  }

  private async finish(actor: UserActor, row: UploadRow): Promise<Submission> {
    const [done] = await this.db.query<Submission>(
      'SELECT id, file_name AS "fileName", size, sha256, sm3, state FROM submission WHERE upload_id = $1', [row.id]);
    if (done) return done;
    const stored = await this.content.put(createReadStream(this.part(row.id), { highWaterMark: READ_CHUNK }));
    if (stored.size !== row.length) throw err(500, 'upload.size_mismatch', '文件大小与声明不符', 'stored size differs from Upload-Length');
    const id = uuidv7();
    const [unit] = await this.db.query<{ unit_uscc: string | null }>('SELECT unit_uscc FROM app_user WHERE id = $1', [actor.id]);
    const submission = await this.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO submission (id, repository_id, project_id, submitted_by, unit_uscc, kind, upload_id, file_name, size, sha256, sha512, sm3, storage_key)
         VALUES ($1, $2, $3, $4, $5, 'upload', $6, $7, $8, $9, $10, $11, $12)`,
        [id, row.repository_id, row.project_id, actor.id, unit?.unit_uscc ?? null, row.id, row.file_name, stored.size, stored.sha256, stored.sha512, stored.sm3, stored.key]);
      await tx.query(`UPDATE upload SET state = 'complete', "offset" = length, updated_at = now() WHERE id = $1`, [row.id]);
      await appendEvent(tx, {
        actor: actorName(actor), action: 'submission.received', subject: `submission:${id}`, repositoryId: row.repository_id,
        data: { projectId: row.project_id, uploadId: row.id, fileName: row.file_name, size: stored.size, sha256: stored.sha256, sm3: stored.sm3 },
      });
      return { id, fileName: row.file_name, size: stored.size, sha256: stored.sha256, sm3: stored.sm3, state: 'received' };
    });
    await rm(this.part(row.id), { force: true });
    await this.onSubmission(submission.id, actorName(actor));
    return submission;
  }

  async terminate(actor: UserActor, id: string): Promise<void> {
    const row = await this.get(actor, id);
    if (row.state === 'complete') throw err(409, 'upload.complete', '上传已完成，不能删除', 'a complete upload cannot be terminated');
    await this.db.tx(async (tx) => {
      await tx.query(`UPDATE upload SET state = 'terminated', updated_at = now() WHERE id = $1`, [id]);
      await appendEvent(tx, { actor: actorName(actor), action: 'upload.terminated', subject: `upload:${id}`, repositoryId: row.repository_id, data: { offset: row.offset } });
    });
    await rm(this.part(id), { force: true });
  }
}
