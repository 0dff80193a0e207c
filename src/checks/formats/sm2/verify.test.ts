import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sm2 } from 'sm-crypto-v2';
import { sm2Verify, sm2Z } from './verify.ts';

test('Z matches sm-crypto; signatures by the default ID verify, other IDs, other messages and other keys do not', () => {
  const kp = sm2.generateKeyPairHex();
  assert.equal(sm2Z(kp.publicKey).toString('hex'), Buffer.from(sm2.getZ(kp.publicKey)).toString('hex'));
  const msg = Buffer.from('建设工程档案验收意见'.repeat(2000));
  const sig = sm2.doSignature(msg, kp.privateKey, { hash: true, der: false });
  assert.equal(sm2Verify(msg, sig, kp.publicKey), true);
  assert.equal(sm2Verify(msg, sig, kp.publicKey), true, 'remembered');
  const other = Buffer.from(msg);
  other[5] = other[5]! ^ 1;
  assert.equal(sm2Verify(other, sig, kp.publicKey), false);
  const alice = sm2.doSignature(msg, kp.privateKey, { hash: true, der: false, userId: 'alice@example.com' });
  assert.equal(sm2Verify(msg, alice, kp.publicKey), false);
  assert.equal(sm2Verify(msg, alice, kp.publicKey, 'alice@example.com'), true);
  assert.equal(sm2Verify(msg, sig, sm2.generateKeyPairHex().publicKey), false);
  assert.equal(sm2Verify(msg, 'zz', kp.publicKey), false);
  assert.equal(sm2Verify(msg, sig, '04abcd'), false);
});

test('faster than hashing in JavaScript: 200 verifications of a 60 KB message with one key well under a second', () => {
  const kp = sm2.generateKeyPairHex();
  const msg = Buffer.alloc(60_000, 7);
  const sigs = Array.from({ length: 20 }, (_, i) => ({ m: Buffer.concat([msg, Buffer.from([i])]), s: '' })).map((x) => ({ ...x, s: sm2.doSignature(x.m, kp.privateKey, { hash: true, der: false }) }));
  const t0 = performance.now();
  for (let r = 0; r < 10; r++) for (const x of sigs) assert.equal(sm2Verify(x.m, x.s, kp.publicKey), true);
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `${ms} ms`);
});
