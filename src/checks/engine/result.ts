/** Small constructors for check results, so every evaluator writes them the same way. */
import type { Bilingual, CheckResult, Outcome } from '../model.ts';

export type Emit = (r: CheckResult) => void;

export function result(code: string, outcome: Outcome, subject: string, zh: string, en: string, extra: { record?: string | undefined; evidence?: Record<string, unknown> | undefined } = {}): CheckResult {
  const r: CheckResult = { code, outcome, subject, message: { zh, en } };
  if (extra.record !== undefined) r.record = extra.record;
  if (extra.evidence !== undefined) r.evidence = extra.evidence;
  return r;
}

export const withMessage = (code: string, outcome: Outcome, subject: string, message: Bilingual, extra: { record?: string; evidence?: Record<string, unknown> } = {}): CheckResult =>
  result(code, outcome, subject, message.zh, message.en, extra);

/** Collects results of one item; if it found nothing, `finish` adds one package-level pass with the evidence. */
export class ItemCollector {
  private found = 0;
  constructor(
    private readonly code: string,
    private readonly emit: Emit,
  ) {}
  add(outcome: Outcome, subject: string, zh: string, en: string, extra: { record?: string | undefined; evidence?: Record<string, unknown> | undefined } = {}): void {
    if (outcome !== 'pass') this.found++;
    this.emit(result(this.code, outcome, subject, zh, en, extra));
  }
  finish(zh: string, en: string, evidence?: Record<string, unknown>): void {
    if (this.found === 0) this.emit(result(this.code, 'pass', 'package', zh, en, evidence ? { evidence } : {}));
  }
}
