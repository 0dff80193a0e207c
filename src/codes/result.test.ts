import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fail, issue, issueCodes, ok } from './result.ts';

describe('result helpers', () => {
  it('issue() omits data when none is given and keeps zh before en', () => {
    assert.deepEqual(issue('x.y', '中', 'en'), { code: 'x.y', message: { zh: '中', en: 'en' } });
    assert.ok(!('data' in issue('x.y', '中', 'en')));
    assert.deepEqual(issue('x.y', '中', 'en', { n: 1 }).data, { n: 1 });
  });
  it('ok() defaults to no warnings; fail() carries issues', () => {
    assert.deepEqual(ok(5), { ok: true, value: 5, warnings: [] });
    assert.deepEqual(fail([issue('a.b', '甲', 'a')]), { ok: false, issues: [{ code: 'a.b', message: { zh: '甲', en: 'a' } }] });
  });
  it('issueCodes() lists warnings of a success and issues of a failure', () => {
    assert.deepEqual(issueCodes(ok(1, [issue('w.1', '警', 'w')])), ['w.1']);
    assert.deepEqual(issueCodes(fail([issue('e.1', '错', 'e'), issue('e.2', '错', 'e')])), ['e.1', 'e.2']);
  });
});
