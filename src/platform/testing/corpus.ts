import { join } from 'node:path';
import { projectRoot } from '../paths.ts';

/** The shared test corpus (read-only), beside the repository as in CI: `<repo>/../shared/corpus`. */
export const CORPUS = process.env.DANGAN_CORPUS ?? join(projectRoot(), '..', 'shared', 'corpus');
export const corpus = (...parts: string[]) => join(CORPUS, ...parts);
