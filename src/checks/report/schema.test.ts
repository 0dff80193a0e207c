import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { z } from 'zod';
import type { CheckReport } from '../model.ts';
import { DEFAULT_SCHEME, planItems } from '../scheme/scheme.ts';
import { buildReport } from './build.ts';
import { diffReports } from './diff.ts';
import { checkReportHtml } from './html.ts';
import { CheckReportSchema, REPORT_SCHEMA_FILE, reportJsonSchemaText } from './schema.ts';

// The zod schema and the TypeScript type describe the same JSON (a compile error if they drift).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same: Same<z.infer<typeof CheckReportSchema>['summary'], CheckReport['summary']> = true;
void same;

const report = (fail: boolean): CheckReport =>
  buildReport(
    { stage: 'GD', scheme: { id: 'default', name: 'd', version: 1 }, target: { kind: 'package', name: '<script>包</script>' }, startedAt: 'a', finishedAt: 'b', tool: 't', files: 1, bytes: 1 },
    planItems(DEFAULT_SCHEME, 'GD'),
    [
      { code: 'GD-1-1', outcome: fail ? 'fail' : 'pass', subject: 'data/a.pdf', message: { zh: '摘要<不符>', en: 'digest' } },
      { code: 'GD-3-3', outcome: 'warn', subject: 'data/b.jpg', message: { zh: 'dpi 未知', en: 'dpi unknown' } },
    ],
    [],
  );

test('docs/check-report.schema.json is up to date (regenerate: tsx src/checks/report/schema.ts)', async () => {
  assert.equal(await readFile(REPORT_SCHEMA_FILE, 'utf8'), reportJsonSchemaText());
});

test('a built report is valid against the schema; items not run are marked; the verdict follows blocking failures', () => {
  const r = report(true);
  assert.ok(CheckReportSchema.safeParse(r).success);
  assert.equal(r.summary.verdict, 'failed');
  assert.equal(r.byItem.find((i) => i.code === 'GD-2-6')!.outcome, 'not-run', 'an item with no result is "not run", never "pass"');
  assert.equal(r.byItem.length, 36);
});

test('HTML escapes every value; the diff names fixed, new and remaining findings', () => {
  const html = checkReportHtml(report(true));
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;包/);
  assert.match(html, /摘要&lt;不符&gt;/);
  const d = diffReports(report(true), report(false));
  assert.deepEqual([d.counts.fixed, d.counts.added, d.counts.remaining], [1, 0, 1]);
  assert.equal(d.fixed[0]!.code, 'GD-1-1');
});
