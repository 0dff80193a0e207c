import { z } from 'zod';
import type { Db } from '../platform/db.ts';
import { AppError, forbidden } from '../platform/errors.ts';
import { PageQuery, decodeCursor, page } from '../platform/http/paging.ts';
import type { App } from '../platform/http/server.ts';
import { ROLES, type Actor, type UserActor } from './actor.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { countLoginAttempt, loginKeys, loginSucceeded, type LoginLimits } from './rate-limit.ts';
import { SESSION_COOKIE, createApiToken, createSession, deleteSession, loadUserActor, revokeApiToken } from './sessions.ts';
import { NewUser, createUser, findLoginUser, listUsers } from './users.ts';

export type IdentityOptions = { sessionHours: number; cookieSecure: boolean; limits: LoginLimits };

const UserView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  repository: z.object({ id: z.string(), code: z.string(), name: z.string() }),
});
const userView = (a: UserActor) => ({ id: a.id, username: a.username, displayName: a.displayName, role: a.role, repository: a.repository });

const asUser = (a: Actor): UserActor => {
  if (a.kind !== 'user') throw new AppError(401, 'auth.required', { zh: '请先登录', en: 'sign-in required' });
  return a;
};

export async function identityRoutes(app: App, db: Db, opts: IdentityOptions): Promise<void> {
  app.post('/api/auth/login', {
    config: { policy: 'public' },
    schema: {
      tags: ['identity'],
      summary: '登录 / sign in',
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
      response: { 200: z.object({ user: UserView }) },
    },
  }, async (req, reply) => {
    const username = req.body.username.trim().toLowerCase();
    const keys = loginKeys(username, req.ip);
    if (await countLoginAttempt(db, keys, opts.limits)) {
      throw new AppError(429, 'auth.rate_limited', { zh: '登录失败次数过多，请稍后再试', en: 'too many failed sign-ins; try again later' });
    }
    const found = await findLoginUser(db, username);
    const ok = found ? await verifyPassword(found.password_hash, req.body.password) : (await burnPasswordCheck(req.body.password), false);
    const actor = ok && found ? await loadUserActor(db, found.id) : null;
    if (!actor) {
      throw new AppError(401, 'auth.invalid_credentials', { zh: '用户名或密码错误', en: 'wrong user name or password' });
    }
    await loginSucceeded(db, keys);
    const session = await createSession(db, actor.id, opts.sessionHours);
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.cookieSecure,
      path: '/',
      expires: session.expiresAt,
    });
    return { user: userView(actor) };
  });

  app.post('/api/auth/logout', {
    config: { policy: 'public' },
    schema: { tags: ['identity'], summary: '退出 / sign out', response: { 204: z.null() } },
  }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await deleteSession(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { policy: 'public' },
    schema: { tags: ['identity'], summary: '当前用户 / who am I', response: { 200: z.object({ user: UserView.nullable() }) } },
  }, async (req) => ({ user: req.actor.kind === 'user' ? userView(req.actor) : null }));

  app.post('/api/auth/tokens', {
    config: { policy: 'self' },
    schema: {
      tags: ['identity'],
      summary: '创建 API 令牌 / create an API token for business systems',
      body: z.object({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).nullable().default(365) }),
      response: { 201: z.object({ id: z.string(), token: z.string(), expiresAt: z.string().nullable() }) },
    },
  }, async (req, reply) => {
    const me = asUser(req.actor);
    // A leaked token must not be able to turn itself into a longer-lived one.
    if (me.via === 'token') throw forbidden('identity.token_cannot_mint', 'API 令牌不能创建新令牌，请登录后创建', 'an API token cannot create tokens; sign in to create one');
    const t = await createApiToken(db, me.id, req.body.name, req.body.expiresInDays);
    return reply.status(201).send({ id: t.id, token: t.token, expiresAt: t.expiresAt?.toISOString() ?? null });
  });

  app.delete('/api/auth/tokens/:id', {
    config: { policy: 'self' },
    schema: { tags: ['identity'], summary: '吊销 API 令牌 / revoke a token', params: z.object({ id: z.uuid() }), response: { 204: z.null() } },
  }, async (req, reply) => {
    const me = asUser(req.actor);
    if (!(await revokeApiToken(db, me.id, req.params.id))) {
      throw new AppError(404, 'identity.token_not_found', { zh: '令牌不存在', en: 'token not found' });
    }
    return reply.status(204).send(null);
  });

  const UserSummary = z.object({
    id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES),
    repositoryId: z.string(), unitUscc: z.string().nullable(), disabled: z.boolean(),
  });

  app.get('/api/users', {
    config: { policy: 'users:manage' },
    schema: { tags: ['identity'], summary: '本馆用户 / users of my repository', querystring: PageQuery, response: { 200: z.object({ items: z.array(UserSummary), next: z.string().nullable() }) } },
  }, async (req) => {
    const me = asUser(req.actor);
    const cursor = decodeCursor(req.query.after, 1);
    const after = cursor ? String(cursor[0]) : null;
    const rows = await listUsers(db, me.repository.id, req.query.limit + 1, after);
    return page(rows, req.query.limit, (u) => [u.username]);
  });

  app.post('/api/users', {
    config: { policy: 'users:manage' },
    schema: { tags: ['identity'], summary: '新建用户 / add a user', body: NewUser, response: { 201: UserSummary } },
  }, async (req, reply) => {
    const me = asUser(req.actor);
    if (req.body.repositoryId !== me.repository.id) {
      throw forbidden('auth.cross_repository', '只能在本馆内新建用户', 'users can only be added to your own repository');
    }
    const user = await db.tx((tx) => createUser(tx, req.body, req.actor));
    return reply.status(201).send(user);
  });
}
