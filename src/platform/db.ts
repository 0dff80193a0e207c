import pg from 'pg';

// int8 (counts, sequence numbers) as numbers: our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// `date` stays 'YYYY-MM-DD': a calendar date has no time zone to shift it by.
pg.types.setTypeParser(1082, (v) => v);

export type Row = Record<string, unknown>;

/** What a repository function needs: a pool or a transaction client, behind one narrow shape. */
export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** A Queryable known (by type) to be inside a transaction: what transaction-scoped locks require. */
export interface Tx extends Queryable {
  readonly inTransaction: true;
}

export interface Db extends Queryable {
  readonly pool: pg.Pool;
  readonly url: string;
  /** Runs `fn` in one transaction: every multi-row change commits whole or not at all. */
  tx<T>(fn: (q: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const res = await client.query<T>(sql, params as unknown[]);
      return res.rows;
    },
  };
}

export function createDb(url: string, options: { max?: number; applicationName?: string } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'dangan',
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  return {
    pool,
    url,
    query: base.query,
    async tx<T>(fn: (q: Tx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({ ...wrap(client), inTransaction: true });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Postgres error code of a driver error, if any (e.g. '23505' unique violation). */
export function pgErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}
