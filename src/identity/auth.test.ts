import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { App } from '../platform/http/server.ts';
import { createHttpServer } from '../platform/http/server.ts';
import { runCli } from '../platform/testing/cli.ts';
import { TestClient, type Res } from '../platform/testing/http.ts';
import { startTestServer, type TestServer } from '../platform/testing/server.ts';
import { registerAuth } from './http.ts';

let srv: TestServer;
let ids: { dz: string; qh: string; dzProject: string; qhProject: string; restrictedVolume: string };

const anon = () => new TestClient(srv.baseUrl);
const login = (username: string) => anon().login(username, srv.demoPassword);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The raw secret of a client's session cookie. */
const sessionToken = (c: TestClient) => {
  const m = /^dangan_session=(.+)$/.exec(c.cookie ?? '');
  assert.ok(m, `no session cookie: ${c.cookie}`);
  return m[1]!;
};

/** A stable error: exact status, exact code, bilingual message. */
function assertError(r: Res, status: number, code: string, what = ''): void {
  assert.equal(r.status, status, `${what} ${r.text.slice(0, 300)}`);
  assert.equal(r.body.code, code, what);
  assert.equal(r.body.statusCode, status, what);
  assert.equal(typeof r.body.message?.zh, 'string', what);
  assert.equal(typeof r.body.message?.en, 'string', what);
  assert.ok(r.body.message.zh.length > 0 && r.body.message.en.length > 0, what);
}

/** Set-Cookie attributes, lower-cased names: { dangan_session: value, path: '/', httponly: '', ... }. */
function cookieAttributes(header: string | null): Record<string, string> {
  assert.ok(header, 'no Set-Cookie header');
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    out[k!.toLowerCase()] = v.join('=');
  }
  return out;
}

let projectSeq = 0;
const newProjectBody = () => ({
  projectCode: `2501-371402-04-01-${String(++projectSeq + 500000).padStart(6, '0')}`,
  name: '令牌写入测试项目',
  projectType: 'building',
  builderName: '测试建设单位',
  builderUscc: '91350100M000100Y43',
  regionCode: '371402',
});

before(async () => {
  srv = await startTestServer({ web: false });
  const admin = await login('admin');
  const repos = await admin.get('/api/repositories');
  const repo = (code: string) => repos.body.items.find((r: { code: string }) => r.code === code).id as string;
  const dz = repo('DZ');
  const qh = repo('DZ-QH');
  const dzProject = (await admin.get(`/api/repositories/${dz}/projects`)).body.items[0].id;
  const qhProject = (await admin.get(`/api/repositories/${qh}/projects`)).body.items[0].id;
  const detail = await admin.get(`/api/projects/${dzProject}`);
  const unit = detail.body.unitProjects.find((u: { code: string }) => u.code === 'DW-01').id;
  const vols = await admin.get(`/api/unit-projects/${unit}/volumes`);
  const restricted = vols.body.items.find((v: { access: string; classification: string }) => v.access === 'restricted' && v.classification === 'none');
  ids = { dz, qh, dzProject, qhProject, restrictedVolume: restricted.id };
});
after(() => srv.close());

