import type { ReadScope } from '../identity/index.ts';

/** Collects positional parameters while a query is assembled, so fragments never interpolate values. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * Tenant, project, classification and open/restricted filters, written once and applied inside every
 * catalog query (never afterwards in code, so counts and pages cannot leak what a role may not see).
 */
export function repoFilter(scope: ReadScope, p: SqlParams, col: string): string {
  return scope.repositoryIds === 'any' ? 'TRUE' : `${col} = ANY(${p.add(scope.repositoryIds)}::uuid[])`;
}

export function volumeFilter(scope: ReadScope, p: SqlParams, v: string): string {
  const parts = [repoFilter(scope, p, `${v}.repository_id`), `${v}.classification = ANY(${p.add(scope.classifications)}::text[])`];
  if (scope.openOnly) parts.push(`${v}.access = 'open'`);
  if (scope.projectIds !== null) parts.push(`${v}.project_id = ANY(${p.add(scope.projectIds)}::uuid[])`);
  return parts.join(' AND ');
}

/** A project is visible when its tenant/project scope allows it and, for the public, it has an open volume. */
export function projectFilter(scope: ReadScope, p: SqlParams, pr: string): string {
  const parts = [repoFilter(scope, p, `${pr}.repository_id`)];
  if (scope.projectIds !== null) parts.push(`${pr}.id = ANY(${p.add(scope.projectIds)}::uuid[])`);
  if (scope.openOnly) {
    parts.push(`EXISTS (SELECT 1 FROM volume ov WHERE ov.project_id = ${pr}.id AND ov.access = 'open' AND ov.classification = 'none')`);
  }
  return parts.join(' AND ');
}
