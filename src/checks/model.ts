/**
 * The check engine's vocabulary (DA/T 70-2018): stages, the four properties, outcomes, results and
 * the report every run produces. Pure types; the JSON report's schema is `report/report.schema.json`.
 */
export type Bilingual = { zh: string; en: string };

/** 归档 (archiving), 移交与接收 (transfer and receipt), 长期保存 (long-term preservation). */
export type Stage = 'GD' | 'YJ' | 'BC';
export const STAGES: readonly Stage[] = ['GD', 'YJ', 'BC'];

/** 真实性, 完整性, 可用性, 安全性 — the class digit of an item number. */
export type CheckClass = 'authenticity' | 'integrity' | 'usability' | 'security';

/** A = automatic, S = system computes + person confirms, M = manual, T = needs a tool or operations evidence. */
export type Automation = 'A' | 'S' | 'M' | 'T';

/**
 * `pass` / `fail` / `warn` (a finding that does not fail the item), `manual` (a person must decide:
 * a task exists), `not-run` (could not be run here, e.g. no virus scanner configured — never a pass).
 */
export type Outcome = 'pass' | 'fail' | 'warn' | 'manual' | 'not-run';
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'warn', 'manual', 'not-run'];

export type Severity = 'blocking' | 'warning';

/** One outcome of one item for one subject (the package, a file path, or a record). */
export type CheckResult = {
  /** stage-qualified item code, e.g. 'GD-1-1' */
  code: string;
  outcome: Outcome;
  /** 'package', a path inside the package ('payload/…/0001.pdf'), or 'record:<key>' */
  subject: string;
  /** the record the subject belongs to, when there is one */
  record?: string;
  message: Bilingual;
  /** what was measured (digests, dpi, signer, values compared…) */
  evidence?: Record<string, unknown>;
};

/** Per item: the worst outcome over its subjects and the counts. */
export type ItemSummary = {
  code: string;
  item: string;
  class: CheckClass;
  name: Bilingual;
  automation: Automation;
  severity: Severity;
  outcome: Outcome;
  counts: Record<Outcome, number>;
};

export type TaskState = 'open' | 'done';
export type CheckTask = {
  id?: string;
  code: string;
  name: Bilingual;
  state: TaskState;
  assignee?: string;
  outcome?: 'pass' | 'fail';
  note?: string;
  evidence?: { fileName: string; storageKey: string; size: number }[];
  doneAt?: string;
  doneBy?: string;
};

export type Verdict = 'passed' | 'failed' | 'incomplete';

export type CheckReport = {
  format: 'dangan-check-report';
  version: 1;
  stage: Stage;
  scheme: { id: string; name: string; version: number };
  target: { kind: 'package' | 'submission' | 'volume'; name: string; path?: string; submissionId?: string; volumeId?: string };
  startedAt: string;
  finishedAt: string;
  tool: string;
  summary: {
    /** counts of results per outcome */
    counts: Record<Outcome, number>;
    /** results that fail a blocking item */
    blockingFailures: number;
    openTasks: number;
    /** 'failed' = a blocking failure; 'incomplete' = no blocking failure but blocking tasks still open or items not run; else 'passed' */
    verdict: Verdict;
    files: number;
    bytes: number;
  };
  byItem: ItemSummary[];
  items: CheckResult[];
  tasks: CheckTask[];
};