test('login sets an HttpOnly, SameSite=Lax session cookie; /api/auth/me then names the user, role and repository', async () => {
  const c = anon();
  const before = await c.get('/api/auth/me');
  assert.equal(before.status, 200);
  assert.deepEqual(before.body, { user: null });

  const t0 = Date.now();
  const r = await c.post('/api/auth/login', { username: 'archivist', password: srv.demoPassword });
  assert.equal(r.status, 200, r.text);
  const a = cookieAttributes(r.headers.get('set-cookie'));
  assert.match(a.dangan_session ?? '', /^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
  assert.ok('httponly' in a, 'cookie must be HttpOnly');
  assert.equal(a.samesite?.toLowerCase(), 'lax');
  assert.equal(a.path, '/');
  assert.ok(!('secure' in a), 'plain-HTTP default (DANGAN_COOKIE_SECURE=false) sets no Secure flag');
  const expires = Date.parse(a.expires ?? '');
  assert.ok(Math.abs(expires - (t0 + 12 * 3_600_000)) < 120_000, `cookie expires in 12 h (DANGAN_SESSION_HOURS), got ${a.expires}`);

  assert.deepEqual(Object.keys(r.body.user).sort(), ['displayName', 'id', 'repository', 'role', 'username']);
  assert.equal(r.body.user.username, 'archivist');
  assert.equal(r.body.user.role, 'archivist');
  assert.equal(r.body.user.displayName, '王档案');
  assert.deepEqual(r.body.user.repository, { id: ids.dz, code: 'DZ', name: '德州市城建档案馆' });

  const me = await c.get('/api/auth/me');
  assert.equal(me.status, 200);
  assert.deepEqual(me.body, { user: r.body.user });

  const county = await login('county-archivist');
  const cm = await county.get('/api/auth/me');
  assert.equal(cm.body.user.role, 'archivist');
  assert.deepEqual(cm.body.user.repository, { id: ids.qh, code: 'DZ-QH', name: '齐河县城建档案馆' });
});

test('wrong password and unknown user are the same 401; malformed or incomplete bodies are 400', async () => {
  const c = anon();
  const wrong = await c.post('/api/auth/login', { username: 'viewer', password: 'not-the-password' });
  assertError(wrong, 401, 'auth.invalid_credentials', 'wrong password');
  assert.equal(wrong.headers.get('set-cookie'), null);
  assert.equal(c.cookie, undefined);

  const unknown = await c.post('/api/auth/login', { username: 'nobody-here', password: srv.demoPassword });
  assertError(unknown, 401, 'auth.invalid_credentials', 'unknown user');
  assert.deepEqual(unknown.body, wrong.body, 'an unknown user name must not be distinguishable from a wrong password');

  assertError(await c.req('POST', '/api/auth/login', '{"username": "viewer", "password": '), 400, 'request.malformed_json', 'malformed JSON');
  assertError(await c.post('/api/auth/login', {}), 400, 'request.invalid', 'no fields');
  assertError(await c.post('/api/auth/login', { username: 'viewer' }), 400, 'request.invalid', 'no password');
  assertError(await c.post('/api/auth/login', { password: srv.demoPassword }), 400, 'request.invalid', 'no username');
  assertError(await c.post('/api/auth/login', { username: '', password: srv.demoPassword }), 400, 'request.invalid', 'empty username');
  assertError(await c.post('/api/auth/login', { username: 'viewer', password: 12345678901 }), 400, 'request.invalid', 'numeric password');
  assert.deepEqual((await c.get('/api/auth/me')).body, { user: null });

  // The user name is matched trimmed and case-insensitively (stored names are lower-case).
  const mixed = await anon().post('/api/auth/login', { username: '  Viewer ', password: srv.demoPassword });
  assert.equal(mixed.status, 200, mixed.text);
  assert.equal(mixed.body.user.username, 'viewer');
});

test('rate limiting: after N failures for one name even the right password is refused; the address allowance is 4×N', async () => {
  const rl = await startTestServer({ web: false, env: { DANGAN_LOGIN_MAX_FAILURES: '3', DANGAN_COOKIE_SECURE: 'true' } });
  try {
    const attempt = (username: string, password: string) => new TestClient(rl.baseUrl).post('/api/auth/login', { username, password });
    for (let i = 1; i <= 3; i++) assertError(await attempt('viewer', `wrong-${i}-password`), 401, 'auth.invalid_credentials', `failure ${i}`);

    const blocked = await attempt('viewer', rl.demoPassword);
    assertError(blocked, 429, 'auth.rate_limited', 'right password after 3 failures');
    assert.equal(blocked.headers.get('set-cookie'), null);
    assertError(await attempt('VIEWER', rl.demoPassword), 429, 'auth.rate_limited', 'same name, other case');

    // Another user from the same address still signs in; with DANGAN_COOKIE_SECURE=true the cookie is Secure.
    const other = await attempt('admin', rl.demoPassword);
    assert.equal(other.status, 200, other.text);
    const attrs = cookieAttributes(other.headers.get('set-cookie'));
    assert.ok('secure' in attrs && 'httponly' in attrs, `Secure and HttpOnly expected: ${other.headers.get('set-cookie')}`);

    // 3 failures so far from 127.0.0.1; the address allowance is 12: 8 more (on fresh names) leave it at 11.
    for (let i = 1; i <= 8; i++) assertError(await attempt(`ghost-${i}`, 'whatever-password'), 401, 'auth.invalid_credentials', `ghost ${i}`);
    assert.equal((await attempt('reviewer', rl.demoPassword)).status, 200, 'at 11 address failures a good login still passes');
    assertError(await attempt('ghost-9', 'whatever-password'), 401, 'auth.invalid_credentials', '12th address failure');
    assertError(await attempt('archivist', rl.demoPassword), 429, 'auth.rate_limited', 'address allowance used up');

    const rows = await rl.rt.db.query<{ key: string; failures: number }>('SELECT key, failures FROM login_failure ORDER BY key');
    assert.equal(rows.find((r) => r.key === 'u:viewer')?.failures, 3);
    assert.equal(rows.find((r) => r.key === 'ip:127.0.0.1')?.failures, 12);

    // The window passes: everyone may try again.
    await rl.rt.db.query(`UPDATE login_failure SET window_start = now() - interval '1 hour'`);
    assert.equal((await attempt('viewer', rl.demoPassword)).status, 200);
    assert.equal((await attempt('archivist', rl.demoPassword)).status, 200);

    // A successful login resets the count for that name: 2 + 2 failures around a success never reach 3.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) assertError(await attempt('reviewer', 'wrong-password!'), 401, 'auth.invalid_credentials');
      assert.equal((await attempt('reviewer', rl.demoPassword)).status, 200, `round ${round}`);
    }
  } finally {
    await rl.close();
  }
});

