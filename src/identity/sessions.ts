import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { uuidv7 } from '../platform/ids.ts';
import type { Role, UserActor } from './actor.ts';

export const SESSION_COOKIE = 'dangan_session';
export const TOKEN_PREFIX = 'dgn_';

/** Only a SHA-256 of a secret is stored: a copy of the database gives no working session or token. */
const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

type UserRow = {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  repo_id: string;
  repo_code: string;
  repo_name: string;
  read_ids: string[];
  project_ids: string[] | null;
};

const ACTOR_SQL = `
  SELECT u.id, u.username, u.display_name, u.role,
         r.id AS repo_id, r.code AS repo_code, r.name AS repo_name,
         ARRAY(SELECT c.id FROM repository c WHERE c.path LIKE r.path || '%' ORDER BY c.path) AS read_ids,
         CASE WHEN u.role = 'submitter'
              THEN ARRAY(SELECT p.project_id FROM user_project p WHERE p.user_id = u.id ORDER BY p.project_id) END AS project_ids
    FROM app_user u JOIN repository r ON r.id = u.repository_id`;

const toActor = (r: UserRow, via: UserActor['via'] = 'session'): UserActor => ({
  kind: 'user',
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  repository: { id: r.repo_id, code: r.repo_code, name: r.repo_name },
  readRepositoryIds: r.read_ids,
  projectIds: r.project_ids,
  via,
});

export async function loadUserActor(q: Queryable, userId: string): Promise<UserActor | null> {
  const [row] = await q.query<UserRow>(`${ACTOR_SQL} WHERE u.id = $1 AND NOT u.disabled`, [userId]);
  return row ? toActor(row) : null;
}

export async function createSession(q: Queryable, userId: string, hours: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await q.query('INSERT INTO user_session (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [digest(token), userId, expiresAt]);
  // Opportunistic clean-up keeps the table small without a scheduler.
  await q.query('DELETE FROM user_session WHERE expires_at < now()');
  return { token, expiresAt };
}

export async function deleteSession(q: Queryable, token: string): Promise<void> {
  await q.query('DELETE FROM user_session WHERE token_hash = $1', [digest(token)]);
}

export async function actorFromSession(q: Queryable, token: string): Promise<UserActor | null> {
  const [row] = await q.query<UserRow>(
    `${ACTOR_SQL} JOIN user_session s ON s.user_id = u.id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [digest(token)],
  );
  return row ? toActor(row) : null;
}

export async function createApiToken(
  q: Queryable,
  userId: string,
  name: string,
  expiresInDays: number | null,
): Promise<{ id: string; token: string; expiresAt: Date | null }> {
  const id = uuidv7();
  const token = `${TOKEN_PREFIX}${newSecret()}`;
  const expiresAt = expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86_400_000);
  await q.query('INSERT INTO api_token (id, user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    id,
    userId,
    name,
    digest(token),
    expiresAt,
  ]);
  return { id, token, expiresAt };
}

export async function actorFromApiToken(q: Queryable, token: string): Promise<UserActor | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await q.query<UserRow>(
    `${ACTOR_SQL} JOIN api_token t ON t.user_id = u.id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.disabled`,
    [digest(token)],
  );
  if (!row) return null;
  await q.query('UPDATE api_token SET last_used_at = now() WHERE token_hash = $1', [digest(token)]);
  return toActor(row, 'token');
}

export async function revokeApiToken(q: Queryable, userId: string, tokenId: string): Promise<boolean> {
  const rows = await q.query('UPDATE api_token SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id', [
    tokenId,
    userId,
  ]);
  return rows.length > 0;
}
