export { ROLES, CLASSIFICATIONS, PUBLIC, readScope, canWriteCatalog, actorName, type Actor, type UserActor, type Role, type Classification, type ReadScope } from './actor.ts';
export { POLICIES, allows, type Policy } from './policy.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
export { registerAuth } from './http.ts';
export { identityRoutes, type IdentityOptions } from './routes.ts';
export { createUser, NewUser, type UserSummary } from './users.ts';
export { createSession, createApiToken, loadUserActor, SESSION_COOKIE } from './sessions.ts';
