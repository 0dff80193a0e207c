/** A tiny HTTP client for tests: real requests over loopback, one cookie jar per client. */
export type Res<T = any> = { status: number; body: T; headers: Headers; text: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

export class TestClient {
  cookie: string | undefined;
  constructor(readonly baseUrl: string, readonly bearer?: string) {}

  async req<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
    const set = res.headers.get('set-cookie');
    if (set) {
      const m = /^dangan_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `dangan_session=${m[1]}` : undefined;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  get<T = any>(path: string) { return this.req<T>('GET', path); } // eslint-disable-line @typescript-eslint/no-explicit-any
  post<T = any>(path: string, body?: unknown) { return this.req<T>('POST', path, body ?? {}); } // eslint-disable-line @typescript-eslint/no-explicit-any

  async login(username: string, password: string): Promise<this> {
    const r = await this.post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
    return this;
  }
}
