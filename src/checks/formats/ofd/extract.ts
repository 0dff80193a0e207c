/**
 * `extractOfdText`: the text of an OFD page by page (TextCode of the page and of the template pages it
 * uses, one line per TextObject), for full-text search. Reads through `inspectOfd` without signature
 * verification. Returns null when no page could be read (not an OFD, corrupt, encrypted, timed out);
 * a file with other defects (a dangling resource) still yields its text.
 */
import { inspectOfd } from './inspect.ts';

export async function extractOfdText(path: string, options: { maxChars?: number; timeoutMs?: number } = {}): Promise<{ pages: string[]; truncated: boolean } | null> {
  const r = await inspectOfd(path, { text: true, signatures: false, maxTextChars: options.maxChars ?? 1_000_000, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  if (!r.text || r.text.pages.length === 0) return null;
  if (r.problems.some((p) => p.code === 'ofd-timeout' || p.code === 'ofd-encrypted')) return null;
  return r.text;
}
