// A small tus 1.0.0 client (core + creation + termination) over fetch: creates an upload, sends the
// file in chunks with PATCH, resumes from the server's offset (HEAD) after a network error or a 5xx,
// reports progress and speed, can pause, resume and cancel, and remembers unfinished uploads in
// localStorage so that choosing the same file again after a reload continues where it stopped.
import { ApiError, isErrorBody } from '../api/client.ts';
import type { LocalizedMessage } from '../api/types.ts';

export const TUS_VERSION = '1.0.0';
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
/** Waits before each further try after a failure; its length bounds the retries in a row. */
export const DEFAULT_RETRY_DELAYS = [500, 1000, 2000, 4000, 8000, 15000];
const STORAGE_PREFIX = 'dangan.tus:';

export type TusStatus = 'idle' | 'uploading' | 'retrying' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface TusProgress {
  sent: number;
  total: number;
  /** bytes per second over the last few seconds (0 until measured) */
  bytesPerSecond: number;
}

export interface TusOptions {
  endpoint?: string;
  /** sent base64 (UTF-8) in Upload-Metadata */
  metadata: Record<string, string>;
  /** what identifies "the same upload" across reloads (see uploadFingerprint) */
  fingerprint: string;
  chunkSize?: number;
  retryDelays?: number[];
  onProgress?: (p: TusProgress) => void;
  onStatus?: (status: TusStatus, error: ApiError | null) => void;
  onSuccess?: (result: TusResult) => void;
}

export interface TusResult {
  url: string;
  /** the X-Dangan-Submission answered by the final PATCH */
  submissionId: string | null;
}

/** What localStorage keeps for an unfinished upload. */
export interface StoredUpload {
  url: string;
  fileName: string;
  size: number;
  projectId: string;
  savedAt: string;
}

// ---------------------------------------------------------------- helpers

/** base64 of the UTF-8 bytes (btoa alone only takes Latin-1). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function encodeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([k, v]) => `${k} ${base64Utf8(v)}`)
    .join(',');
}

/** The localStorage key of a file bound for a project: name + size + lastModified + project. */
export function uploadFingerprint(file: { name: string; size: number; lastModified: number }, projectId: string): string {
  return `${STORAGE_PREFIX}${projectId}:${file.size}:${file.lastModified}:${file.name}`;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function readStored(fingerprint: string): StoredUpload | null {
  const raw = storage()?.getItem(fingerprint);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as StoredUpload;
    return typeof v.url === 'string' ? v : null;
  } catch {
    return null;
  }
}

function writeStored(fingerprint: string, value: StoredUpload): void {
  try {
    storage()?.setItem(fingerprint, JSON.stringify(value));
  } catch {
    // storage full or unavailable: the upload still works, it just cannot be resumed after a reload
  }
}

export function forgetStored(fingerprint: string): void {
  try {
    storage()?.removeItem(fingerprint);
  } catch {
    // nothing to forget
  }
}

/** Unfinished uploads remembered for a project (from this or an earlier visit). */
export function listStored(projectId: string): Array<StoredUpload & { fingerprint: string }> {
  const s = storage();
  if (!s) return [];
  const out: Array<StoredUpload & { fingerprint: string }> = [];
  for (let i = 0; i < s.length; i += 1) {
    const key = s.key(i);
    if (!key?.startsWith(`${STORAGE_PREFIX}${projectId}:`)) continue;
    const v = readStored(key);
    if (v) out.push({ ...v, fingerprint: key });
  }
  return out.sort((a, b) => a.savedAt.localeCompare(b.savedAt));
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

const networkError = (): ApiError =>
  new ApiError({
    statusCode: 0,
    code: 'web.network_error',
    message: { zh: '无法连接服务器，请检查网络后重试。', en: 'Cannot reach the server. Check the network and try again.' },
  });

async function errorFrom(res: Response): Promise<ApiError> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await res.text());
  } catch {
    parsed = undefined;
  }
  if (isErrorBody(parsed)) return new ApiError({ ...parsed, statusCode: res.status });
  const message: LocalizedMessage = { zh: `服务器返回错误（HTTP ${res.status}）。`, en: `The server answered with an error (HTTP ${res.status}).` };
  return new ApiError({ statusCode: res.status, code: 'web.http_error', message });
}

/** Worth another try after asking HEAD for the offset: the network, the server, a busy lock, a wrong offset. */
function retryable(e: ApiError): boolean {
  const s = e.statusCode;
  return s === 0 || s >= 500 || s === 408 || s === 409 || s === 423 || s === 429 || e.code === 'upload.interrupted';
}

// ---------------------------------------------------------------- the upload

export class TusUpload {
  readonly file: Blob & { name?: string };
  private readonly opts: Required<Pick<TusOptions, 'endpoint' | 'chunkSize' | 'retryDelays'>> & TusOptions;
  url: string | null = null;
  offset = 0;
  status: TusStatus = 'idle';
  error: ApiError | null = null;
  result: TusResult | null = null;
  private controller: AbortController | null = null;
  private samples: Array<{ t: number; sent: number }> = [];

  constructor(file: Blob, opts: TusOptions) {
    this.file = file;
    this.opts = { endpoint: '/api/uploads', chunkSize: DEFAULT_CHUNK_SIZE, retryDelays: DEFAULT_RETRY_DELAYS, ...opts };
  }

