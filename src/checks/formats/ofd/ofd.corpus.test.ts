/**
 * Every ofdrw corpus file (/work/shared/corpus/ofdrw, see its SOURCE.md) against the outcome we expect:
 * structure ok, namespace, and per signature the status, the first failing step and the references that match.
 * Deviations from SOURCE.md's labels (which checked only reference digests) are commented on the row.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corpus } from '../../../platform/testing/corpus.ts';
import { extractOfdText, inspectOfd, type OfdInspection, type OfdSignatureStep } from './index.ts';

type SigExp = { type?: 'Seal' | 'Sign'; status: 'intact' | 'broken' | 'unverifiable'; failedStep?: OfdSignatureStep; refs?: [number, number]; crypto?: boolean };
type Exp = {
  file: string;
  ok: boolean;
  ns?: 'standard' | 'non-standard';
  codes?: string[];
  sigs?: SigExp[];
  check?: (r: OfdInspection) => void;
};

const R = 'ofdrw-reader/src/test/resources/';
const S = 'ofdrw-sign/src/test/resources/';
const C = 'ofdrw-converter/src/test/resources/';
const L = 'ofdrw-layout/src/test/resources/';

const TABLE: Exp[] = [
  { file: `${R}helloworld.ofd`, ok: true, ns: 'standard', sigs: [], check: (r) => { assert.equal(r.pages, 1); assert.equal(r.textChars, 21); assert.equal(r.version, '1.0'); assert.equal(r.info.creator, 'OFD R&W'); } },
  { file: `${R}helloworld_with_pageblock.ofd`, ok: true, sigs: [], check: (r) => assert.equal(r.textChars, 21) },
  { file: `${R}chineseDir.ofd`, ok: true, sigs: [], check: (r) => assert.ok(r.entries >= 5) },
  { file: `${R}AddAttachment.ofd`, ok: true, sigs: [], check: (r) => assert.equal(r.attachments, 1) },
  { file: `${R}multiKeywordInTextCode.ofd`, ok: true, sigs: [], check: (r) => { assert.equal(r.version, '1.1'); assert.match(r.text?.pages[0] ?? '', /打发打发打发打发打发哈哈/); } },
  { file: `${L}SplitParagraph.ofd`, ok: true, sigs: [], check: (r) => { assert.equal(r.version, '1.2'); assert.equal(r.pages, 2); } },
  { file: 'ofdrw-archive/src/test/resources/test-ofda.ofd', ok: true, sigs: [], check: (r) => { assert.equal(r.docType, 'OFD-A'); assert.equal(r.version, '1.2'); } },
  // SOURCE: "valid signature (integrity OK)" — every digest and both SM2 signatures verify, but the seal was applied
  // on 2026-08-04 while it is valid only 2020-04-22 … 2022-04-22 (SOURCE did not check validity).
  { file: `${R}SESV4SignDoc.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'broken', failedStep: 'sealValidity', refs: [5, 5], crypto: true }] },
  // SOURCE: "valid signature (integrity OK)": the references match; the bare SM2 signature has no certificate in the file.
  { file: `${S}DigitalSign.ofd`, ok: true, sigs: [{ type: 'Sign', status: 'unverifiable', failedStep: 'signature', refs: [4, 4] }] },
  { file: `${S}allprotected.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'intact', refs: [6, 6], crypto: true }], check: (r) => assert.equal(r.signatures[0]?.protectsSignatureList, true) },
  { file: `${S}v4signed.ofd`, ok: true, codes: ['ofd-path-case'], sigs: [{ type: 'Seal', status: 'intact', refs: [13, 13], crypto: true }] },
  { file: `${S}signedFile.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'intact', refs: [13, 13], crypto: true }] },
  { file: `${C}SignScaleError.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'intact', refs: [7, 7], crypto: true }] },
  { file: `${C}999.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'intact', refs: [20, 20], crypto: true }], check: (r) => { assert.equal(r.pages, 5); assert.equal(r.templatePages, 5); } },
  { file: 'ofdrw-crypto/src/test/resources/hello-integrity.ofd', ok: true, sigs: [], check: (r) => assert.equal(r.integrityProtection, true) },
  // SOURCE: "INVALID: content modified after sealing" — by reading the CheckMethod as SM3; it is 1.2.156.10197.1.401.2 (unknown).
  { file: `${C}n.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'unverifiable', failedStep: 'checkMethod', refs: [0, 6] }], check: (r) => { assert.equal(r.signatures[0]?.sesVersion, 'v1'); assert.ok(r.signatures[0]?.problems.some((p) => p.code === 'ofd-checkmethod-unknown')); } },
  { file: `${C}h.ofd`, ok: false, codes: ['ofd-dangling-reference'], sigs: [{ status: 'broken', failedStep: 'references', refs: [8, 9], crypto: true }, { status: 'intact', refs: [11, 11], crypto: true }] },
  // plus a dangling Annotations.xml that SOURCE's script did not look at
  { file: `${R}keyword.ofd`, ok: false, ns: 'non-standard', codes: ['ofd-namespace', 'ofd-dangling-reference'], sigs: [{ type: 'Seal', status: 'broken', failedStep: 'references', refs: [4, 7], crypto: true }, { type: 'Sign', status: 'broken', failedStep: 'references', refs: [6, 9], crypto: true }] },
  { file: `${C}zsbk.ofd`, ok: true, sigs: [{ status: 'broken', failedStep: 'references', refs: [21, 23], crypto: true }, { status: 'broken', failedStep: 'references', refs: [24, 26], crypto: true }] },
  { file: `${L}no_page_container.ofd`, ok: true, sigs: [] },
  { file: `${R}path_unstd.ofd`, ok: true, sigs: [], check: (r) => assert.equal(r.pages, 2) },
  { file: `${S}namespace_no_std.ofd`, ok: true, ns: 'non-standard', codes: ['ofd-namespace'], sigs: [] },
  { file: `${L}fptpl.ofd`, ok: false, codes: ['ofd-dangling-reference'], sigs: [] },
  { file: `${C}testImageNotFound.ofd`, ok: false, ns: 'non-standard', codes: ['ofd-dangling-reference'], sigs: [{ type: 'Sign', status: 'intact', refs: [14, 14], crypto: true }, { type: 'Sign', status: 'intact', refs: [19, 19], crypto: true }] },
  { file: `${C}containsJPEG.ofd`, ok: true, codes: ['ofd-path-case'], sigs: [], check: (r) => assert.equal(r.imageOnly, true) },
  { file: 'ofdrw-tool/src/test/resources/Page5.ofd', ok: false, codes: ['ofd-dangling-reference'], sigs: [], check: (r) => assert.equal(r.pages, 5) },
  { file: `${C}发票示例.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'broken', failedStep: 'references', refs: [12, 13], crypto: true }], check: (r) => assert.deepEqual(r.signatures[0]?.references.filter((x) => !x.ok).map((x) => x.file), ['/Doc_0/Document.xml']) },
  { file: `${C}不规范资源路径.ofd`, ok: true, sigs: [{ type: 'Seal', status: 'intact', refs: [5, 5], crypto: true }] },
  { file: `${C}发票监制章-数科.ofd`, ok: true, ns: 'non-standard', sigs: [] },
];

const results = new Map<string, OfdInspection>();
const get = async (file: string) => {
  let r = results.get(file);
  if (!r) {
    r = await inspectOfd(corpus('ofdrw', file), { text: true });
    results.set(file, r);
  }
  return r;
};

describe('ofdrw corpus', () => {
  for (const e of TABLE) {
    it(e.file, async () => {
      const r = await get(e.file);
      const codes = r.problems.map((p) => `${p.severity}:${p.code}`);
      assert.equal(r.ok, e.ok, `ok: ${codes.join(', ')}`);
      if (e.ns) assert.equal(r.namespace, e.ns);
      for (const c of e.codes ?? []) assert.ok(r.problems.some((p) => p.code === c), `expected ${c} in ${codes.join(', ')}`);
      if (e.sigs) {
        assert.equal(r.signatures.length, e.sigs.length, 'signature count');
        e.sigs.forEach((x, i) => {
          const s = r.signatures[i]!;
          if (x.type) assert.equal(s.type, x.type);
          assert.equal(s.status, x.status, `sig ${s.id}: ${s.problems.map((p) => p.code).join(', ')}`);
          assert.equal(s.intact, x.status === 'intact');
          assert.equal(s.failedStep, x.failedStep);
          if (x.refs) assert.deepEqual([s.references.filter((f) => f.ok).length, s.references.length], x.refs);
          if (x.crypto) {
            assert.equal(s.signatureOk, true, 'SM2 signature');
            assert.equal(s.dataHashOk, true, 'dataHash');
            if (s.type === 'Seal') assert.equal(s.sealSignatureOk, true, 'seal maker signature');
            assert.ok(s.signer?.subject, 'signer');
          }
          assert.equal(s.trust, 'unknown');
        });
      }
      e.check?.(r);
    });
  }

  it('every SES v4 seal in the corpus (13, 5 vendors) verifies cryptographically, seal maker included', async () => {
    const seals = [];
    for (const e of TABLE) for (const s of (await get(e.file)).signatures) if (s.sesVersion === 'v4') seals.push(s);
    assert.equal(seals.length, 13);
    assert.ok(seals.every((s) => s.signatureOk && s.sealSignatureOk && s.dataHashOk));
    assert.ok(new Set(seals.map((s) => s.provider)).size >= 5);
    assert.ok(seals.some((s) => s.signatureEncoding === 'raw'), 'one vendor writes raw r‖s');
  });

  it('the edited invoice fails only at the references; its original is intact', async () => {
    const edited = (await get(`${C}发票示例.ofd`)).signatures[0]!;
    const original = (await get(`${S}v4signed.ofd`)).signatures[0]!;
    assert.equal(edited.failedStep, 'references');
    assert.equal(edited.problems.filter((p) => p.severity === 'error').every((p) => p.code === 'ofd-reference-mismatch'), true);
    assert.equal(original.intact, true);
  });

  it('strictPaths turns a case-only match into an error', async () => {
    const r = await inspectOfd(corpus('ofdrw', `${C}containsJPEG.ofd`), { strictPaths: true });
    assert.equal(r.ok, false);
    assert.ok(r.problems.some((p) => p.code === 'ofd-path-case' && p.severity === 'error'));
  });

  it('extractOfdText reads template text and keeps pages apart', async () => {
    const t = await extractOfdText(corpus('ofdrw', `${C}999.ofd`), { maxChars: 100_000 });
    assert.ok(t);
    assert.equal(t.pages.length, 5);
    const v4 = await extractOfdText(corpus('ofdrw', `${S}v4signed.ofd`), { maxChars: 100_000 });
    assert.match(v4?.pages[0] ?? '', /科游迈利有限公司/);
    const short = await extractOfdText(corpus('ofdrw', `${C}999.ofd`), { maxChars: 10 });
    assert.equal(short?.truncated, true);
    assert.equal(short?.pages.join('').length, 10);
  });
});
