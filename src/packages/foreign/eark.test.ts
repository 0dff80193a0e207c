/** readEark on packages built here: representation METS files, unsafe hrefs, SHA-256 declarations. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readEark } from './eark.ts';
import { writeZip } from '../unpack/test-fixtures.ts';
import { withTempDir, writeTree } from './test-fixtures.ts';
import { corpus } from '../../platform/testing/corpus.ts';

const MINIMAL = corpus('eark-ip-test-corpus', 'corpus', 'CSIP', 'CSIP1', 'valid', 'minimal_IP_with_1_representation');
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

async function copyMinimal(dir: string): Promise<string> {
  const ip = join(dir, 'minimal_IP_with_1_representation');
  await cp(MINIMAL, ip, { recursive: true });
  await chmod(ip, 0o755);
  return ip;
}

test('a representation with its own METS: files resolve against the representation folder and are verified', () =>
  withTempDir(async (dir) => {
    const ip = await copyMinimal(dir);
    const data = '某某小区1号楼竣工图';
    const repMets = `<?xml version="1.0" encoding="UTF-8"?>
<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink" OBJID="rep1" TYPE="Mixed">
  <mets:metsHdr CREATEDATE="2024-01-01T00:00:00"><mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE"><mets:name>t</mets:name></mets:agent></mets:metsHdr>
  <mets:fileSec><mets:fileGrp USE="Data" ID="g1">
    <mets:file ID="f1" MIMETYPE="text/plain" SIZE="${Buffer.byteLength(data)}" CHECKSUM="${sha256(data).toUpperCase()}" CHECKSUMTYPE="SHA-256"><mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="data/%E7%AB%A3%E5%B7%A5%E5%9B%BE.txt"/></mets:file>
    <mets:file ID="f2" MIMETYPE="text/plain" SIZE="1" CHECKSUM="00" CHECKSUMTYPE="MD5"><mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="../../../../etc/passwd"/></mets:file>
    <mets:file ID="f3" MIMETYPE="text/plain" SIZE="1" CHECKSUM="00" CHECKSUMTYPE="MD5"><mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="file:///etc/passwd"/></mets:file>
  </mets:fileGrp></mets:fileSec>
  <mets:structMap TYPE="PHYSICAL" LABEL="CSIP"><mets:div LABEL="rep1"/></mets:structMap>
</mets:mets>`;
    await writeTree(ip, { 'representations/rep1/METS.xml': repMets, 'representations/rep1/data/竣工图.txt': data });
    const root = await readFile(join(ip, 'METS.xml'), 'utf8');
    const repRef = `<file ID="rep-mets" MIMETYPE="application/xml" SIZE="${Buffer.byteLength(repMets)}" CREATED="2024-01-01T00:00:00" CHECKSUM="${sha256(repMets)}" CHECKSUMTYPE="SHA-256"><FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="representations/rep1/METS.xml"/></file>`;
    await writeFile(join(ip, 'METS.xml'), root.replace('<fileGrp csip:CONTENTINFORMATIONTYPE="MIXED" USE="Representations/rep1" ID="ID-root-mets-fileSec-fileGrp-Representations-rep1">', (m) => m + repRef));
    const pkg = await readEark(ip);
    const errs = pkg.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}@${p.path ?? ''}`);
    assert.deepEqual(errs.sort(), ['CSIP79-file-missing@schemas/METS.xsd', 'CSIP79-href-unsafe@representations/rep1/METS.xml', 'CSIP79-href-unsafe@representations/rep1/METS.xml'].sort());
    const rec = pkg.records.find((r) => r.key === 'representations/rep1/data/竣工图.txt');
    assert.deepEqual(rec?.files[0]?.declared, { sha256: sha256(data) });
    assert.deepEqual(pkg.volumes.map((v) => v.key), ['rep1']);
    assert.equal(pkg.records.length, 2);
  }));

test('a wrong SHA-256 and a wrong size in a representation METS name CSIP71 and CSIP69', () =>
  withTempDir(async (dir) => {
    const ip = await copyMinimal(dir);
    const root = await readFile(join(ip, 'METS.xml'), 'utf8');
    await writeFile(join(ip, 'METS.xml'), root.replace('SIZE="12" CREATED="2019-04-12T18:40:24" CHECKSUM="a9308bde501cfd1d91ce4e5e861c8971" CHECKSUMTYPE="MD5"', `SIZE="13" CREATED="2019-04-12T18:40:24" CHECKSUM="${'ab'.repeat(32)}" CHECKSUMTYPE="SHA-256"`));
    const pkg = await readEark(ip);
    const codes = pkg.problems.filter((p) => p.path === 'representations/rep1/data/plain_text_document.txt').map((p) => p.code);
    assert.deepEqual(codes, ['CSIP69-size-mismatch', 'CSIP71-checksum-mismatch']);
  }));

test('a zip whose entry names escape the package is refused by the unpack layer, as a problem', () =>
  withTempDir(async (dir) => {
    const file = await writeZip(join(dir, 'bad.zip'), [{ name: 'METS.xml', data: Buffer.from('<mets/>') }, { name: '../../evil.txt', data: Buffer.from('x') }]);
    const pkg = await readEark(file);
    assert.deepEqual(pkg.problems.map((p) => [p.code, p.severity]), [['unpack-path-traversal', 'error']]);
  }));
