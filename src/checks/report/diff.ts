/**
 * What changed between two runs over the same target (a submission and its resubmission, or two BC
 * runs of a volume): findings fixed, findings new, findings still open. A finding is an item code plus a
 * subject; "pass" results are not findings. Pure.
 */
import type { CheckReport, CheckResult } from '../model.ts';

export type ReportDiff = {
  from: { startedAt: string; verdict: string };
  to: { startedAt: string; verdict: string };
  fixed: CheckResult[];
  added: CheckResult[];
  remaining: CheckResult[];
  counts: { fixed: number; added: number; remaining: number };
};

const key = (r: CheckResult) => `${r.code.slice(3)}\u0000${r.subject}\u0000${r.outcome}`;
const isFinding = (r: CheckResult) => r.outcome === 'fail' || r.outcome === 'warn';

export function diffReports(from: CheckReport, to: CheckReport): ReportDiff {
  const a = new Map(from.items.filter(isFinding).map((r) => [key(r), r]));
  const b = new Map(to.items.filter(isFinding).map((r) => [key(r), r]));
  const fixed = [...a].filter(([k]) => !b.has(k)).map(([, r]) => r);
  const added = [...b].filter(([k]) => !a.has(k)).map(([, r]) => r);
  const remaining = [...b].filter(([k]) => a.has(k)).map(([, r]) => r);
  return {
    from: { startedAt: from.startedAt, verdict: from.summary.verdict },
    to: { startedAt: to.startedAt, verdict: to.summary.verdict },
    fixed, added, remaining,
    counts: { fixed: fixed.length, added: added.length, remaining: remaining.length },
  };
}
