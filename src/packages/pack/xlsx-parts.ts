/**
 * The small workbook-level parts of an .xlsx (workbook.xml, its rels, sharedStrings.xml, styles.xml),
 * read with yauzl before the sheets are streamed. exceljs's streaming reader needs them before the
 * sheets, but exceljs itself (and other tools) write them after the sheets; the reader then parks the
 * sheets in temporary files, and that path loses rows now and then (seen: empty header rows, a crash on
 * `model`). Handing it these parts first makes it parse every sheet in one pass.
 */
import yauzl from 'yauzl';

const MAX_PART = 4 << 20;
export const WORKBOOK_PARTS = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml'];
const MAX_STRINGS = 64 << 20;

export async function readParts(file: string, names: string[]): Promise<Map<string, string>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const out = new Map<string, string>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!names.includes(entry.fileName)) return zip.readEntry();
        if (entry.uncompressedSize > (entry.fileName === 'xl/sharedStrings.xml' ? MAX_STRINGS : MAX_PART)) return reject(new Error(`${entry.fileName} is too large`));
        void (async () => {
          const chunks: Buffer[] = [];
          for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
          out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return out;
}
