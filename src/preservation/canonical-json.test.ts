import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from './canonical-json.ts';

test('keys are sorted at every depth and white space is dropped', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: '档案' } }), '{"a":{"c":"档案","d":[3,{"y":2,"z":1}]},"b":1}');
});

test('undefined members are dropped; undefined in arrays becomes null, like JSON', () => {
  assert.equal(canonicalJson({ a: undefined, b: [undefined, 1] }), '{"b":[null,1]}');
});

test('the same object written in another key order gives the same text', () => {
  assert.equal(canonicalJson({ x: 1, y: { b: 2, a: 1 } }), canonicalJson({ y: { a: 1, b: 2 }, x: 1 }));
});

test('non-finite numbers and functions are refused', () => {
  assert.throws(() => canonicalJson({ n: Number.NaN }), /non-finite/);
  assert.throws(() => canonicalJson({ n: Infinity }), /non-finite/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /function/);
});
