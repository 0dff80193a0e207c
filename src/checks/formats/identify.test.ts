/** Format identification by content: corpus files of every kind, plus synthetic heads for the rest. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { corpus } from '../../platform/testing/corpus.ts';
import { detectFormatOfBuffer, identifyFile } from './identify.ts';

const IMG = corpus('pillow-test-images', 'Tests', 'images');

test('corpus files: PDF, OFD, IFC, TIFF/BigTIFF, JPEG, XML/XSD, zip, text', async () => {
  const cases: [string, string, string | undefined, boolean | undefined][] = [
    [corpus('pyHanko', 'internal', 'common-test-utils', 'src', 'pyhanko_testing_commons', 'test_data', 'data', 'pdf', 'minimal-startxref-obo1.pdf'), 'pdf', undefined, true],
    [corpus('ofdrw', 'ofdrw-crypto', 'src', 'test', 'resources', 'hello-integrity.ofd'), 'ofd', undefined, true],
    [corpus('ifc-gherkin-rules', 'test', 'files', 'IFC', 'ifc101', 'fail-ifc101-IFC4X3_ADD1.ifc'), 'ifc', 'IFC4X3_ADD1', true],
    [join(IMG, 'hopper_bigtiff.tif'), 'tiff', 'BigTIFF', true],
    [join(IMG, 'g4-multi.tiff'), 'tiff', 'TIFF', true],
    [join(IMG, 'truncated_jpeg.jpg'), 'jpeg', undefined, true],
    [corpus('eark-ip-test-corpus', 'corpus', 'SIP', 'SIP4', 'valid', 'minimal_SIP_plus_mets_SHOULD_MAY_items', 'METS.xml'), 'xml', '1.0', true],
    [corpus('eark-ip-test-corpus', 'corpus', 'CSIP', 'CSIP14', 'valid', 'mets-xml_metsHdr_agent_name_ok.zip'), 'zip', undefined, true],
    [corpus('ifc-gherkin-rules', 'SOURCE.md'), 'txt', undefined, true],
  ];
  for (const [path, format, version, ext] of cases) {
    const r = await identifyFile(path);
    assert.equal(r.format, format, path);
    if (version) assert.equal(r.version, version, path);
    assert.equal(r.extensionMatches, ext, path);
  }
  const pdf = await identifyFile(cases[0]![0]);
  assert.equal(pdf.mime, 'application/pdf');
});

const zipOf = (names: string[]): Buffer => {
  // stored entries, empty content, with a central directory
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let off = 0;
  for (const n of names) {
    const name = Buffer.from(n);
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0);
    l.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(off, 42);
    locals.push(l, name);
    centrals.push(c, name);
    off += 30 + name.length;
  }
  const cd = Buffer.concat(centrals);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(names.length, 8);
  e.writeUInt16LE(names.length, 10);
  e.writeUInt32LE(cd.length, 12);
  e.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, e]);
};

test('synthetic files: containers, office, media, CAD, OLE2, text encodings, empty, unknown, extension mismatch', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-id-'));
  try {
    const riff = (kind: string) => Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00', 'latin1'), Buffer.from(kind, 'latin1'), Buffer.alloc(40)]);
    const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from(`ftyp${brand}\0\0\0\0${brand}`, 'latin1'), Buffer.alloc(100)]);
    const ole = Buffer.alloc(4096);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    ole.writeUInt16LE(9, 0x1e);
    ole.writeUInt32LE(1, 0x30); // directory at sector 1 → offset 1024
    const entry = (at: number, name: string, type: number) => {
      ole.write(name, at, 'utf16le');
      ole.writeUInt16LE((name.length + 1) * 2, at + 64);
      ole[at + 66] = type;
    };
    entry(1024, 'Root Entry', 5);
    entry(1024 + 128, 'WordDocument', 2);
    const xls = Buffer.from(ole);
    xls.fill(0, 1024 + 128, 1024 + 256);
    xls.write('Workbook', 1024 + 128, 'utf16le');
    xls.writeUInt16LE(18, 1024 + 128 + 64);
    xls[1024 + 128 + 66] = 2;
    const mp3Frame = () => {
      const f = Buffer.alloc(417); // MPEG-1 layer III 128 kbps 44.1 kHz
      f.set([0xff, 0xfb, 0x90, 0x00]);
      return f;
    };
    const ts = Buffer.alloc(188 * 4);
    for (let i = 0; i < 4; i++) ts[i * 188] = 0x47;
    const cases: [string, Buffer | string, string, string?][] = [
      ['a.ofd', zipOf(['OFD.xml', 'Doc_0/Document.xml']), 'ofd'],
      ['a.docx', zipOf(['[Content_Types].xml', 'word/document.xml']), 'docx'],
      ['a.xlsx', zipOf(['[Content_Types].xml', 'xl/workbook.xml']), 'xlsx'],
      ['a.pptx', zipOf(['[Content_Types].xml', 'ppt/presentation.xml']), 'pptx'],
      ['a.zip', zipOf(['x/OFD.xml']), 'zip'],
      ['a.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'png'],
      ['a.jp2', Buffer.from('0000000c6a5020200d0a870a00000014', 'hex'), 'jp2'],
      ['a.gif', 'GIF89a\x01\x00\x01\x00', 'gif', '89a'],
      ['a.bmp', Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.from('460000000000000036000000280000000100000001000000010018', 'hex'), Buffer.alloc(30)]), 'bmp'],
      ['a.dxf', '  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1015\n  0\nENDSEC\n', 'dxf', 'AC1015'],
      ['b.dxf', 'AutoCAD Binary DXF\r\n\x1a\x00rest', 'dxf', 'binary'],
      ['a.wav', riff('WAVE'), 'wav'],
      ['a.avi', riff('AVI '), 'avi'],
      ['a.mp4', ftyp('isom'), 'mp4', 'isom'],
      ['a.mov', ftyp('qt  '), 'mov'],
      ['a.mpg', Buffer.from('000001ba440004000401', 'hex'), 'mpeg', 'MPEG-2 PS'],
      ['a.ts', ts, 'mpeg', 'MPEG-2 TS'],
      ['a.flv', 'FLV\x01\x05\x00\x00\x00\x09', 'flv'],
      ['a.mp3', Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), mp3Frame()]), 'mp3', 'ID3v2.4'],
      ['b.mp3', Buffer.concat([mp3Frame(), mp3Frame(), mp3Frame()]), 'mp3'],
      ['a.flac', 'fLaC\x00\x00\x00\x22', 'flac'],
      ['a.doc', ole, 'doc'],
      ['a.xls', xls, 'xls'],
      ['a.rtf', '{\\rtf1\\ansi hello}', 'rtf'],
      ['gb.xml', iconv.encode('<?xml version="1.0" encoding="GB18030"?><案卷><题名>竣工图</题名></案卷>', 'gb18030'), 'xml', '1.0'],
      ['nodecl.xml', '\ufeff<!-- c --><案卷 a="1"><x/></案卷>', 'xml'],
      ['utf8.txt', '竣工图说明\n第二行\n', 'txt'],
      ['gbk.txt', iconv.encode('竣工图说明，第二行。档案', 'gb18030'), 'txt'],
      ['utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('档案', 'utf16le')]), 'txt'],
      ['page.html', '<!DOCTYPE html><html><body>x</body></html>', 'txt'],
      ['step.stp', "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));\nENDSEC;\n", 'unknown'],
      ['empty.pdf', '', 'empty'],
      ['random.bin', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x99, 0x00, 0x13]), 'unknown'],
      ['late-pdf.pdf', `${' '.repeat(500)}%PDF-1.7\n`, 'pdf', '1.7'],
      ['mislabelled.jpg', '%PDF-1.4\n', 'pdf', '1.4'],
    ];
    for (const [name, bytes, format, version] of cases) {
      await writeFile(join(dir, name), bytes);
      const r = await identifyFile(join(dir, name));
      assert.equal(r.format, format, name);
      if (version) assert.equal(r.version, version, name);
      if (name === 'mislabelled.jpg') assert.equal(r.extensionMatches, false);
    }
    await writeFile(join(dir, 'noext'), '%PDF-2.0\n');
    assert.equal((await identifyFile(join(dir, 'noext'))).extensionMatches, undefined);
    assert.deepEqual(await identifyFile(join(dir, 'missing.pdf')), { format: 'unknown', mime: 'application/octet-stream' });
    assert.equal((await identifyFile(dir)).format, 'unknown'); // a directory
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('detectFormatOfBuffer works on a head alone (zip classified from local headers)', () => {
  assert.equal(detectFormatOfBuffer(zipOf(['OFD.xml'])).format, 'ofd');
  assert.equal(detectFormatOfBuffer(Buffer.from('%PDF-1.7')).mime, 'application/pdf');
  assert.equal(detectFormatOfBuffer(Buffer.alloc(0)).format, 'empty');
});

test('the extension is taken from `name` when given (package path of a temporary file)', async () => {
  const f = corpus('pillow-test-images', 'Tests', 'images', 'hopper.jpg');
  assert.equal((await identifyFile(f, 'data/1/扫描件.pdf')).extensionMatches, false);
  assert.equal((await identifyFile(f, 'data/1/扫描件.JPG')).extensionMatches, true);
});
