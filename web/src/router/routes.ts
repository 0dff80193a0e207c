// A tiny hash router: `#/login`, `#/browse`, `#/repositories/:id`, `#/projects/:id`,
// `#/unit-projects/:id`, `#/volumes/:id`, `#/storage`, `#/submissions`, `#/submissions/:projectId` and `#/checks/:id`.

export type Route =
  | { name: 'root' }
  | { name: 'login' }
  | { name: 'browse' }
  | { name: 'storage' }
  | { name: 'submissions'; projectId?: string }
  | { name: 'repository'; id: string }
  | { name: 'project'; id: string }
  | { name: 'unitProject'; id: string }
  | { name: 'volume'; id: string }
  | { name: 'check'; id: string }
  | { name: 'notFound'; path: string };

type ById = 'repository' | 'project' | 'unitProject' | 'volume' | 'check';

const byId: Record<string, ById> = {
  repositories: 'repository',
  projects: 'project',
  'unit-projects': 'unitProject',
  volumes: 'volume',
  checks: 'check',
};

const segmentOf: Record<ById, string> = {
  repository: 'repositories',
  project: 'projects',
  unitProject: 'unit-projects',
  volume: 'volumes',
  check: 'checks',
};

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  if (path === '' || path === '/') return { name: 'root' };
  if (path === '/login') return { name: 'login' };
  if (path === '/browse') return { name: 'browse' };
  if (path === '/storage') return { name: 'storage' };
  if (path === '/submissions') return { name: 'submissions' };
  const m = /^\/([a-z-]+)\/([^/]+)$/.exec(path);
  if (m && m[1] === 'submissions' && m[2] !== undefined) {
    let projectId = m[2];
    try {
      projectId = decodeURIComponent(projectId);
    } catch {
      // keep it as written
    }
    return { name: 'submissions', projectId };
  }
  if (m && m[1] !== undefined && m[2] !== undefined) {
    const name = byId[m[1]];
    if (name) {
      let id = m[2];
      try {
        id = decodeURIComponent(id);
      } catch {
        // keep it as written
      }
      return { name, id };
    }
  }
  return { name: 'notFound', path };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'root':
      return '#/';
    case 'login':
      return '#/login';
    case 'browse':
      return '#/browse';
    case 'storage':
      return '#/storage';
    case 'submissions':
      return route.projectId ? `#/submissions/${encodeURIComponent(route.projectId)}` : '#/submissions';
    case 'notFound':
      return `#${route.path}`;
    default:
      return `#/${segmentOf[route.name]}/${encodeURIComponent(route.id)}`;
  }
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const target = href(route);
  if (options.replace) window.location.replace(target);
  else window.location.hash = target;
}
