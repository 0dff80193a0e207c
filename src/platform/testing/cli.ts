import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/** The environment for a child process of a test, without the test runner's own markers (they change exit codes). */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Runs the real `dangan` command line from source, as a separate process. */
export function runCli(args: string[], env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/dev.ts', ...args], {
    env: childEnv({ LOG_LEVEL: 'silent', ...env }),
    encoding: 'utf8',
    timeout: 120_000,
  });
}
