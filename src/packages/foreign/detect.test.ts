import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readForeignPackage } from './index.ts';
import { eepXml, withTempDir, writeDat93, writeTree } from './test-fixtures.ts';
import { corpus } from '../../platform/testing/corpus.ts';

const EARK = corpus('eark-ip-test-corpus', 'corpus', 'CSIP');

test('readForeignPackage detects each format by content and reads it', () =>
  withTempDir(async (dir) => {
    const bag = await readForeignPackage(corpus('bagit-conformance-suite', 'v1.0', 'valid', 'basicBag'));
    assert.equal(bag.source.format, 'bagit');
    assert.equal((await readForeignPackage(join(EARK, 'CSIP1/valid/minimal_IP_with_1_representation'))).source.format, 'eark-sip');
    assert.equal((await readForeignPackage(join(EARK, 'CSIP14/valid/mets-xml_metsHdr_agent_name_ok.zip'))).records.length, 1);
    const str4 = await readForeignPackage(join(EARK, 'CSIPSTR4/invalid/IP_18000_CSIPSTR4_1'));
    assert.deepEqual([str4.source.format, str4.problems.map((p) => p.code)], ['eark-sip', ['CSIPSTR4-mets-missing']]);
    await writeFile(join(dir, 'a.eep'), eepXml([{ id: 'D1', name: 'a.pdf', data: Buffer.from('%PDF') }]));
    assert.equal((await readForeignPackage(join(dir, 'a.eep'))).source.format, 'eep');
    await writeDat93(join(dir, 'dat93'));
    const d = await readForeignPackage(join(dir, 'dat93'));
    assert.deepEqual([d.source.format, d.records.length], ['dat93', 2]);
  }));

test('an unknown package is one clear error', () =>
  withTempDir(async (dir) => {
    await writeTree(dir, { 'readme.txt': 'hello', 'x/y.pdf': '%PDF' });
    const pkg = await readForeignPackage(dir);
    assert.deepEqual(pkg.problems.map((p) => [p.code, p.severity]), [['foreign-format-unknown', 'error']]);
    assert.match(pkg.problems[0]!.message.zh, /无法识别/);
    await writeTree(dir, { 'METS.xml': '<?xml version="1.0"?><mets xmlns="http://www.loc.gov/METS/" OBJID="x"/>' });
    assert.match((await readForeignPackage(dir)).problems[0]!.message.en, /not an E-ARK CSIP/);
    const missing = await readForeignPackage(join(dir, 'nope'));
    assert.equal(missing.problems[0]!.code, 'foreign-format-unknown');
  }));
