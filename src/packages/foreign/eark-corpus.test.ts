/**
 * readEark against the DILCIS E-ARK IP test corpus (read-only copy; see its SOURCE.md). Table-driven
 * from the corpus' own testCase.xml files: for every rule and every package that was copied, a package
 * the rule calls valid has no problem of that requirement and no error except the documented upstream
 * defects (DEFECTS below), and a package it calls invalid has a problem whose code names the
 * requirement. Deliberate differences are explained in docs/foreign-packages.md.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { attr, childText, kid, kids, parseXml, rootOf } from './common.ts';
import { readEark } from './eark.ts';
import { corpus } from '../../platform/testing/corpus.ts';

const CORPUS = corpus('eark-ip-test-corpus', 'corpus');
const MINIMAL = join(CORPUS, 'CSIP/CSIP1/valid/minimal_IP_with_1_representation');

/** Upstream defects (SOURCE.md "Known upstream defects"): `code@path` errors every package of a family has. */
const lineEndings = (req: [string, string], path: string) => [`${req[0]}-size-mismatch-line-endings@${path}`, `${req[1]}-checksum-mismatch-line-endings@${path}`];
const CASE_MISMATCH = ['CSIP79-file-missing@schemas/METS.xsd'];
const MDREF: [string, string] = ['CSIP-mdRef', 'CSIP-mdRef'];
const FILE: [string, string] = ['CSIP69', 'CSIP71'];
const SHOULD_MAY = [
  ...lineEndings(MDREF, 'metadata/descriptive/package_archival_descriptions_ead2002.xml'),
  ...lineEndings(MDREF, 'metadata/preservation/package_preservation_meta_premis_v3.xml'),
  ...lineEndings(FILE, 'representations/rep1/data/archival_record_xyz123_Estonian_UAM_arh.xml'),
  ...lineEndings(MDREF, 'representations/rep1/metadata/descriptive/rep1_archival_descriptions_ead2002.xml'),
  ...lineEndings(['CSIP43', 'CSIP43'], 'representations/rep1/metadata/preservation/rep1_preservation_meta_premis_v2-1.xml'),
  ...lineEndings(FILE, 'representations/rep1/schemas/Estonian_UAM_arh_classification_scheme_v2.0.xsd'),
  ...lineEndings(FILE, 'schemas/mets.xsd'),
];
const ZIPPED = [...CASE_MISMATCH, ...lineEndings(FILE, 'schemas/DILCISExtensionMETS.xsd'), ...lineEndings(FILE, 'schemas/xlink.xsd')];

function defects(pkgPath: string): string[] {
  if (/CSIPSTR4/.test(pkgPath)) return [];
  if (/CSIP43|SIP4/.test(pkgPath)) return SHOULD_MAY;
  if (pkgPath.endsWith('.zip')) return ZIPPED;
  return CASE_MISMATCH;
}

type Case = { req: string; rule: string; level: string; name: string; valid: boolean; path: string };

async function loadCases(): Promise<{ run: Case[]; missing: string[] }> {
  const run: Case[] = [];
  const missing: string[] = [];
  for (const spec of ['CSIP', 'SIP']) {
    for (const req of await readdir(join(CORPUS, spec))) {
      const dir = join(CORPUS, spec, req);
      const { doc } = await parseXml(join(dir, 'testCase.xml'), 'testCase.xml');
      const tc = rootOf(doc)!.node;
      const reqId = attr(kid(tc, 'id'), 'requirementId')!;
      for (const rule of kids(kid(tc, 'rules'), 'rule')) {
        const level = attr(kid(rule, 'error'), 'level') ?? 'ERROR';
        for (const p of kids(kid(rule, 'corpusPackages'), 'package')) {
          const rel = childText(p, 'path')!;
          // The shared minimal IP was copied once, under CSIP1 (SOURCE.md).
          const found = [join(dir, rel), `${join(dir, rel)}.zip`, ...(rel.endsWith('/minimal_IP_with_1_representation') ? [MINIMAL] : [])].find((x) => existsSync(x));
          const c = { req: reqId, rule: attr(rule, 'id')!, level, name: attr(p, 'name')!, valid: attr(p, 'isValid') === 'TRUE' };
          if (found) run.push({ ...c, path: found });
          else missing.push(`${reqId}/${rel}`);
        }
      }
    }
  }
  return { run, missing };
}

const { run, missing } = await loadCases();

for (const c of run) {
  test(`${c.req} rule ${c.rule} (${c.level}): ${c.name} is ${c.valid ? 'valid' : 'invalid'}`, async () => {
    const pkg = await readEark(c.path);
    const allowed = new Set(defects(c.path));
    const errors = pkg.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}@${p.path ?? ''}`);
    const extra = errors.filter((e) => !allowed.has(e));
    const mine = pkg.problems.filter((p) => p.code.startsWith(`${c.req}-`) && !allowed.has(`${p.code}@${p.path ?? ''}`));
    for (const p of pkg.problems) assert.ok(p.message.zh && p.message.en, `${p.code} has both messages`);
    if (c.valid) {
      assert.deepEqual(extra, [], 'only documented upstream defects');
      assert.deepEqual(mine, [], `no ${c.req} problem`);
    } else {
      const severity = c.level === 'WARNING' ? 'warning' : 'error';
      assert.ok(mine.some((p) => p.severity === severity), `expected a ${severity} naming ${c.req}; got ${JSON.stringify(pkg.problems.map((p) => p.code))}`);
      assert.ok(extra.every((e) => e.startsWith(`${c.req}-`)), `errors beyond the defects name ${c.req}: ${JSON.stringify(extra)}`);
    }
  });
}

test('every package in the corpus is exercised; the cases not run are the packages that were not copied', async () => {
  const used = new Set(run.map((c) => c.path));
  assert.equal(used.size, 19);
  assert.equal(run.filter((c) => !c.valid).length, 15);
  assert.equal(run.length, 34);
  assert.ok(missing.every((m) => /\/invalid\//.test(m)), JSON.stringify(missing));
});

test('valid packages map to the model: one volume per representation, records with declared digests', async () => {
  const min = await readEark(MINIMAL);
  assert.deepEqual(min.volumes, [{ key: 'rep1', title: 'minimal_IP_with_1_representation / rep1' }]);
  assert.equal(min.records.length, 1);
  const r = min.records[0]!;
  assert.equal(r.title, 'plain_text_document');
  assert.deepEqual(r.files, [{ path: 'representations/rep1/data/plain_text_document.txt', size: 12, declared: { md5: 'a9308bde501cfd1d91ce4e5e861c8971' }, format: 'text/plain' }]);
  assert.deepEqual(min.unclaimed.map((f) => f.path), ['schemas/mets.xsd']);

  const sip = await readEark(join(CORPUS, 'SIP/SIP4/valid/minimal_SIP_plus_mets_SHOULD_MAY_items'));
  assert.equal(sip.source.version, 'https://earksip.dilcis.eu/profile/E-ARK-SIP.xml');
  assert.deepEqual(sip.volumes, [{ key: 'rep1', title: 'Moori kolhoos', year: 1949 }]);
  assert.deepEqual(sip.records.map((x) => [x.title, x.date ?? '']), [['Moori kolhoos', '1949-01-01'], ['Moori kolhoos', '1949-01-01']]);

  const zipped = await readEark(join(CORPUS, 'CSIP/CSIP14/valid/mets-xml_metsHdr_agent_name_ok.zip'));
  assert.deepEqual(zipped.records.map((x) => x.key), ['representations/rep1/data/plain_text_document.txt']);
});
