/**
 * renderFirstPage: a PNG of page 1 for human checkers (pdf.js + @napi-rs/canvas), scaled to at most `maxWidth`
 * pixels wide. Returns null on any failure or when `timeoutMs` (default 15 s) passes — never throws.
 *
 * Deliberately NOT done: other pages, annotations/forms rendering options, colour management, caching.
 */
import { stat } from 'node:fs/promises';
import { createCanvas } from '@napi-rs/canvas';
import { loadPdfjs, withDeadline, type LoadedPdf } from './pdfjs.ts';

export async function renderFirstPage(path: string, opts: { maxWidth?: number; timeoutMs?: number; maxBytes?: number } = {}): Promise<Buffer | null> {
  const maxWidth = Math.max(16, Math.min(opts.maxWidth ?? 800, 4000));
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let pdf: LoadedPdf | undefined;
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size === 0 || st.size > (opts.maxBytes ?? 2 * 1024 * 1024 * 1024)) return null;
    pdf = await loadPdfjs(path, st.size, deadline);
    if (pdf.doc.numPages < 1) return null;
    const page = await withDeadline(pdf.doc.getPage(1), deadline);
    const base = page.getViewport({ scale: 1 });
    if (!(base.width > 0) || !(base.height > 0)) return null;
    const scale = maxWidth / base.width;
    const vp = page.getViewport({ scale });
    const w = Math.max(1, Math.round(vp.width));
    const h = Math.max(1, Math.min(Math.round(vp.height), maxWidth * 20));
    const canvas = createCanvas(w, h);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, w, h);
    type RenderParams = Parameters<typeof page.render>[0];
    // @napi-rs/canvas stands in for the DOM canvas pdf.js is typed against.
    const task = page.render({ canvas: canvas as unknown as RenderParams['canvas'], canvasContext: ctx as unknown as RenderParams['canvasContext'], viewport: vp });
    try {
      await withDeadline(task.promise, deadline);
    } catch (e) {
      task.cancel();
      throw e;
    }
    page.cleanup();
    return await canvas.encode('png');
  } catch {
    return null;
  } finally {
    await pdf?.close();
  }
}
