import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/**
 * A small, real PDF for a demo record. Standard Helvetica only covers Latin text, so the Chinese title
 * lives in the catalog metadata; the PDF carries the archival code and its place in the volume.
 */
export async function demoPdf(lines: { archivalCode: string; seq: number; docNumber: string; pages: number }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${lines.archivalCode} / ${lines.seq}`);
  doc.setCreator('Dangan demo data');
  doc.setProducer('Dangan');
  doc.setCreationDate(new Date('2024-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2024-01-01T00:00:00Z'));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 1; p <= lines.pages; p++) {
    const page = doc.addPage([595, 842]); // A4
    page.drawText('Dangan demo archive', { x: 56, y: 770, size: 20, font, color: rgb(0.1, 0.2, 0.4) });
    page.drawText(`Archival code: ${lines.archivalCode}`, { x: 56, y: 730, size: 12, font });
    page.drawText(`Record ${lines.seq}, document number ${lines.docNumber || '-'}`, { x: 56, y: 710, size: 12, font });
    page.drawText(`Page ${p} of ${lines.pages}`, { x: 56, y: 690, size: 12, font });
    page.drawText('Synthetic test content. Not a real construction record.', { x: 56, y: 60, size: 9, font, color: rgb(0.4, 0.4, 0.4) });
  }
  return doc.save({ useObjectStreams: false });
}
