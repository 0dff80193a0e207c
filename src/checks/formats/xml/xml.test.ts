/** XML inspector: well-formedness, namespace, GB18030, XXE refusal, XSD validation (local import catalogue), limits. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import iconv from 'iconv-lite';
import { corpus } from '../../../platform/testing/corpus.ts';
import { inspectXml } from './inspect.ts';

const SIP = corpus('eark-ip-test-corpus', 'corpus', 'SIP', 'SIP4', 'valid', 'minimal_SIP_plus_mets_SHOULD_MAY_items');
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dangan-xml-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
const put = async (name: string, data: string | Buffer) => {
  await writeFile(join(dir, name), data);
  return join(dir, name);
};

const XSD_ZH = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:dangan:test" xmlns="urn:dangan:test" elementFormDefault="qualified">
  <xs:element name="案卷">
    <xs:complexType><xs:sequence>
      <xs:element name="题名" type="xs:string"/>
      <xs:element name="件数" type="xs:positiveInteger"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>`;

test('METS from the E-ARK corpus: well-formed, namespace, valid against mets.xsd (xlink import resolved locally)', async () => {
  const plain = await inspectXml(join(SIP, 'METS.xml'));
  assert.equal(plain.ok, true);
  assert.equal(plain.root, 'mets');
  assert.equal(plain.namespace, 'http://www.loc.gov/METS/');
  assert.equal(plain.schemaValid, undefined);
  const v = await inspectXml(join(SIP, 'METS.xml'), { schema: join(SIP, 'schemas', 'mets.xsd') });
  assert.equal(v.schemaValid, true, JSON.stringify(v.problems));
  assert.equal(v.ok, true);
});

test('an element the schema does not allow makes schemaValid false with errors', async () => {
  const text = (await readFile(join(SIP, 'METS.xml'), 'utf8')).replace('<metsHdr ', '<bogus/><metsHdr ');
  const r = await inspectXml(await put('bad-mets.xml', text), { schema: join(SIP, 'schemas', 'mets.xsd') });
  assert.equal(r.wellFormed, true);
  assert.equal(r.schemaValid, false);
  assert.equal(r.ok, false);
  assert.ok(r.schemaErrors?.some((e) => e.includes('bogus')), r.schemaErrors?.join('\n'));
});

test('GB18030-declared file with Chinese element names validates against a Chinese XSD', async () => {
  const xsd = await put('zh.xsd', XSD_ZH);
  const good = `<?xml version="1.0" encoding="GB18030"?>\n<案卷 xmlns="urn:dangan:test"><题名>竣工图 3#楼</题名><件数>12</件数></案卷>`;
  const r = await inspectXml(await put('gb.xml', iconv.encode(good, 'gb18030')), { schema: xsd });
  assert.equal(r.encoding, 'gb18030');
  assert.equal(r.declaredEncoding, 'GB18030');
  assert.equal(r.root, '案卷');
  assert.equal(r.namespace, 'urn:dangan:test');
  assert.equal(r.schemaValid, true, JSON.stringify(r));
  const bad = good.replace('<件数>12</件数>', '<件数>十二</件数>');
  const r2 = await inspectXml(await put('gb-bad.xml', iconv.encode(bad, 'gb18030')), { schema: xsd });
  assert.equal(r2.schemaValid, false);
  assert.ok(r2.schemaErrors?.[0]?.includes('件数'), r2.schemaErrors?.join());
});

test('XXE and billion laughs are refused before any parser runs; nothing is resolved', async () => {
  const secret = await put('secret.txt', 'TOP-SECRET');
  const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://${secret}">]><r>&x;</r>`;
  const r = await inspectXml(await put('xxe.xml', xxe), { schema: await put('zh2.xsd', XSD_ZH) });
  assert.equal(r.ok, false);
  assert.equal(r.wellFormed, 'unknown');
  assert.equal(r.problems[0]?.code, 'xml-entity-declared');
  assert.ok(!JSON.stringify(r).includes('TOP-SECRET'));
  const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
  assert.equal((await inspectXml(await put('lol.xml', lol))).problems[0]?.code, 'xml-entity-declared');
  const ext = `<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.com/r.dtd"><r/>`;
  assert.equal((await inspectXml(await put('ext.xml', ext))).problems[0]?.code, 'xml-external-dtd');
});

test('malformed, empty, wrong encoding, too large, validation size cap, unreadable', async () => {
  const mal = await inspectXml(await put('mal.xml', '<?xml version="1.0"?><a><b></a>'));
  assert.equal(mal.wellFormed, false);
  assert.equal(mal.ok, false);
  const empty = await inspectXml(await put('empty.xml', ''));
  assert.equal(empty.ok, false);
  assert.equal(empty.wellFormed, false);
  const badUtf8 = await inspectXml(await put('bad8.xml', Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>'), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')])));
  assert.equal(badUtf8.problems[0]?.code, 'xml-encoding-invalid');
  assert.equal(badUtf8.wellFormed, false);
  const big = await inspectXml(await put('big.xml', `<a>${'x'.repeat(5000)}</a>`), { maxBytes: 1000 });
  assert.equal(big.problems[0]?.code, 'xml-too-large');
  assert.equal(big.wellFormed, 'unknown');
  const capped = await inspectXml(await put('cap.xml', `<案卷 xmlns="urn:dangan:test"><题名>${'x'.repeat(5000)}</题名><件数>1</件数></案卷>`), { schema: join(dir, 'zh.xsd'), maxValidateBytes: 1000 });
  assert.equal(capped.schemaValid, undefined);
  assert.equal(capped.problems[0]?.code, 'schema-not-run');
  assert.equal(capped.ok, true); // well-formed; validation not run is a warning
  const missing = await inspectXml(join(dir, 'nope.xml'));
  assert.equal(missing.ok, false);
  const badSchema = await inspectXml(join(SIP, 'METS.xml'), { schema: await put('broken.xsd', '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope:x"/></xs:schema>') });
  assert.equal(badSchema.ok, false);
  assert.equal(badSchema.schemaValid, undefined);
  assert.equal(badSchema.problems.at(-1)?.code, 'schema-not-run');
});
