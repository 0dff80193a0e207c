import { useEffect } from 'react';
import { navigate, type Route } from './routes.ts';

/** Replaces the current history entry with `to`. */
export function Redirect({ to }: { to: Route }) {
  useEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}
