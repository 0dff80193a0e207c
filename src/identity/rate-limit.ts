import type { Queryable } from '../platform/db.ts';

export type LoginLimits = { maxFailures: number; windowSeconds: number };

/**
 * Failed logins are counted per user name and per client address, in the database so that every web
 * process shares the count. Per address the allowance is larger (an office shares one NAT address).
 */
export const loginKeys = (username: string, ip: string) => [`u:${username.toLowerCase()}`, `ip:${ip}`];
const allowance = (key: string, max: number) => (key.startsWith('ip:') ? max * 4 : max);

export async function isLoginLimited(q: Queryable, keys: string[], limits: LoginLimits): Promise<boolean> {
  const rows = await q.query<{ key: string; failures: number }>(
    `SELECT key, failures FROM login_failure
      WHERE key = ANY($1) AND window_start > now() - make_interval(secs => $2)`,
    [keys, limits.windowSeconds],
  );
  return rows.some((r) => r.failures >= allowance(r.key, limits.maxFailures));
}

export async function recordLoginFailure(q: Queryable, keys: string[], limits: LoginLimits): Promise<void> {
  for (const key of keys) {
    await q.query(
      `INSERT INTO login_failure (key, failures, window_start) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_failure.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE login_failure.failures + 1 END,
         window_start = CASE WHEN login_failure.window_start <= now() - make_interval(secs => $2) THEN now() ELSE login_failure.window_start END`,
      [key, limits.windowSeconds],
    );
  }
}

export async function clearLoginFailures(q: Queryable, username: string): Promise<void> {
  await q.query('DELETE FROM login_failure WHERE key = $1', [`u:${username.toLowerCase()}`]);
}
