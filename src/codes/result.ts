// Shared result types for the identifier-code functions: errors are values, never exceptions.

/** Bilingual text; Chinese first because users read Chinese, English for logs and engineers. */
export type Bilingual = { zh: string; en: string };

/** Extra facts about an issue (position, expected value …); scalar values only so it serialises cleanly. */
export type IssueData = Readonly<Record<string, string | number | boolean>>;

export type CodeIssue = {
  /** Stable machine code, `<module>.<problem>`, e.g. `uscc.check_char`. Never reworded once released. */
  code: string;
  message: Bilingual;
  data?: IssueData;
};

export type CodeResult<T> =
  | { ok: true; value: T; warnings: CodeIssue[] }
  | { ok: false; issues: CodeIssue[] };

export function issue(code: string, zh: string, en: string, data?: IssueData): CodeIssue {
  return data === undefined ? { code, message: { zh, en } } : { code, message: { zh, en }, data };
}

export function ok<T>(value: T, warnings: CodeIssue[] = []): CodeResult<T> {
  return { ok: true, value, warnings };
}

export function fail<T = never>(issues: CodeIssue[]): CodeResult<T> {
  return { ok: false, issues };
}

/** Issue codes of a result (errors if failed, warnings if ok) — handy for callers and tests. */
export function issueCodes(result: CodeResult<unknown>): string[] {
  return (result.ok ? result.warnings : result.issues).map((i) => i.code);
}
