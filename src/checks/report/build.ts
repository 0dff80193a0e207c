/**
 * Assembles a run's results into the report: per item the worst outcome and the counts, the summary and
 * the verdict. Pure. A package-level "pass" summary of an item that also has a finding is dropped, so an
 * item never reads as both passed and failed.
 */
import type { CheckReport, CheckResult, CheckTask, ItemSummary, Outcome, Stage } from '../model.ts';
import { OUTCOMES } from '../model.ts';
import type { PlannedItem } from '../scheme/scheme.ts';

const RANK: Record<Outcome, number> = { pass: 0, warn: 1, 'not-run': 2, manual: 3, fail: 4 };

export const zeroCounts = (): Record<Outcome, number> => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;

export function worst(outcomes: Iterable<Outcome>): Outcome {
  let w: Outcome = 'pass';
  for (const o of outcomes) if (RANK[o] > RANK[w]) w = o;
  return w;
}

export type ReportMeta = Omit<CheckReport, 'format' | 'version' | 'summary' | 'byItem' | 'items' | 'tasks' | 'stage'> & { stage: Stage; files: number; bytes: number };

export function buildReport(meta: ReportMeta, planned: readonly PlannedItem[], results: readonly CheckResult[], tasks: readonly CheckTask[]): CheckReport {
  const byCode = new Map<string, CheckResult[]>();
  for (const r of results) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);
  const items: CheckResult[] = [];
  const byItem: ItemSummary[] = [];
  const taskByCode = new Map(tasks.map((t) => [t.code, t]));
  for (const p of planned) {
    let rs = byCode.get(p.code) ?? [];
    if (rs.some((r) => r.outcome !== 'pass')) rs = rs.filter((r) => !(r.outcome === 'pass' && r.subject === 'package'));
    // A finished task decides its manual item.
    const task = taskByCode.get(p.code);
    if (task?.state === 'done' && task.outcome) {
      rs = rs.map((r) => (r.outcome === 'manual' ? { ...r, outcome: task.outcome!, evidence: { ...r.evidence, task: { by: task.doneBy, at: task.doneAt, note: task.note } } } : r));
    }
    if (!rs.length) rs = [{ code: p.code, outcome: 'not-run', subject: 'package', message: { zh: '本次未产生结果', en: 'no result in this run' } }];
    const counts = zeroCounts();
    for (const r of rs) counts[r.outcome]++;
    byItem.push({ code: p.code, item: p.def.item, class: p.def.class, name: p.def.name, automation: p.def.automation, severity: p.severity, outcome: worst(rs.map((r) => r.outcome)), counts });
    items.push(...rs);
  }
  const counts = zeroCounts();
  for (const r of items) counts[r.outcome]++;
  const blocking = new Set(planned.filter((p) => p.severity === 'blocking').map((p) => p.code));
  const blockingFailures = items.filter((r) => r.outcome === 'fail' && blocking.has(r.code)).length;
  const openTasks = tasks.filter((t) => t.state === 'open').length;
  const openBlocking = byItem.some((i) => blocking.has(i.code) && (i.outcome === 'manual' || i.outcome === 'not-run'));
  const verdict = blockingFailures ? 'failed' : openBlocking ? 'incomplete' : 'passed';
  const { files, bytes, stage, ...rest } = meta;
  return { format: 'dangan-check-report', version: 1, stage, ...rest, summary: { counts, blockingFailures, openTasks, verdict, files, bytes }, byItem, items, tasks: [...tasks] };
}
