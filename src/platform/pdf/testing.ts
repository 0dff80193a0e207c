/**
 * Test helper: reads a PDF back with pdf.js (legacy build, as Node needs) — the text of every page, the
 * page count and the document information dictionary.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type PdfReadBack = { pages: string[]; text: string; info: Record<string, unknown> };

export async function readPdf(pdf: Uint8Array): Promise<PdfReadBack> {
  // pdf.js transfers (detaches) the buffer it is given: hand it a copy.
  const task = getDocument({ data: new Uint8Array(pdf), verbosity: 0, useSystemFonts: false });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let s = '';
      for (const item of content.items) if ('str' in item) s += item.str + (item.hasEOL ? '\n' : '');
      pages.push(s);
      page.cleanup();
    }
    const meta = await doc.getMetadata();
    const info = typeof meta.info === 'object' && meta.info !== null ? (meta.info as Record<string, unknown>) : {};
    return { pages, text: pages.join('\n'), info };
  } finally {
    await task.destroy();
  }
}
