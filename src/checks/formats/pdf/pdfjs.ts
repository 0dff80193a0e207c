/**
 * pdf.js (legacy build, in-process "fake worker") loading for Node: small files are passed as bytes, larger ones
 * through a PDFDataRangeTransport fed from a file handle, so pdf.js only reads the ranges it needs.
 * Every load is bounded by a deadline: on expiry the loading task is destroyed.
 *
 * Deliberately NOT done: running pdf.js in a worker thread. A pathological file that makes pdf.js spin in one
 * synchronous step can overrun the deadline by that step (pdf.js yields between messages, so this is rare).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';

const require = createRequire(import.meta.url);
const pdfjsRoot = dirname(require.resolve('pdfjs-dist/package.json'));

export type PdfjsDoc = Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>;
export type LoadedPdf = { doc: PdfjsDoc; close: () => Promise<void> };

export class DeadlineError extends Error {}
export class PasswordError extends Error {}

class FileRangeTransport extends pdfjs.PDFDataRangeTransport {
  constructor(
    length: number,
    private readonly fh: FileHandle,
  ) {
    super(length, null);
  }
  override requestDataRange(begin: number, end: number): void {
    const len = Math.max(0, end - begin);
    const buf = new Uint8Array(len);
    this.fh
      .read(buf, 0, len, begin)
      .then(({ bytesRead }) => this.onDataRange(begin, buf.subarray(0, bytesRead)))
      .catch(() => this.onDataRange(begin, new Uint8Array(0)));
  }
}

export const WHOLE_LIMIT = 8 * 1024 * 1024;

/** Opens with pdf.js; rejects with PasswordError, DeadlineError, or pdf.js's own error. */
export async function loadPdfjs(path: string, size: number, deadline: number): Promise<LoadedPdf> {
  let fh: FileHandle | undefined;
  const common = {
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
    stopAtErrors: false,
  };
  let task: ReturnType<typeof pdfjs.getDocument>;
  if (size <= WHOLE_LIMIT) {
    fh = await open(path, 'r');
    const data = new Uint8Array(size);
    await fh.read(data, 0, size, 0);
    await fh.close();
    fh = undefined;
    task = pdfjs.getDocument({ ...common, data });
  } else {
    fh = await open(path, 'r');
    const transport = new FileRangeTransport(size, fh);
    task = pdfjs.getDocument({ ...common, range: transport, rangeChunkSize: 256 * 1024, disableAutoFetch: true, disableStream: true });
  }
  const close = async (): Promise<void> => {
    try {
      await task.destroy();
    } catch {
      /* ignore */
    }
    if (fh) await fh.close().catch(() => undefined);
    fh = undefined;
  };
  task.onPassword = (_cb: unknown, _reason: unknown): void => {
    void close();
    rejectPw?.(new PasswordError('password required'));
  };
  let rejectPw: ((e: Error) => void) | undefined;
  try {
    const doc = await withDeadline(
      new Promise<PdfjsDoc>((resolve, reject) => {
        rejectPw = reject;
        task.promise.then(resolve, reject);
      }),
      deadline,
    );
    return { doc, close };
  } catch (e) {
    await close();
    if (e instanceof Error && e.name === 'PasswordException') throw new PasswordError(e.message);
    throw e;
  }
}

export async function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  // the raced promise may still reject later (e.g. "Transport destroyed" after we destroy the task): swallow that
  p.catch(() => undefined);
  const left = deadline - Date.now();
  if (left <= 0) throw new DeadlineError('deadline passed');
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DeadlineError('timeout')), left)))]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export { pdfjs };
