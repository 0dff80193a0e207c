import { api } from './client.ts';
import type { Repository } from './types.ts';

// The API has no GET /api/repositories/:id, so names for headings and breadcrumbs come from
// the (short) repository list, fetched once per session and cleared on login/logout.
const MAX_PAGES = 10;
let cached: Promise<Map<string, Repository>> | null = null;

async function loadAll(): Promise<Map<string, Repository>> {
  const all = new Map<string, Repository>();
  let after: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await api.repositories({ limit: 200, after });
    for (const r of page.items) all.set(r.id, r);
    if (!page.next) break;
    after = page.next;
  }
  return all;
}

export function findRepository(id: string): Promise<Repository | null> {
  if (!cached) {
    cached = loadAll();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached.then((all) => all.get(id) ?? null);
}

export function clearRepositoryCache(): void {
  cached = null;
}
