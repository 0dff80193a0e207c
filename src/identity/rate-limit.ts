import type { Queryable } from '../platform/db.ts';

export type LoginLimits = { maxFailures: number; windowSeconds: number };

/**
 * Sign-in attempts are counted per user name and per client address, in the database so that every
 * web process shares the count. Per address the allowance is larger (an office shares one NAT address).
 * An attempt is counted atomically BEFORE the password is checked, so parallel guesses cannot slip
 * between a check and a later record; a refused or successful attempt gives its count back.
 */
export const loginKeys = (username: string, ip: string) => [`u:${username.toLowerCase()}`, `ip:${ip}`];
const allowance = (key: string, max: number) => (key.startsWith('ip:') ? max * 4 : max);

/** Counts one attempt against every key; true when any key is over its allowance (then answer 429). */
export async function countLoginAttempt(q: Queryable, keys: string[], limits: LoginLimits): Promise<boolean> {
  let over = false;
  for (const key of keys) {
    const [row] = await q.query<{ failures: number }>(
      `INSERT INTO login_failure (key, failures, window_start) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_failure.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE login_failure.failures + 1 END,
         window_start = CASE WHEN login_failure.window_start <= now() - make_interval(secs => $2) THEN now() ELSE login_failure.window_start END
       RETURNING failures`,
      [key, limits.windowSeconds],
    );
    if (row!.failures > allowance(key, limits.maxFailures)) over = true;
  }
  // A refused attempt is not counted: one name being hammered must not use up its office's address allowance.
  if (over) await q.query('UPDATE login_failure SET failures = greatest(failures - 1, 0) WHERE key = ANY($1)', [keys]);
  return over;
}

/** After a successful sign-in: the user name starts afresh and the address gets its attempt back. */
export async function loginSucceeded(q: Queryable, keys: string[]): Promise<void> {
  const [userKey, ipKey] = keys;
  await q.query('DELETE FROM login_failure WHERE key = $1', [userKey]);
  await q.query('UPDATE login_failure SET failures = greatest(failures - 1, 0) WHERE key = $1', [ipKey]);
}
