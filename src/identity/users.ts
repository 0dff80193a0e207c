import { z } from 'zod';
import { parseUscc } from '../codes/index.ts';
import type { Tx, Queryable } from '../platform/db.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { uuidv7 } from '../platform/ids.ts';
import { appendEvent } from '../preservation/index.ts';
import { ROLES, actorName, type Actor, type Role } from './actor.ts';
import { hashPassword, passwordProblems } from './passwords.ts';

export const NewUser = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, . _ -; 2–64 characters'),
  displayName: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  repositoryId: z.uuid(),
  password: z.string().min(1).max(256),
  unitUscc: z.string().optional(),
  projectIds: z.array(z.uuid()).max(1000).optional(),
});
export type NewUser = z.infer<typeof NewUser>;

export type UserSummary = {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  repositoryId: string;
  unitUscc: string | null;
  disabled: boolean;
};

/** Creates a user and records it in the event chain, in the caller's transaction. */
export async function createUser(tx: Tx, input: NewUser, by: Actor): Promise<UserSummary> {
  const problems = passwordProblems(input.password);
  if (problems.length) throw badRequest('identity.weak_password', `密码不符合要求：${problems.join('；')}`, `password too weak: ${problems.join('; ')}`);
  let unitUscc: string | null = null;
  if (input.role === 'submitter') {
    const parsed = parseUscc(input.unitUscc ?? '');
    if (!parsed.ok) {
      throw badRequest('identity.unit_uscc_invalid', '报送单位须填写有效的统一社会信用代码', 'a submitter needs a valid unified social credit code of its unit', parsed.issues);
    }
    unitUscc = parsed.value.code;
  }
  const [repo] = await tx.query<{ id: string }>('SELECT id FROM repository WHERE id = $1', [input.repositoryId]);
  if (!repo) throw notFound('catalog.repository_not_found', '档案馆不存在', 'repository not found');
  const [taken] = await tx.query('SELECT 1 FROM app_user WHERE username = $1', [input.username]);
  if (taken) throw conflict('identity.username_taken', '用户名已被使用', 'user name already taken');

  const id = uuidv7();
  await tx.query(
    `INSERT INTO app_user (id, username, display_name, role, repository_id, unit_uscc, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, input.username, input.displayName, input.role, input.repositoryId, unitUscc, await hashPassword(input.password)],
  );
  if (input.role === 'submitter' && input.projectIds?.length) {
    const found = await tx.query<{ id: string }>('SELECT id FROM project WHERE id = ANY($1) AND repository_id = $2', [
      input.projectIds,
      input.repositoryId,
    ]);
    if (found.length !== new Set(input.projectIds).size) {
      throw badRequest('identity.project_scope_invalid', '只能授权本馆的项目', 'a submitter can only be scoped to projects of its own repository');
    }
    for (const p of found) await tx.query('INSERT INTO user_project (user_id, project_id) VALUES ($1, $2)', [id, p.id]);
  }
  await appendEvent(tx, {
    actor: actorName(by),
    action: 'user.created',
    subject: `user:${id}`,
    repositoryId: input.repositoryId,
    data: { username: input.username, role: input.role, unitUscc, projectIds: input.projectIds ?? [] },
  });
  return { id, username: input.username, displayName: input.displayName, role: input.role, repositoryId: input.repositoryId, unitUscc, disabled: false };
}

export async function findLoginUser(q: Queryable, username: string): Promise<{ id: string; password_hash: string } | undefined> {
  const [row] = await q.query<{ id: string; password_hash: string }>(
    'SELECT id, password_hash FROM app_user WHERE username = $1 AND NOT disabled',
    [username],
  );
  return row;
}

export async function listUsers(q: Queryable, repositoryId: string, limit: number, after: string | null): Promise<UserSummary[]> {
  return q.query<UserSummary>(
    `SELECT id, username, display_name AS "displayName", role, repository_id AS "repositoryId", unit_uscc AS "unitUscc", disabled
       FROM app_user WHERE repository_id = $1 AND ($2::text IS NULL OR username > $2)
      ORDER BY username LIMIT $3`,
    [repositoryId, after, limit],
  );
}