  /** Starts (or, after pause or failure, resumes) the upload; resolves when this run ends. */
  start(): Promise<void> {
    if (this.status === 'uploading' || this.status === 'retrying' || this.status === 'done' || this.status === 'cancelled') return Promise.resolve();
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.error = null;
    this.samples = [];
    this.setStatus('uploading');
    return this.run(controller.signal);
  }

  /** Stops sending; the bytes the server acknowledged stay, `start()` goes on from there. */
  pause(): void {
    if (this.status !== 'uploading' && this.status !== 'retrying') return;
    this.controller?.abort();
    this.controller = null;
    this.setStatus('paused');
  }

  /** Stops and terminates the upload on the server (tus DELETE); it is forgotten locally too. */
  async cancel(): Promise<void> {
    if (this.status === 'done' || this.status === 'cancelled') return;
    this.controller?.abort();
    this.controller = null;
    this.setStatus('cancelled');
    forgetStored(this.opts.fingerprint);
    if (this.url) {
      try {
        await fetch(this.url, { method: 'DELETE', credentials: 'same-origin', headers: { 'tus-resumable': TUS_VERSION } });
      } catch {
        // the server drops unfinished uploads when they expire
      }
    }
  }

  private setStatus(status: TusStatus, error: ApiError | null = null): void {
    this.status = status;
    this.error = error;
    this.opts.onStatus?.(status, error);
  }

  private progress(): void {
    const now = performance.now();
    this.samples.push({ t: now, sent: this.offset });
    while (this.samples.length > 2 && now - (this.samples[1]?.t ?? now) > 3000) this.samples.shift();
    const first = this.samples[0];
    const dt = first ? (now - first.t) / 1000 : 0;
    const bytesPerSecond = first && dt > 0.05 ? Math.max(0, (this.offset - first.sent) / dt) : 0;
    this.opts.onProgress?.({ sent: this.offset, total: this.file.size, bytesPerSecond });
  }

  private async send(url: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, credentials: 'same-origin', signal, headers: { 'tus-resumable': TUS_VERSION, ...(init.headers as Record<string, string>) } });
    } catch {
      throw networkError();
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  private async create(signal: AbortSignal): Promise<string> {
    const res = await this.send(this.opts.endpoint, {
      method: 'POST',
      headers: { 'upload-length': String(this.file.size), 'upload-metadata': encodeMetadata(this.opts.metadata) },
    }, signal);
    const location = res.headers.get('location');
    if (!location) throw new ApiError({ statusCode: res.status, code: 'web.tus_location', message: { zh: '服务器未返回上传地址。', en: 'The server answered without an upload location.' } });
    return new URL(location, window.location.href).pathname;
  }

  private async head(url: string, signal: AbortSignal): Promise<number> {
    const res = await this.send(url, { method: 'HEAD', cache: 'no-store' }, signal);
    const offset = Number(res.headers.get('upload-offset'));
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.file.size) throw networkError();
    return offset;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { chunkSize, retryDelays, fingerprint, metadata } = this.opts;
    let needHead = this.url !== null;
    let fromStorage = false;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!this.url) {
          const stored = readStored(fingerprint);
          if (stored) {
            this.url = stored.url;
            fromStorage = true;
            needHead = true;
          } else {
            this.url = await this.create(signal);
            this.offset = 0;
            needHead = false;
            writeStored(fingerprint, {
              url: this.url, fileName: metadata.filename ?? '', size: this.file.size, projectId: metadata.projectId ?? '', savedAt: new Date().toISOString(),
            });
          }
        }
        if (needHead) {
          this.offset = await this.head(this.url, signal);
          needHead = false;
          this.samples = [];
          this.progress();
        }
        const end = Math.min(this.offset + chunkSize, this.file.size);
        const res = await this.send(this.url, {
          method: 'PATCH',
          headers: { 'upload-offset': String(this.offset), 'content-type': 'application/offset+octet-stream' },
          body: this.file.slice(this.offset, end),
        }, signal);
        const next = Number(res.headers.get('upload-offset'));
        this.offset = Number.isSafeInteger(next) && next >= 0 && next <= this.file.size ? next : end;
        failures = 0;
        fromStorage = false;
        this.progress();
        const submissionId = res.headers.get('x-dangan-submission');
        if (this.offset >= this.file.size && submissionId) {
          forgetStored(fingerprint);
          this.result = { url: this.url, submissionId };
          this.controller = null;
          this.setStatus('done');
          this.opts.onSuccess?.(this.result);
          return;
        }
      } catch (e) {
        if (signal.aborted) return; // paused or cancelled: not a failure
        const err = e instanceof ApiError ? e : networkError();
        // A remembered upload the server no longer knows (expired, terminated, another user): start afresh.
        if (fromStorage && (err.statusCode === 404 || err.statusCode === 410)) {
          forgetStored(fingerprint);
          this.url = null;
          fromStorage = false;
          continue;
        }
        if (!retryable(err) || failures >= retryDelays.length) {
          this.controller = null;
          this.setStatus('failed', err);
          return;
        }
        this.setStatus('retrying', err);
        await sleep(retryDelays[failures] ?? 1000, signal);
        failures += 1;
        if (signal.aborted) return;
        needHead = this.url !== null;
        this.setStatus('uploading');
      }
    }
  }
}
