import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intHeader, parseUploadMetadata } from './tus.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

test('Upload-Metadata decodes base64 UTF-8 values, Chinese included', () => {
  const m = parseUploadMetadata(`filename ${b64('竣工图 01.pdf')},projectId ${b64('abc')},flag`);
  assert.ok(m !== 'invalid');
  assert.deepEqual([...m], [['filename', '竣工图 01.pdf'], ['projectId', 'abc'], ['flag', '']]);
  assert.deepEqual([...(parseUploadMetadata(undefined) as Map<string, string>)], []);
});

test('malformed Upload-Metadata is refused: bad base64, invalid UTF-8, duplicate keys, extra fields', () => {
  assert.equal(parseUploadMetadata('filename ***'), 'invalid');
  assert.equal(parseUploadMetadata(`filename ${Buffer.from([0xff, 0xfe]).toString('base64')}`), 'invalid');
  assert.equal(parseUploadMetadata(`a ${b64('x')},a ${b64('y')}`), 'invalid');
  assert.equal(parseUploadMetadata(`a ${b64('x')} extra`), 'invalid');
});

test('integer headers are digits only and within the safe range', () => {
  assert.equal(intHeader('0'), 0);
  assert.equal(intHeader('1048576'), 1048576);
  for (const bad of ['-1', '1.5', ' 1', '1e3', '99999999999999999', '', undefined, ['1']]) assert.equal(intHeader(bad as string), undefined, String(bad));
});
