/**
 * The check report's shape as a zod schema: the API's response type and the source of
 * docs/check-report.schema.json (regenerate: node_modules/.bin/tsx src/checks/report/schema.ts; a test
 * fails when the file is stale). Mirrors `CheckReport` in ../model.ts (a type test keeps them equal).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const Bilingual = z.object({ zh: z.string(), en: z.string() });
const Outcome = z.enum(['pass', 'fail', 'warn', 'manual', 'not-run']);
const Counts = z.object({ pass: z.number().int(), fail: z.number().int(), warn: z.number().int(), manual: z.number().int(), 'not-run': z.number().int() });

export const CheckResultSchema = z.object({
  code: z.string().regex(/^(GD|YJ|BC)-[1-4]-\d{1,2}$/).describe('DA/T 70 item code: stage-class-number'),
  outcome: Outcome,
  subject: z.string().describe("'package', a path inside the package, 'record:<key>', 'volume:<key>', 'project', 'unit:<code>'"),
  record: z.string().optional(),
  message: Bilingual,
  evidence: z.record(z.string(), z.unknown()).optional(),
});

export const CheckTaskSchema = z.object({
  id: z.string().optional(),
  code: z.string(),
  name: Bilingual,
  state: z.enum(['open', 'done']),
  assignee: z.string().optional(),
  outcome: z.enum(['pass', 'fail']).optional(),
  note: z.string().optional(),
  evidence: z.array(z.object({ fileName: z.string(), storageKey: z.string(), size: z.number() })).optional(),
  doneAt: z.string().optional(),
  doneBy: z.string().optional(),
});

export const CheckReportSchema = z.object({
  format: z.literal('dangan-check-report'),
  version: z.literal(1),
  stage: z.enum(['GD', 'YJ', 'BC']),
  scheme: z.object({ id: z.string(), name: z.string(), version: z.number().int() }),
  target: z.object({ kind: z.enum(['package', 'submission', 'volume']), name: z.string(), path: z.string().optional(), submissionId: z.string().optional(), volumeId: z.string().optional() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  tool: z.string(),
  summary: z.object({
    counts: Counts,
    blockingFailures: z.number().int(),
    openTasks: z.number().int(),
    verdict: z.enum(['passed', 'failed', 'incomplete']),
    files: z.number().int(),
    bytes: z.number().int(),
  }),
  byItem: z.array(z.object({
    code: z.string(), item: z.string(), class: z.enum(['authenticity', 'integrity', 'usability', 'security']), name: Bilingual,
    automation: z.enum(['A', 'S', 'M', 'T']), severity: z.enum(['blocking', 'warning']), outcome: Outcome, counts: Counts,
  })),
  items: z.array(CheckResultSchema),
  tasks: z.array(CheckTaskSchema),
});

export const REPORT_SCHEMA_FILE = fileURLToPath(new URL('../../../docs/check-report.schema.json', import.meta.url));
export const reportJsonSchemaText = (): string =>
  `${JSON.stringify({ ...(z.toJSONSchema(CheckReportSchema, { target: 'draft-2020-12' }) as Record<string, unknown>), $id: 'https://dangan.example/schemas/check-report-1.json', title: 'Dangan 四性检测报告 / DA/T 70 check report' }, null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(REPORT_SCHEMA_FILE, reportJsonSchemaText());
  process.stdout.write(`wrote ${REPORT_SCHEMA_FILE}\n`);
}
