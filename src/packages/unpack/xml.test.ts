import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { isUnpack } from './test-read.ts';
import { loadXml } from './xml.ts';

const x = (s: string) => Buffer.from(s);

test('XXE: an external entity is refused before any parser sees it', async () => {
  const xxe = '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<foo>&xxe;</foo>';
  await assert.rejects(loadXml(x(xxe), { name: 'metadata.xml' }), isUnpack('xml-entity-declared', 'metadata.xml'));
  await assert.rejects(loadXml(x('<!DOCTYPE foo SYSTEM "http://evil.example/x.dtd"><foo/>')), isUnpack('xml-external-dtd'));
  await assert.rejects(loadXml(x('<!DOCTYPE foo PUBLIC "-//X//EN" "x.dtd"><foo/>')), isUnpack('xml-external-dtd'));
  await assert.rejects(loadXml(x('<!DOCTYPE foo [ <!ENTITY % p SYSTEM "http://evil/x"> %p; ]><foo/>')), isUnpack('xml-entity-declared'));
  await assert.rejects(loadXml(x('<foo>&xxe;</foo>')), isUnpack('xml-entity-undefined'));
});

test('billion laughs is refused', async () => {
  let lol = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n';
  for (let i = 1; i <= 9; i++) lol += ` <!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">\n`;
  lol += ']>\n<lolz>&lol9;</lolz>';
  await assert.rejects(loadXml(x(lol)), isUnpack('xml-entity-declared'));
});

test('size and depth are bounded, also for a stream', async () => {
  await assert.rejects(loadXml(x(`<a>${'x'.repeat(2000)}</a>`), { maxBytes: 1000 }), isUnpack('xml-too-large'));
  await assert.rejects(loadXml(Readable.from([x('<a>'), x('y'.repeat(5000)), x('</a>')]), { maxBytes: 1000 }), isUnpack('xml-too-large'));
  await assert.rejects(loadXml(x(`${'<a>'.repeat(300)}${'</a>'.repeat(300)}`)), isUnpack('xml-too-deep'));
  assert.equal((await loadXml(x(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`))).root, 'a');
});

test('UTF-8, GB18030 and GB2312 are decoded from the declaration; others and bad bytes are refused', async () => {
  const body = '<档案 题名="竣工图 &amp; 说明 &#x4E00;"><![CDATA[<!ENTITY not-a-declaration>]]><!-- <!ENTITY x "y"> --><卷>结构施工图</卷><空/></档案>';
  const u = await loadXml(x(`<?xml version="1.0" encoding="UTF-8"?>${body}`));
  assert.deepEqual([u.encoding, u.root], ['utf-8', '档案']);
  for (const enc of ['GB18030', 'GB2312', 'gbk']) {
    const g = await loadXml(iconv.encode(`<?xml version="1.0" encoding="${enc}"?>\n${body}`, 'gb18030'));
    assert.equal(g.encoding, 'gb18030');
    assert.ok(g.text.includes('结构施工图'));
    assert.equal(g.declaredEncoding, enc);
  }
  assert.equal((await loadXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), x('<a/>')]))).root, 'a');
  await assert.rejects(loadXml(x('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')), isUnpack('xml-encoding-unsupported'));
  await assert.rejects(loadXml(iconv.encode('<?xml version="1.0" encoding="UTF-8"?><a>竣工</a>', 'gbk')), isUnpack('xml-encoding-invalid'));
  await assert.rejects(loadXml(Buffer.from([0xff, 0xfe, 0x3c, 0x00])), isUnpack('xml-encoding-unsupported'));
});

test('a plain DOCTYPE without declarations is accepted; declarations inside it are not', async () => {
  assert.equal((await loadXml(x('<!DOCTYPE 档案><档案/>'))).root, '档案');
  await assert.rejects(loadXml(x('<!DOCTYPE a [ <!ATTLIST a b CDATA "c"> ]><a/>')), isUnpack('xml-external-dtd'));
  await assert.rejects(loadXml(x('<a></a></a>')), isUnpack('xml-malformed'));
});
