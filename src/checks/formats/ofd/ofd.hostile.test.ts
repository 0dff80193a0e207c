/**
 * Hostile and damaged input made in a temp dir: truncated, empty, not an OFD, zip bomb, path traversal,
 * XXE, a missing protected file, one-byte edits of a page (fails at references) and of Signature.xml
 * (fails at dataHash), a timeout; and the SM2 rule that only the default user ID verifies.
 */
import assert from 'node:assert/strict';
import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sm2 } from 'sm-crypto-v2';
import { openPackage } from '../../../packages/index.ts';
import { tempDir, writeZip, zeroBody, type ZipSpec } from '../../../packages/unpack/test-fixtures.ts';
import { corpus } from '../../../platform/testing/corpus.ts';
import { inspectOfd, SM2_DEFAULT_USER_ID, verifySm2 } from './index.ts';

const SEALED = corpus('ofdrw', 'ofdrw-sign/src/test/resources/allprotected.ofd');
const HELLO = corpus('ofdrw', 'ofdrw-reader/src/test/resources/helloworld.ofd');

/** Every entry of an OFD, for rewriting. */
async function entries(file: string): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  const r = await openPackage(file);
  for await (const e of r) {
    if (e.kind !== 'file') continue;
    const chunks: Buffer[] = [];
    for await (const c of e.open() as AsyncIterable<Buffer>) chunks.push(c);
    out.push({ name: e.path, data: Buffer.concat(chunks) });
  }
  return out;
}

/** Rewrites an OFD: `edit` returns new bytes, or null to drop the entry. */
async function rezip(src: string, dst: string, edit: (name: string, data: Buffer) => Buffer | null): Promise<string> {
  const specs: ZipSpec[] = [];
  for (const e of await entries(src)) {
    const d = edit(e.name, e.data);
    if (d) specs.push({ name: e.name, data: d, method: 8 });
  }
  return writeZip(dst, specs);
}

const codes = (r: { problems: { code: string }[] }) => r.problems.map((p) => p.code);

