import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../db.ts';

/**
 * A fresh, migrated database per test file, copied from the template the test runner prepared
 * (scripts/test.ts) on a real PostgreSQL: isolation without paying for migrations every time.
 */
export type TestDatabase = { db: Db; url: string; name: string; drop(): Promise<void> };

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with \`npm test\` (scripts/test.ts starts PostgreSQL)`);
  return v;
}

export const testAdminUrl = () => env('DANGAN_TEST_ADMIN_URL');

export function urlFor(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: testAdminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = env('DANGAN_TEST_TEMPLATE');
  const name = `t_${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
      break;
    } catch (err) {
      // Two files copying the template at the same instant: wait and try again.
      if (attempt < 20 && /being accessed by other users/.test((err as Error).message)) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        continue;
      }
      throw err;
    }
  }
  const url = urlFor(testAdminUrl(), name);
  const db = createDb(url, { max: 5 });
  return {
    db, url, name,
    async drop() {
      await db.close().catch(() => undefined);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** An empty database (no migrations): for tests of the migrator itself and of first start. */
export async function createEmptyDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `e_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`));
  return { url: urlFor(testAdminUrl(), name), name, drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))) };
}
