import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { corpus } from '../../../platform/testing/corpus.ts';
import { verifyPdfSignatures, type PdfSignature } from './index.ts';
import { sm2SignedPdf } from './test-helpers.ts';

const signpdf = (f: string): string => corpus('node-signpdf', 'resources', f);
const hanko = (f: string): string => corpus('pyHanko', 'internal/common-test-utils/src/pyhanko_testing_commons/test_data/data/pdf', f);
const tmp = mkdtempSync(join(tmpdir(), 'dangan-pdfsig-'));

type Exp = Partial<Pick<PdfSignature, 'intact' | 'digestOk' | 'signatureOk' | 'coverage' | 'modifiedAfter' | 'subFilter' | 'kind' | 'digestAlgorithm'>> & { problem?: string };

// Expected outcomes from each source's SOURCE.md (one entry per signature, in file order).
const CASES: [string, Exp[]][] = [
  [signpdf('signed.pdf'), [{ intact: true, coverage: 'whole-file', modifiedAfter: 'none', digestAlgorithm: 'sha256' }]],
  [signpdf('signed-once.pdf'), [{ intact: true, coverage: 'whole-file' }]],
  [signpdf('signed-twice.pdf'), [{ intact: true, coverage: 'whole-revision', modifiedAfter: 'incremental-allowed' }, { intact: true, coverage: 'whole-file' }]],
  [signpdf('incrementally_signed.pdf'), [{ intact: true, coverage: 'whole-file' }]],
  [signpdf('issue-209-reason-includes-trailer-word.pdf'), [{ intact: true }]],
  [signpdf('with-placeholder.pdf'), [{ intact: false, problem: 'pdf-sig-placeholder' }]],
  [hanko('coverage-anomalies/base.pdf'), [{ intact: false, problem: 'pdf-sig-placeholder' }]],
  // cryptographically intact but not a whole-document signature
  [hanko('coverage-anomalies/tail-uncovered.pdf'), [{ digestOk: true, signatureOk: true, intact: false, coverage: 'gap', problem: 'pdf-sig-tail-uncovered' }]],
  [hanko('coverage-anomalies/signature-gap-too-big.pdf'), [{ digestOk: true, signatureOk: true, intact: false, coverage: 'gap', problem: 'pdf-sig-gap' }]],
  [hanko('coverage-anomalies/one-byterange.pdf'), [{ digestOk: true, signatureOk: true, intact: false, problem: 'pdf-sig-byterange-shape' }]],
  [hanko('coverage-anomalies/weird-byterange.pdf'), [{ digestOk: true, signatureOk: true, intact: false, coverage: 'gap' }]],
  [hanko('minimal-signed-twice-both-created.pdf'), [{ intact: true, modifiedAfter: 'incremental-allowed' }, { intact: true, modifiedAfter: 'none' }]],
  [hanko('minimal-two-fields-signed-twice.pdf'), [{ intact: true, modifiedAfter: 'incremental-allowed' }, { intact: true }]],
  [hanko('form-update-override-appearance-stream.pdf'), [{ intact: true, modifiedAfter: 'incremental-allowed' }, { intact: true }]],
  [hanko('form-update-override-appearance-stream-sneaky.pdf'), [{ intact: true, modifiedAfter: 'incremental-suspicious', problem: 'pdf-sig-modified-after' }, { intact: true }]],
  [hanko('form-update-ap-indirect-sneaky-trailer.pdf'), [{ intact: true, modifiedAfter: 'incremental-suspicious' }, { intact: true }]],
  [hanko('sig-no-signed-attrs.pdf'), [{ intact: true }]],
  [hanko('pdf-sig-with-econtent.pdf'), [{ intact: false, problem: 'pdf-sig-econtent' }]],
  [hanko('pades-with-old-style-signing-cert-attr.pdf'), [{ intact: true, subFilter: 'ETSI.CAdES.detached' }]],
  [hanko('pades-lta-dss-indirect-arrs-test.pdf'), [{ intact: true, subFilter: 'ETSI.CAdES.detached', modifiedAfter: 'incremental-allowed' }, { intact: true, kind: 'doc-timestamp', subFilter: 'ETSI.RFC3161' }]],
  [hanko('certified-with-indirect-refs-in-dir.pdf'), [{ intact: true }]],
  [hanko('signed-encrypted-pubkey-with-catalog-ref.pdf'), [{ intact: true }]],
  // veraPDF signature constructs: messageDigest never matches, some ByteRanges point past EOF
  [corpus('veraPDF-corpus', 'PDF_A-2b/6.1 File structure/6.1.12 Permissions/veraPDF test suite 6-1-12-t01-pass-a.pdf'), [{ intact: false, coverage: 'invalid' }]],
  [corpus('veraPDF-corpus', 'PDF_A-2b/6.1 File structure/6.1.12 Permissions/veraPDF test suite 6-1-12-t02-pass-a.pdf'), [{ intact: false, digestOk: false, problem: 'pdf-sig-digest-mismatch' }]],
  [corpus('veraPDF-corpus', 'PDF_A-2b/6.1 File structure/6.1.12 Permissions/veraPDF test suite 6-1-12-t02-fail-a.pdf'), [{ intact: false, digestOk: false }]],
  [corpus('veraPDF-corpus', 'PDF_A-2b/6.1 File structure/6.1.12 Permissions/veraPDF test suite 6-1-12-t02-fail-b.pdf'), [{ intact: false, digestOk: false }]],
  [corpus('veraPDF-corpus', 'PDF_A-2b/6.1 File structure/6.1.12 Permissions/veraPDF test suite 6-1-12-t02-fail-c.pdf'), [{ intact: false, digestOk: false }]],
  [corpus('veraPDF-corpus', 'PDF_A-4/6.1 File structure/6.1.11 Permissions/veraPDF test suite 6-1-11-t01-pass-a.pdf'), [{ intact: false, coverage: 'invalid' }]],
];

