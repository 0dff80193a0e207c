import fastifyCookie from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import type { App } from '../platform/http/server.ts';
import { PUBLIC, type Actor } from './actor.ts';
import { allows, isPolicy, type Policy } from './policy.ts';
import { SESSION_COOKIE, actorFromApiToken, actorFromSession } from './sessions.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: Policy;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

/** Routes that must name a policy: the whole API and the health check (static files and docs are public assets). */
const guarded = (url: string) => (url.startsWith('/api/') && !url.startsWith('/api/docs')) || url === '/healthz';

async function resolveActor(db: Db, req: FastifyRequest): Promise<Actor> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const actor = m ? await actorFromApiToken(db, m[1]!) : null;
    if (!actor) throw new AppError(401, 'auth.invalid_token', { zh: 'API 令牌无效或已过期', en: 'invalid or expired API token' });
    return actor;
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (cookie && cookie.length <= 100) return (await actorFromSession(db, cookie)) ?? PUBLIC;
  return PUBLIC;
}

/** Resolves the actor of every request and enforces the route's declared policy before any handler runs. */
export async function registerAuth(app: App, db: Db): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest('actor', null as never);
  app.addHook('onRoute', (route) => {
    if (guarded(route.url) && !isPolicy(route.config?.policy)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access policy`);
    }
  });
  app.addHook('onRequest', async (req) => {
    req.actor = PUBLIC;
    const policy = req.routeOptions.config?.policy;
    if (!policy) return;
    req.actor = await resolveActor(db, req);
    if (!allows(policy, req.actor)) {
      if (req.actor.kind === 'public') {
        throw new AppError(401, 'auth.required', { zh: '请先登录', en: 'sign-in required' });
      }
      throw new AppError(403, 'auth.forbidden', { zh: '无权执行此操作', en: 'not allowed for your role' });
    }
  });
}
