import type { ReactNode } from 'react';
import { href, type Route } from './routes.ts';

export function Link({ to, children, testId }: { to: Route; children: ReactNode; testId?: string }) {
  return (
    <a href={href(to)} data-testid={testId}>
      {children}
    </a>
  );
}
