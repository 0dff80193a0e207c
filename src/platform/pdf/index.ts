/**
 * Chinese PDF documents (reports, notices, certificates): a typed document model with builders, rendered
 * by pdfmake with Noto Sans SC embedded. Knows nothing of archives.
 */
export * from './spec.ts';
export { renderPdf, renderPdfTo } from './render.ts';
export { FONT_FAMILY } from './fonts.ts';