test('parallel wrong guesses cannot exceed the allowance of checked passwords', async () => {
  const rl = await startTestServer({ web: false });
  try {
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) =>
      new TestClient(rl.baseUrl).post('/api/auth/login', { username: 'viewer', password: `guess-number-${i}` })));
    const checked = results.filter((r) => r.status === 401).length;
    assert.ok(results.every((r) => r.status === 401 || r.status === 429));
    assert.ok(checked <= 5, `${checked} of 15 parallel guesses were checked; the allowance is 5`);
  } finally {
    await rl.close();
  }
});

test('passwords are stored as argon2id; sessions and tokens only as SHA-256; no secret appears in any table', async () => {
  const users = await srv.rt.db.query<{ username: string; password_hash: string }>('SELECT username, password_hash FROM app_user');
  assert.ok(users.length >= 7);
  for (const u of users) {
    assert.match(u.password_hash, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, u.username);
    assert.ok(!u.password_hash.includes(srv.demoPassword), u.username);
  }
  // The demo users share one password: distinct hashes prove a per-user salt.
  assert.equal(new Set(users.map((u) => u.password_hash)).size, users.length);

  const c = await login('admin');
  const token = sessionToken(c);
  const sessions = await srv.rt.db.query<{ token_hash: string }>(
    `SELECT s.token_hash FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'admin'`);
  assert.ok(sessions.length >= 1);
  for (const s of sessions) {
    assert.match(s.token_hash, /^[0-9a-f]{64}$/);
    assert.notEqual(s.token_hash, token);
  }
  assert.ok(sessions.some((s) => s.token_hash === sha256(token)), 'the session row holds the SHA-256 of the cookie value');

  const t = await c.post('/api/auth/tokens', { name: 'secret-scan' });
  assert.equal(t.status, 201, t.text);
  const [tokenRow] = await srv.rt.db.query<{ token_hash: string }>('SELECT token_hash FROM api_token WHERE id = $1', [t.body.id]);
  assert.equal(tokenRow!.token_hash, sha256(t.body.token));

  // What a copy of the database would give an attacker: scan every row of every table of the schema.
  const tables = await srv.rt.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  assert.ok(tables.some((x) => x.table_name === 'event') && tables.some((x) => x.table_name === 'app_user'));
  for (const { table_name } of tables) {
    for (const secret of [srv.demoPassword, token, t.body.token as string]) {
      const [hit] = await srv.rt.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM public."${table_name}" x WHERE strpos(x::text, $1) > 0`, [secret]);
      assert.equal(hit!.n, 0, `a secret is stored in clear in table ${table_name}`);
    }
  }
});

test('logout answers 204, clears the cookie and kills the session: the old cookie no longer authenticates', async () => {
  const c = await login('archivist');
  const other = await login('archivist'); // a second session of the same user
  const stolen = c.cookie!;
  const token = sessionToken(c);
  const probe = () => Object.assign(anon(), { cookie: stolen });
  assert.equal((await probe().get('/api/auth/me')).body.user?.username, 'archivist', 'the cookie works before logout');

  const out = await c.post('/api/auth/logout');
  assert.equal(out.status, 204);
  assert.equal(out.text, '');
  const cleared = cookieAttributes(out.headers.get('set-cookie'));
  assert.equal(cleared.dangan_session, '');
  assert.ok(cleared['max-age'] === '0' || Date.parse(cleared.expires ?? '') < Date.now(), 'the cookie is expired in the browser');
  assert.equal(c.cookie, undefined);
  const [n] = await srv.rt.db.query<{ n: number }>('SELECT count(*) AS n FROM user_session WHERE token_hash = $1', [sha256(token)]);
  assert.equal(n!.n, 0, 'the session row is deleted');

  // Replaying the old cookie (as a thief would) gets nothing.
  assert.deepEqual((await probe().get('/api/auth/me')).body, { user: null });
  assertError(await probe().req('POST', `/api/repositories/${ids.dz}/projects`, newProjectBody()), 401, 'auth.required', 'write with a dead cookie');
  assertError(await probe().post('/api/auth/tokens', { name: 'x' }), 401, 'auth.required', 'token with a dead cookie');
  assert.equal((await probe().get(`/api/volumes/${ids.restrictedVolume}`)).status, 404, 'reads fall back to the public view');

  // The user's other session lives on; logging out without a session is harmless.
  assert.equal((await other.get('/api/auth/me')).body.user?.username, 'archivist');
  assert.equal((await anon().post('/api/auth/logout')).status, 204);
});

test('an expired session or a disabled account stops authenticating at once', async () => {
  const admin = await login('admin');
  const created = await admin.post('/api/users', {
    username: 'temp-viewer', displayName: '临时查阅', role: 'viewer', repositoryId: ids.dz, password: 'temp-viewer-pass-1',
  });
  assert.equal(created.status, 201, created.text);
  const c = await anon().login('temp-viewer', 'temp-viewer-pass-1');
  const tok = await c.post('/api/auth/tokens', { name: 'tmp' });
  assert.equal(tok.status, 201);
  const bearer = new TestClient(srv.baseUrl, tok.body.token);
  assert.equal((await c.get('/api/auth/me')).body.user?.username, 'temp-viewer');
  assert.equal((await bearer.get('/api/auth/me')).body.user?.username, 'temp-viewer');

  await srv.rt.db.query('UPDATE app_user SET disabled = true WHERE username = $1', ['temp-viewer']);
  assert.deepEqual((await c.get('/api/auth/me')).body, { user: null });
  assertError(await bearer.get('/api/auth/me'), 401, 'auth.invalid_token', 'token of a disabled user');
  assertError(await anon().post('/api/auth/login', { username: 'temp-viewer', password: 'temp-viewer-pass-1' }), 401, 'auth.invalid_credentials', 'disabled login');

  await srv.rt.db.query('UPDATE app_user SET disabled = false WHERE username = $1', ['temp-viewer']);
  assert.equal((await c.get('/api/auth/me')).body.user?.username, 'temp-viewer');
  await srv.rt.db.query(`UPDATE user_session SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(sessionToken(c))]);
  assert.deepEqual((await c.get('/api/auth/me')).body, { user: null });
  await srv.rt.db.query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [tok.body.id]);
  assertError(await bearer.get('/api/auth/me'), 401, 'auth.invalid_token', 'expired token');
});

