/**
 * PDF/A claim checks against every file of the veraPDF-corpus clause folders we cover (see pdfa.ts for the list).
 * Expected outcome = the file name's pass/fail (veraPDF-corpus/SOURCE.md): fail → consistent === false;
 * pass → consistent === true.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { corpus } from '../../../platform/testing/corpus.ts';
import { inspectPdf } from './index.ts';

const FOLDERS = [
  // identification
  'PDF_A-1a/6.7 Metadata/6.7.11 Version and conformance level identification',
  'PDF_A-1b/6.7 Metadata/6.7.11 Version and conformance level identification',
  'PDF_A-2a/6.6 Metadata/6.6.4 Version and conformance level identification',
  'PDF_A-2b/6.6 Metadata/6.6.4 Version and conformance level identification',
  'PDF_A-2u/6.6 Metadata/6.6.4 Version and conformance level identification',
  'PDF_A-4/6.7 Metadata/6.7.3 Version identification',
  'PDF_A-4f/6.7 Metadata/6.7.3 Version identification',
  // header, trailer (ID, encryption, data after EOF, Info in PDF/A-4)
  'PDF_A-1b/6.1 File structure/6.1.2 File header',
  'PDF_A-2b/6.1 File structure/6.1.2 File header',
  'PDF_A-4/6.1 File structure/6.1.2 File header',
  'PDF_A-1b/6.1 File structure/6.1.3 File trailer',
  'PDF_A-2b/6.1 File structure/6.1.3 File trailer',
  'PDF_A-4/6.1 File structure/6.1.3 File trailer',
  // Info vs XMP
  'PDF_A-1b/6.1 File structure/6.1.5 Document information dictionary',
  'PDF_A-1b/6.7 Metadata/6.7.3 Document information dictionary',
  // actions and JavaScript
  'PDF_A-1b/6.6 Actions/6.6.1 General',
  'PDF_A-1b/6.6 Actions/6.6.2 Trigger events',
  'PDF_A-2b/6.5 Action/6.5.1 General',
  'PDF_A-2b/6.5 Action/6.5.2 Trigger events',
  // embedded files (PDF/A-3)
  'PDF_A-3b/6.8 Embedded files',
];

/** Files whose label we knowingly cannot reproduce, with the reason. */
const KNOWN: Record<string, string> = {
  'PDF_A-4f/6.7 Metadata/6.7.3 Version identification/veraPDF test suite 6-7-3-t01-fail-b.pdf':
    'no pdfaid:conformance: a valid PDF/A-4 claim; that 4f was meant is not in the file',
};

describe('PDF/A claim vs veraPDF corpus', () => {
  for (const folder of FOLDERS) {
    describe(folder, () => {
      const files = readdirSync(corpus('veraPDF-corpus', folder)).filter((f) => f.endsWith('.pdf')).sort();
      assert.ok(files.length > 0);
      for (const f of files) {
        const rel = `${folder}/${f}`;
        const expected = /-pass-/.test(f) ? true : false;
        it(`${f} → ${expected ? 'pass' : 'fail'}${KNOWN[rel] ? ' (known deviation)' : ''}`, async () => {
          const r = await inspectPdf(join(corpus('veraPDF-corpus'), rel), { text: false, signatures: false });
          assert.ok(r.pdfa, 'a PDF/A identification is found');
          if (KNOWN[rel]) assert.equal(r.pdfa.consistent, !expected, KNOWN[rel]);
          else assert.equal(r.pdfa.consistent, expected, JSON.stringify(r.pdfa.problems.map((p) => p.message.en)));
        });
      }
    });
  }

  it('a file without XMP claims nothing', async () => {
    const r = await inspectPdf(corpus('pyHanko', 'internal/common-test-utils/src/pyhanko_testing_commons/test_data/data/pdf/minimal.pdf'));
    assert.equal(r.pdfa, undefined);
  });
});