describe('hostile OFD input', () => {
  let dir = '';
  let drop: () => Promise<void> = async () => {};
  before(async () => {
    const t = await tempDir();
    dir = t.dir;
    drop = t.drop;
  });
  after(async () => drop());

  it('a 0-byte file', async () => {
    const f = join(dir, 'empty.ofd');
    await writeFile(f, '');
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['ofd-not-zip']);
  });

  it('a missing file', async () => {
    const r = await inspectOfd(join(dir, 'nope.ofd'));
    assert.deepEqual(codes(r), ['ofd-unreadable']);
  });

  it('not a zip at all', async () => {
    const f = join(dir, 'text.ofd');
    await writeFile(f, 'hello, I am not an OFD');
    assert.deepEqual(codes(await inspectOfd(f)), ['ofd-not-zip']);
  });

  it('a truncated OFD', async () => {
    const f = join(dir, 'trunc.ofd');
    await copyFile(SEALED, f);
    await truncate(f, 20_000);
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.ok(['ofd-zip-truncated', 'ofd-zip-corrupt'].includes(r.problems[0]!.code), codes(r).join());
  });

  it('a plain zip without OFD.xml', async () => {
    const f = await writeZip(join(dir, 'plain.zip'), [{ name: 'readme.txt', data: Buffer.from('hi') }]);
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['ofd-entry-missing']);
  });

  it('a zip bomb entry is stopped', async () => {
    const ofdXml = (await entries(HELLO)).find((e) => e.name === 'OFD.xml')!.data;
    const f = await writeZip(join(dir, 'bomb.ofd'), [{ name: 'OFD.xml', data: ofdXml }, { name: 'Doc_0/Res/bomb.png', body: zeroBody(512) }]);
    const t0 = Date.now();
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.ok(codes(r).includes('ofd-zip-bomb'), codes(r).join());
    assert.ok(Date.now() - t0 < 5000);
  });

  it('an entry with ../ in its path', async () => {
    const f = await writeZip(join(dir, 'evil.ofd'), [{ name: 'OFD.xml', data: Buffer.from('<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>') }, { name: '../../evil.xml', data: Buffer.from('<x/>') }]);
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['ofd-unsafe-path']);
  });

  it('XXE in OFD.xml is refused, never resolved', async () => {
    const secret = join(dir, 'secret.txt');
    await writeFile(secret, 'TOP-SECRET-42');
    const xml = `<?xml version="1.0"?><!DOCTYPE ofd:OFD [<!ENTITY x SYSTEM "file://${secret}">]><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>&x;</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`;
    const rest = (await entries(HELLO)).filter((e) => e.name !== 'OFD.xml').map((e) => ({ name: e.name, data: e.data }));
    const f = await writeZip(join(dir, 'xxe.ofd'), [{ name: 'OFD.xml', data: Buffer.from(xml) }, ...rest]);
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['ofd-xml-unsafe']);
    assert.ok(!JSON.stringify(r).includes('TOP-SECRET-42'));
  });

  it('malformed XML in a page', async () => {
    const f = await rezip(HELLO, join(dir, 'badpage.ofd'), (n, d) => (n === 'Doc_0/Pages/Page_0/Content.xml' ? Buffer.from(d.toString().replace('</ofd:Layer>', '')) : d));
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.ok(codes(r).includes('ofd-xml-malformed'));
  });

  it('a missing page and a missing Document.xml', async () => {
    const noPage = await rezip(HELLO, join(dir, 'nopage.ofd'), (n, d) => (n.startsWith('Doc_0/Pages/') ? null : d));
    assert.deepEqual(codes(await inspectOfd(noPage)), ['ofd-entry-missing']);
    const noDoc = await rezip(HELLO, join(dir, 'nodoc.ofd'), (n, d) => (n === 'Doc_0/Document.xml' ? null : d));
    assert.deepEqual(codes(await inspectOfd(noDoc)), ['ofd-entry-missing']);
  });

  it('a foreign namespace is an error', async () => {
    const f = await rezip(HELLO, join(dir, 'ns.ofd'), (n, d) => (n === 'OFD.xml' ? Buffer.from(d.toString().replace('http://www.ofdspec.org/2016', 'urn:example')) : d));
    const r = await inspectOfd(f);
    assert.equal(r.ok, false);
    assert.ok(r.problems.some((p) => p.code === 'ofd-namespace' && p.severity === 'error'));
  });

  it('the untouched sealed file is intact (baseline)', async () => {
    const f = await rezip(SEALED, join(dir, 'same.ofd'), (_n, d) => d);
    const s = (await inspectOfd(f)).signatures[0]!;
    assert.equal(s.intact, true, s.problems.map((p) => p.code).join());
  });

  it('a protected file that is missing fails at references', async () => {
    const f = await rezip(SEALED, join(dir, 'noref.ofd'), (n, d) => (n === 'Doc_0/PublicRes.xml' ? null : d));
    const r = await inspectOfd(f);
    const s = r.signatures[0]!;
    assert.equal(s.intact, false);
    assert.equal(s.failedStep, 'references');
    assert.deepEqual(s.references.filter((x) => x.missing).map((x) => x.file), ['/Doc_0/PublicRes.xml']);
    assert.ok(s.problems.some((p) => p.code === 'ofd-reference-missing'));
    assert.ok(codes(r).includes('ofd-dangling-reference'));
  });

  it('a one-byte change in a protected page fails at references only', async () => {
    const f = await rezip(SEALED, join(dir, 'page.ofd'), (n, d) => (n === 'Doc_0/Pages/Page_0/Content.xml' ? Buffer.from(d.toString().replace('OFD Reader', 'OFE Reader')) : d));
    const r = await inspectOfd(f);
    assert.equal(r.ok, true);
    const s = r.signatures[0]!;
    assert.equal(s.status, 'broken');
    assert.equal(s.failedStep, 'references');
    assert.deepEqual(s.references.filter((x) => !x.ok).map((x) => x.file), ['/Doc_0/Pages/Page_0/Content.xml']);
    assert.equal(s.dataHashOk, true);
    assert.equal(s.signatureOk, true);
  });

  it('a one-byte change in Signature.xml fails at dataHash', async () => {
    const f = await rezip(SEALED, join(dir, 'sigxml.ofd'), (n, d) => (n === 'Doc_0/Signs/Sign_0/Signature.xml' ? Buffer.from(d.toString().replace('2020-10-23', '2020-10-24')) : d));
    const s = (await inspectOfd(f)).signatures[0]!;
    assert.equal(s.status, 'broken');
    assert.equal(s.failedStep, 'dataHash');
    assert.equal(s.referencesOk, true);
    assert.equal(s.dataHashOk, false);
    assert.equal(s.signatureOk, true); // TBS_Sign itself is untouched
  });

  it('a one-byte change in the signed value fails at the SM2 signature', async () => {
    const f = await rezip(SEALED, join(dir, 'sv.ofd'), (n, d) => {
      if (n !== 'Doc_0/Signs/Sign_0/SignedValue.dat') return d;
      const b = Buffer.from(d);
      const i = b.indexOf(Buffer.from('/Doc_0/Signs/Sign_0/Signature.xml'));
      b[i + 1] = 'd'.charCodeAt(0); // propertyInfo, inside TBS_Sign
      return b;
    });
    const s = (await inspectOfd(f)).signatures[0]!;
    assert.equal(s.failedStep, 'signature');
    assert.equal(s.signatureOk, false);
    assert.equal(s.sealSignatureOk, true);
  });

  it('a replaced Seal.esl fails at the seal step', async () => {
    const f = await rezip(SEALED, join(dir, 'seal.ofd'), (n, d) => (n === 'Doc_0/Signs/Sign_0/Seal.esl' ? Buffer.concat([d.subarray(0, -1), Buffer.from([d[d.length - 1]! ^ 1])]) : d));
    const s = (await inspectOfd(f)).signatures[0]!;
    assert.equal(s.sealMatches, false);
    // Seal.esl is also a protected file, so references fail first
    assert.equal(s.failedStep, 'references');
    assert.ok(s.problems.some((p) => p.code === 'ofd-seal-mismatch'));
  });

  it('garbage SignedValue.dat is reported, not thrown', async () => {
    const f = await rezip(SEALED, join(dir, 'garbage.ofd'), (n, d) => (n === 'Doc_0/Signs/Sign_0/SignedValue.dat' ? Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]) : d));
    const s = (await inspectOfd(f)).signatures[0]!;
    assert.equal(s.failedStep, 'structure');
    assert.ok(s.problems.some((p) => p.code === 'ofd-signedvalue-malformed'));
  });

  it('a timeout yields ofd-timeout', async () => {
    const r = await inspectOfd(SEALED, { timeoutMs: 0 });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['ofd-timeout']);
  });

  it('a file over maxBytes is refused before reading', async () => {
    assert.deepEqual(codes(await inspectOfd(SEALED, { maxBytes: 1000 })), ['ofd-too-large']);
  });
});

