/** Test helpers for submitted packages: upload a file as a submission (one tus PATCH), zip a folder. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { TestClient } from '../../platform/testing/http.ts';
import { writeZip } from '../unpack/test-fixtures.ts';

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Uploads `file` for `projectId` as `client` in one PATCH; returns the submission id. */
export async function submitFile(baseUrl: string, client: TestClient, projectId: string, file: string): Promise<string> {
  const body = await readFile(file);
  const c = await client.req('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': String(body.length), 'upload-metadata': `filename ${b64(file.split('/').pop()!)},projectId ${b64(projectId)}` });
  assert.equal(c.status, 201, c.text);
  const r = await fetch(`${baseUrl}${c.headers.get('location')}`, { method: 'PATCH', body: new Uint8Array(body), headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', cookie: client.cookie ?? '' } });
  assert.equal(r.status, 204);
  return r.headers.get('x-dangan-submission')!;
}

/** Zips a folder (deflate); `edit` may change or drop (undefined) an entry's bytes. */
export async function zipDir(dir: string, out: string, edit?: (name: string, data: Buffer) => Buffer | undefined): Promise<string> {
  const specs = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const name = relative(dir, join(e.parentPath, e.name));
    const data = await readFile(join(dir, name));
    const changed = edit ? edit(name, data) : data;
    if (changed) specs.push({ name, data: changed, method: 8 });
  }
  return writeZip(out, specs);
}
