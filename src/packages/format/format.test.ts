/** The package format: the JSON Schema file is the one generated from the zod schema; names and paths. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { JSON_SCHEMA_FILE, jsonSchemaText, PackageMetadataSchema, payloadPath, recordFileName, segmentProblem } from './index.ts';

test('docs/package-metadata.schema.json is up to date (regenerate: tsx src/packages/format/json-schema.ts)', async () => {
  assert.equal(await readFile(JSON_SCHEMA_FILE, 'utf8'), jsonSchemaText());
  const schema = JSON.parse(jsonSchemaText()) as { properties: Record<string, unknown>; required: string[] };
  assert.deepEqual(schema.required.sort(), ['createdAt', 'format', 'formatVersion', 'project', 'software', 'submitter', 'units']);
});

test('the zod schema checks codes the JSON Schema can only pattern-match', () => {
  const base = {
    format: 'dangan-submission-package', formatVersion: '1.0', createdAt: '2025-01-01T00:00:00.000Z', software: 't',
    submitter: { name: '某公司', uscc: '91350100M000100Y43' },
    project: { code: '2509-110101-89-01-544060', name: 'p', builder: { name: '某公司', uscc: '91350100M000100Y43' }, regionCode: '110101' },
    units: [{ number: '1号楼', name: 'u', volumes: [] }],
  };
  assert.equal(PackageMetadataSchema.safeParse(base).success, true);
  assert.equal(PackageMetadataSchema.safeParse({ ...base, submitter: { name: 'x', uscc: '91350100M000100Y44' } }).success, false);
  assert.equal(PackageMetadataSchema.safeParse({ ...base, units: [{ number: 'a/b', name: 'u', volumes: [] }] }).success, false);
});

test('names: portable on Windows and Linux, NFC, 序号 padded', () => {
  assert.equal(recordFileName(7, '批复.pdf'), '007-批复.pdf');
  assert.equal(payloadPath('2509-110101-89-01-544060', '1号楼', '1', 'e\u0301.pdf'), 'data/2509-110101-89-01-544060/1号楼/1/\u00e9.pdf');
  for (const bad of ['a:b', 'con', 'LPT1.txt', 'x.', 'x ', 'a|b', '卷'.repeat(86), '']) assert.ok(segmentProblem(bad), bad);
  for (const good of ['1号楼', 'A-001 卷', '卷'.repeat(85)]) assert.equal(segmentProblem(good), undefined, good);
});
