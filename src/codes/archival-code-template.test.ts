import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { issueCodes } from './result.ts';
import { ARCHIVAL_CODE_FIELDS, ARCHIVAL_CODE_LIMITS, compileArchivalCodeRule } from './archival-code-template.ts';

const codesOf = (template: string): string[] => issueCodes(compileArchivalCodeRule(template));

describe('compileArchivalCodeRule — valid templates', () => {
  it('compiles the example rule into parts, fields and an anchored pattern', () => {
    const r = compileArchivalCodeRule('{fonds}-{category}-{year}-{projectSeq:4}-{volumeSeq:3}');
    assert.ok(r.ok);
    assert.deepEqual(r.value.fields, ['fonds', 'category', 'year', 'projectSeq', 'volumeSeq']);
    assert.deepEqual(r.value.parts, [
      { kind: 'field', field: 'fonds', width: undefined },
      { kind: 'literal', text: '-' },
      { kind: 'field', field: 'category', width: undefined },
      { kind: 'literal', text: '-' },
      { kind: 'field', field: 'year', width: undefined },
      { kind: 'literal', text: '-' },
      { kind: 'field', field: 'projectSeq', width: 4 },
      { kind: 'literal', text: '-' },
      { kind: 'field', field: 'volumeSeq', width: 3 },
    ]);
    assert.equal(
      r.value.pattern.source,
      String.raw`^([0-9A-Za-z]{1,32})\-([A-E](?:[1-9][0-9]?)?)\-([0-9]{4})\-([0-9]{4})\-([0-9]{3})$`,
    );
    assert.equal(r.value.pattern.flags, '');
  });
  it('accepts every allowed field', () => {
    const t = ARCHIVAL_CODE_FIELDS.map((f) => `{${f}}`).join('/');
    assert.ok(compileArchivalCodeRule(t).ok, t);
  });
  it('turns {{ and }} into literal braces', () => {
    const r = compileArchivalCodeRule('{{{year}}}');
    assert.ok(r.ok);
    assert.deepEqual(r.value.parts, [
      { kind: 'literal', text: '{' },
      { kind: 'field', field: 'year', width: undefined },
      { kind: 'literal', text: '}' },
    ]);
  });
  it('allows fixed-width fields next to each other and Chinese literals', () => {
    for (const t of ['{year}{volumeSeq:3}', '{projectSeq:4}{volumeSeq:3}', '{year}{fonds}', '城建{year}字第{volumeSeq:3}号', '{category}F{year}']) {
      assert.ok(compileArchivalCodeRule(t).ok, t);
    }
  });
  it('accepts widths 1 and the maximum', () => {
    assert.ok(compileArchivalCodeRule('{volumeSeq:1}').ok);
    assert.ok(compileArchivalCodeRule(`{volumeSeq:${ARCHIVAL_CODE_LIMITS.maxWidth}}`).ok);
  });
  it('returns a frozen rule', () => {
    const r = compileArchivalCodeRule('{year}');
    assert.ok(r.ok);
    assert.ok(Object.isFrozen(r.value) && Object.isFrozen(r.value.parts) && Object.isFrozen(r.value.fields));
  });
});

describe('compileArchivalCodeRule — issues', () => {
  it('archival_code.template_too_long above the limit (and not at it)', () => {
    const atLimit = '{year}' + 'A'.repeat(ARCHIVAL_CODE_LIMITS.templateLength - 6);
    assert.ok(compileArchivalCodeRule(atLimit).ok);
    assert.deepEqual(codesOf(atLimit + 'A'), ['archival_code.template_too_long']);
  });
  it('archival_code.unbalanced_brace, with the position', () => {
    for (const [t, pos] of [
      ['{year', 1],
      ['year}', 5],
      ['{ye{ar}', 1],
      ['{{year}', 7],
      ['{year}-}', 8],
    ] as const) {
      const r = compileArchivalCodeRule(t);
      assert.deepEqual(issueCodes(r), ['archival_code.unbalanced_brace'], t);
      assert.ok(!r.ok && r.issues[0]?.data?.['position'] === pos, t);
    }
  });
  it('archival_code.unknown_field (names are case-sensitive; {} is unknown)', () => {
    for (const t of ['{foo}', '{}', '{Year}', '{ year}', '{year }', '{constructor}', '{__proto__}']) {
      assert.deepEqual(codesOf(t), ['archival_code.unknown_field'], t);
    }
  });
  it('archival_code.width for widths outside 1–12 or not a number', () => {
    for (const t of ['{volumeSeq:0}', '{volumeSeq:13}', '{volumeSeq:}', '{volumeSeq:a}', '{volumeSeq:-1}', '{volumeSeq:1000}', '{volumeSeq:3:4}', '{volumeSeq:1.5}']) {
      assert.deepEqual(codesOf(t), ['archival_code.width'], t);
    }
  });
  it('archival_code.width_not_allowed on non-sequence fields', () => {
    for (const f of ['year', 'fonds', 'repository', 'category', 'projectCode']) {
      assert.deepEqual(codesOf(`{${f}:4}`), ['archival_code.width_not_allowed'], f);
    }
  });
  it('archival_code.duplicate_field', () => {
    assert.deepEqual(codesOf('{year}-{year}'), ['archival_code.duplicate_field']);
    assert.deepEqual(codesOf('{volumeSeq:3}-{volumeSeq:4}'), ['archival_code.duplicate_field']);
  });
  it('archival_code.literal_char for whitespace and control characters', () => {
    for (const t of ['A {year}', '{year}\n', '{year}\t', '\u0000{year}', '{year}\u200b', ' {year}', '{year}\u3000']) {
      assert.deepEqual(codesOf(t), ['archival_code.literal_char'], JSON.stringify(t));
    }
  });
  it('archival_code.ambiguous when a variable-width field cannot be told apart from what follows', () => {
    for (const t of [
      '{fonds}{category}',
      '{category}{year}',
      '{volumeSeq}{year}',
      '{fonds}A{year}',
      '{fonds}1-{year}',
      '{category}5-{year}',
      '{projectSeq}{volumeSeq:3}',
      '{repository}{projectCode}',
    ]) {
      assert.deepEqual(codesOf(t), ['archival_code.ambiguous'], t);
    }
  });
  it('archival_code.no_fields for templates without any field', () => {
    for (const t of ['', 'ABC', '{{}}']) assert.deepEqual(codesOf(t), ['archival_code.no_fields'], t);
  });
  it('reports several problems at once, bilingually', () => {
    const r = compileArchivalCodeRule('{foo}-{year:4}-{year}');
    assert.deepEqual(issueCodes(r), ['archival_code.unknown_field', 'archival_code.width_not_allowed', 'archival_code.duplicate_field']);
    assert.ok(!r.ok);
    for (const i of r.issues) {
      assert.match(i.message.zh, /[\u4e00-\u9fff]/);
      assert.match(i.message.en, /^[\x20-\x7e]+$/);
    }
  });
});