describe('SM2 with the default user ID only', () => {
  const kp = sm2.generateKeyPairHex();
  const msg = new TextEncoder().encode('OFD TBS_Sign bytes');
  const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

  it('a DER signature with the default ID verifies; raw r‖s too', () => {
    const der = sm2.doSignature(msg, kp.privateKey, { hash: true, der: true, userId: SM2_DEFAULT_USER_ID, publicKey: kp.publicKey });
    assert.deepEqual(verifySm2(msg, hex(der), kp.publicKey), { ok: true, encoding: 'der' });
    const raw = sm2.doSignature(msg, kp.privateKey, { hash: true, der: false, publicKey: kp.publicKey });
    assert.deepEqual(verifySm2(msg, hex(raw), kp.publicKey), { ok: true, encoding: 'raw' });
  });

  it('a signature made with a non-default user ID does NOT verify', () => {
    const sig = sm2.doSignature(msg, kp.privateKey, { hash: true, der: true, userId: 'alice@example.com', publicKey: kp.publicKey });
    assert.equal(sm2.doVerifySignature(msg, sig, kp.publicKey, { hash: true, der: true, userId: 'alice@example.com' }), true, 'sanity: it is a valid signature for that ID');
    assert.equal(verifySm2(msg, hex(sig), kp.publicKey).ok, false);
  });

  it('a signature without Z (hash: false) does not verify, nor a tampered message', () => {
    const noZ = sm2.doSignature(msg, kp.privateKey, { der: true });
    assert.equal(verifySm2(msg, hex(noZ), kp.publicKey).ok, false);
    const der = sm2.doSignature(msg, kp.privateKey, { hash: true, der: true, publicKey: kp.publicKey });
    const other = Uint8Array.from(msg);
    other[0] = other[0]! ^ 1;
    assert.equal(verifySm2(other, hex(der), kp.publicKey).ok, false);
  });

  it('r or s out of range and junk are rejected', async () => {
    assert.equal(verifySm2(msg, new Uint8Array(64), kp.publicKey).ok, false);
    assert.equal(verifySm2(msg, Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]), kp.publicKey).ok, false);
    assert.equal(verifySm2(msg, await readFile(HELLO), kp.publicKey).ok, false);
  });
});