test('API tokens: a dgn_ Bearer token acts as its user until revoked; a bad Bearer is 401 even on public routes', async () => {
  const archivist = await login('archivist');
  assertError(await anon().post('/api/auth/tokens', { name: 'ERP' }), 401, 'auth.required', 'anonymous token');
  assertError(await archivist.post('/api/auth/tokens', { name: '' }), 400, 'request.invalid', 'empty name');

  const t0 = Date.now();
  const created = await archivist.post('/api/auth/tokens', { name: '业务系统对接' });
  assert.equal(created.status, 201, created.text);
  assert.match(created.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(created.body.token, /^dgn_[A-Za-z0-9_-]{43}$/);
  assert.ok(Math.abs(Date.parse(created.body.expiresAt) - (t0 + 365 * 86_400_000)) < 120_000, 'default lifetime 365 days');

  const bearer = new TestClient(srv.baseUrl, created.body.token);
  const me = await bearer.get('/api/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'archivist');
  assert.equal(me.body.user.role, 'archivist');
  // Reads like the archivist (a restricted volume the public cannot see) ...
  assert.equal((await anon().get(`/api/volumes/${ids.restrictedVolume}`)).status, 404);
  const vol = await bearer.get(`/api/volumes/${ids.restrictedVolume}`);
  assert.equal(vol.status, 200, vol.text);
  assert.equal(vol.body.volume.id, ids.restrictedVolume);
  // ... and writes like the archivist, under the archivist's name in the event chain.
  const p = await bearer.post(`/api/repositories/${ids.dz}/projects`, newProjectBody());
  assert.equal(p.status, 201, p.text);
  const ev = await archivist.get(`/api/events?subject=project:${p.body.id}`);
  assert.equal(ev.body.items.length, 1);
  assert.equal(ev.body.items[0].actor, 'user:archivist');
  // ... and no more than the archivist: not another repository, not the admin's routes.
  assertError(await bearer.post(`/api/repositories/${ids.qh}/projects`, newProjectBody()), 403, 'auth.cross_repository', 'token on a county');
  assertError(await bearer.get('/api/users'), 403, 'auth.forbidden', 'token on users');
  // ... and it cannot mint a longer-lived token for itself.
  assertError(await bearer.post('/api/auth/tokens', { name: 'forever', expiresInDays: null }), 403, 'identity.token_cannot_mint', 'token minting a token');

  // A bad Bearer is refused outright, even where anonymous access is allowed, and even with a good cookie.
  for (const path of ['/api/auth/me', '/healthz', '/api/repositories']) {
    assertError(await new TestClient(srv.baseUrl, 'dgn_not-a-real-token').get(path), 401, 'auth.invalid_token', `bad bearer ${path}`);
  }
  assertError(await new TestClient(srv.baseUrl, sessionToken(archivist)).get('/api/auth/me'), 401, 'auth.invalid_token', 'session secret as bearer');
  assertError(await anon().req('GET', '/api/auth/me', undefined, { authorization: 'Basic YWRtaW46eA==' }), 401, 'auth.invalid_token', 'basic auth');
  assertError(await archivist.req('GET', '/api/auth/me', undefined, { authorization: 'Bearer dgn_forged' }), 401, 'auth.invalid_token', 'bad bearer + good cookie');

  // Only its owner can revoke it.
  const viewer = await login('viewer');
  assertError(await viewer.req('DELETE', `/api/auth/tokens/${created.body.id}`), 404, 'identity.token_not_found', 'other user revokes');
  assert.equal((await bearer.get('/api/auth/me')).body.user.username, 'archivist');

  const del = await archivist.req('DELETE', `/api/auth/tokens/${created.body.id}`);
  assert.equal(del.status, 204, del.text);
  assertError(await bearer.get('/api/auth/me'), 401, 'auth.invalid_token', 'revoked token');
  assertError(await bearer.post(`/api/repositories/${ids.dz}/projects`, newProjectBody()), 401, 'auth.invalid_token', 'revoked token write');
  assertError(await archivist.req('DELETE', `/api/auth/tokens/${created.body.id}`), 404, 'identity.token_not_found', 'second revoke');
  const [row] = await srv.rt.db.query<{ revoked: boolean }>('SELECT revoked_at IS NOT NULL AS revoked FROM api_token WHERE id = $1', [created.body.id]);
  assert.equal(row!.revoked, true);
});

test('every /api route and /healthz must declare a policy, or the server refuses to start', async () => {
  /** Builds a bare server with the auth layer, lets `add` declare routes, and returns the start-up error if any. */
  async function startupError(add: (app: App) => void): Promise<Error | undefined> {
    const app = await createHttpServer({ logLevel: 'silent', bodyLimit: 1024 * 1024, version: 'test' });
    await registerAuth(app, srv.rt.db);
    try {
      add(app);
      await app.ready();
      return undefined;
    } catch (err) {
      return err as Error;
    } finally {
      await app.close().catch(() => undefined);
    }
  }
  const handler = async () => ({ ok: true });

  const none = await startupError((app) => app.get('/api/x', handler));
  assert.ok(none, 'a route without a policy must not start');
  assert.match(none.message, /route GET \/api\/x declares no access policy/);

  assert.match((await startupError((app) => app.post('/api/x/:id', { config: {} }, handler)))?.message ?? '', /POST \/api\/x\/:id declares no access policy/);
  assert.match((await startupError((app) => app.get('/healthz', handler)))?.message ?? '', /declares no access policy/);
  const unknown = await startupError((app) => app.get('/api/y', { config: { policy: 'everyone' as never } }, handler));
  assert.match(unknown?.message ?? '', /declares no access policy/, 'an unknown policy name counts as none');

  // With a policy it starts and the policy is enforced; non-API paths are static assets and need none.
  assert.equal(await startupError((app) => app.get('/api/ok', { config: { policy: 'public' } }, handler)), undefined);
  assert.equal(await startupError((app) => app.get('/favicon-x.svg', handler)), undefined);
  const app = await createHttpServer({ logLevel: 'silent', bodyLimit: 1024 * 1024, version: 'test' });
  await registerAuth(app, srv.rt.db);
  app.get('/api/open', { config: { policy: 'public' } }, handler);
  app.get('/api/admin-only', { config: { policy: 'users:manage' } }, handler);
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/api/open' })).statusCode, 200);
    const denied = await app.inject({ method: 'GET', url: '/api/admin-only' });
    assert.equal(denied.statusCode, 401);
    assert.equal(denied.json().code, 'auth.required');
  } finally {
    await app.close();
  }
});

test('user API: an admin manages users of its own repository only, with strong passwords and checked units', async () => {
  const admin = await login('admin');

  // Keyset paging with limit=2, followed to the end, yields exactly the DZ users, in name order.
  const seen: { username: string; repositoryId: string }[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const r: Res = await admin.get(`/api/users?limit=2${next ? `&after=${next}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= 2);
    for (const u of r.body.items) assert.ok(!('passwordHash' in u) && !('password_hash' in u));
    seen.push(...r.body.items);
    next = r.body.next;
    pages++;
  } while (next && pages < 50);
  const expected = await srv.rt.db.query<{ username: string }>('SELECT username FROM app_user WHERE repository_id = $1 ORDER BY username', [ids.dz]);
  assert.deepEqual(seen.map((u) => u.username), expected.map((u) => u.username));
  assert.ok(['admin', 'archivist', 'reviewer', 'submitter', 'viewer'].every((n) => seen.some((u) => u.username === n)));
  assert.ok(seen.every((u) => u.repositoryId === ids.dz));
  assert.ok(!seen.some((u) => u.username === 'county-archivist' || u.username === 'yucheng-archivist'));
  assert.equal(pages, Math.ceil(seen.length / 2));

  // Only admins, and only at home.
  const count = async () => (await srv.rt.db.query<{ n: number }>('SELECT count(*) AS n FROM app_user'))[0]!.n;
  const before = await count();
  const body = (over: Record<string, unknown>) => ({ username: 'new-user', displayName: '新用户', role: 'viewer', repositoryId: ids.dz, password: 'long-enough-pass', ...over });
  assertError(await admin.post('/api/users', body({ repositoryId: ids.qh })), 403, 'auth.cross_repository', 'admin into a county');
  const archivist = await login('archivist');
  assertError(await archivist.get('/api/users'), 403, 'auth.forbidden', 'archivist lists users');
  assertError(await archivist.post('/api/users', body({})), 403, 'auth.forbidden', 'archivist adds a user');
  assertError(await (await login('county-archivist')).get('/api/users'), 403, 'auth.forbidden', 'county archivist lists users');
  assertError(await anon().get('/api/users'), 401, 'auth.required', 'anonymous lists users');
  assertError(await admin.post('/api/users', body({ password: 'short1' })), 400, 'identity.weak_password', 'weak password');
  assertError(await admin.post('/api/users', body({ role: 'submitter' })), 400, 'identity.unit_uscc_invalid', 'submitter without USCC');
  assertError(await admin.post('/api/users', body({ role: 'submitter', unitUscc: '91350100M000100Y44' })), 400, 'identity.unit_uscc_invalid', 'bad check digit');
  assertError(await admin.post('/api/users', body({ role: 'submitter', unitUscc: '91350100M000100Y43', projectIds: [ids.qhProject] })), 400, 'identity.project_scope_invalid', 'county project');
  assertError(await admin.post('/api/users', body({ username: 'viewer' })), 409, 'identity.username_taken', 'duplicate');
  assertError(await admin.post('/api/users', body({ username: 'Bad Name' })), 400, 'request.invalid', 'bad user name');
  assertError(await admin.post('/api/users', body({ role: 'superuser' })), 400, 'request.invalid', 'bad role');
  assert.equal(await count(), before, 'no refused request created a user');

  // A valid submitter: created, recorded, and confined to its project.
  const ok = await admin.post('/api/users', body({ username: 'unit-clerk', role: 'submitter', unitUscc: '91350100M000100Y43', projectIds: [ids.dzProject] }));
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual({ ...ok.body, id: undefined }, {
    id: undefined, username: 'unit-clerk', displayName: '新用户', role: 'submitter', repositoryId: ids.dz, unitUscc: '91350100M000100Y43', disabled: false,
  });
  assert.equal(await count(), before + 1);
  const ev = await admin.get(`/api/events?subject=user:${ok.body.id}`);
  assert.equal(ev.body.items.length, 1);
  assert.equal(ev.body.items[0].action, 'user.created');
  assert.equal(ev.body.items[0].actor, 'user:admin');
  assert.ok(!JSON.stringify(ev.body.items[0].data).includes('long-enough-pass'));
  const clerk = await anon().login('unit-clerk', 'long-enough-pass');
  const projects = await clerk.get(`/api/repositories/${ids.dz}/projects`);
  assert.deepEqual(projects.body.items.map((p: { id: string }) => p.id), [ids.dzProject]);
  assert.equal((await clerk.get(`/api/projects/${ids.qhProject}`)).status, 404);
});

test('`dangan user add` creates a user with a printed generated password that signs in; an unknown repository exits 2', async () => {
  const env = { DATABASE_URL: srv.rt.db.url };
  const r = runCli(['user', 'add', '--username', 'clerk2', '--role', 'viewer', '--repository', 'DZ'], env);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const m = /user clerk2 \(viewer\) added; password: (\S+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const password = m[1]!;
  assert.ok(password.length >= 10, 'the generated password passes the password rule');

  const res = await anon().post('/api/auth/login', { username: 'clerk2', password });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.user.role, 'viewer');
  assert.equal(res.body.user.repository.code, 'DZ');
  assertError(await anon().post('/api/auth/login', { username: 'clerk2', password: srv.demoPassword }), 401, 'auth.invalid_credentials', 'other password');
  const [ev] = await srv.rt.db.query<{ actor: string }>(`SELECT actor FROM event WHERE action = 'user.created' AND data->>'username' = 'clerk2'`);
  assert.equal(ev?.actor, 'system:cli');

  const bad = runCli(['user', 'add', '--username', 'clerk3', '--role', 'viewer', '--repository', 'NO-SUCH'], env);
  assert.equal(bad.status, 2, `${bad.stdout}\n${bad.stderr}`);
  assert.match(bad.stderr, /no repository with code NO-SUCH/);
  const weak = runCli(['user', 'add', '--username', 'clerk4', '--role', 'viewer', '--repository', 'DZ', '--password', 'short'], env);
  assert.equal(weak.status, 1, `${weak.stdout}\n${weak.stderr}`);
  assert.match(weak.stderr, /identity\.weak_password/);
  const missing = runCli(['user', 'add', '--username', 'clerk5', '--role', 'wizard', '--repository', 'DZ'], env);
  assert.equal(missing.status, 2);
  const [n] = await srv.rt.db.query<{ n: number }>(`SELECT count(*) AS n FROM app_user WHERE username IN ('clerk3', 'clerk4', 'clerk5')`);
  assert.equal(n!.n, 0);
});