describe('verifyPdfSignatures on the corpus', () => {
  for (const [file, exp] of CASES) {
    it(file.split('/').slice(-1)[0]!, async () => {
      const sigs = await verifyPdfSignatures(file);
      assert.equal(sigs.length, exp.length, JSON.stringify(sigs.map((s) => s.byteRange)));
      exp.forEach((e, i) => {
        const s = sigs[i]!;
        const { problem, ...fields } = e;
        for (const [k, v] of Object.entries(fields)) assert.equal(s[k as keyof PdfSignature], v, `${k} of signature ${i}: ${JSON.stringify(s.problems)}`);
        if (problem) assert.ok(s.problems.some((p) => p.code === problem), `${problem} in ${JSON.stringify(s.problems.map((p) => p.code))}`);
        assert.equal(s.trust, 'unknown');
        if (s.intact) {
          assert.ok(s.signer?.subject, 'signer reported');
          assert.ok(s.signatureAlgorithm);
        }
      });
    });
  }

  it('unsigned PDFs have no signatures', async () => {
    for (const f of [signpdf('w3dummy.pdf'), hanko('minimal.pdf'), signpdf('formexample.pdf')]) assert.deepEqual(await verifyPdfSignatures(f), []);
  });

  it('the document timestamp reports its TSTInfo', async () => {
    const [, ts] = await verifyPdfSignatures(hanko('pades-lta-dss-indirect-arrs-test.pdf'));
    assert.ok(ts?.timestamp?.imprintOk && ts.timestamp.signatureOk && ts.timestamp.time);
  });

  it('a byte flipped inside a signed range breaks the digest, never throws', async () => {
    const buf = readFileSync(signpdf('signed-once.pdf'));
    buf[200] = buf[200]! ^ 0x01;
    const p = join(tmp, 'flipped.pdf');
    writeFileSync(p, buf);
    const [s] = await verifyPdfSignatures(p);
    assert.equal(s?.digestOk, false);
    assert.equal(s?.intact, false);
    assert.ok(s?.problems.some((x) => x.code === 'pdf-sig-digest-mismatch'));
  });

  it('garbage and missing files give no signatures or a problem, never a throw', async () => {
    const p = join(tmp, 'garbage.pdf');
    writeFileSync(p, Buffer.from('%PDF-1.7\n1 0 obj << /ByteRange [0 5 99999 3] /Contents <3082> >> endobj\n'));
    const sigs = await verifyPdfSignatures(p);
    assert.equal(sigs[0]?.intact, false);
    const missing = await verifyPdfSignatures(join(tmp, 'nope.pdf'));
    assert.equal(missing[0]?.intact ?? false, false);
  });
});

describe('SM2/SM3 signatures (GB/T 35275-style CMS in a PDF)', () => {
  for (const raw of [false, true]) {
    it(`verifies an SM2 signature (${raw ? 'raw r‖s' : 'DER'}) and fails after a one-byte change`, async () => {
      const pdf = sm2SignedPdf({ rawSignature: raw });
      const p = join(tmp, `sm2-${raw}.pdf`);
      writeFileSync(p, pdf);
      const [s] = await verifyPdfSignatures(p);
      assert.ok(s);
      assert.equal(s.digestAlgorithm, 'sm3');
      assert.equal(s.signatureAlgorithm, 'sm2');
      assert.equal(s.signer?.keyAlgorithm, 'sm2');
      assert.equal(s.field, '国密签名');
      assert.equal(s.coverage, 'whole-file');
      assert.equal(s.intact, true, JSON.stringify(s.problems));

      const bad = Buffer.from(pdf);
      const at = bad.indexOf('SM2 signed');
      bad[at] = 'X'.charCodeAt(0); // inside the first signed range
      const q = join(tmp, `sm2-${raw}-bad.pdf`);
      writeFileSync(q, bad);
      const [t] = await verifyPdfSignatures(q);
      assert.equal(t?.digestOk, false);
      assert.equal(t?.intact, false);
    });
  }
});
