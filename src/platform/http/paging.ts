import { z } from 'zod';
import { badRequest } from '../errors.ts';

/** Every list takes a limit and an opaque keyset cursor; none returns unbounded rows. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(512).regex(/^[A-Za-z0-9_-]+$/).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export type Cursor = (string | number)[];

export const encodeCursor = (key: Cursor): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

export function decodeCursor(after: string | undefined, arity: number): Cursor | null {
  if (after === undefined) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    /* fall through */
  }
  throw badRequest('request.invalid_cursor', '翻页游标无效', 'invalid paging cursor');
}

/** Takes limit+1 rows, returns `limit` and the cursor of the last one if more exist. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => Cursor): { items: T[]; next: string | null } {
  if (rows.length <= limit) return { items: rows, next: null };
  const items = rows.slice(0, limit);
  return { items, next: encodeCursor(keyOf(items[items.length - 1]!)) };
}

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.string().nullable() });
