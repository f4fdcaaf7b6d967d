// Helpers of the single-file build tests: build dist/fwtrace.mjs's twin into a temp dir with the real
// `scripts/bundle.js`, copy ONLY that file into an empty directory, and run it the way a server would:
// plain `node`, PATH reduced to node's directory plus the system directories, no NODE_PATH, cwd = that dir.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLER = join(REPO, 'scripts', 'bundle.js');

/** PATH of a bare server: where node is, and the system directories. */
export const SERVER_PATH = `${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`;

/** The environment a bundle runs with: this one minus NODE_PATH and npm's variables, PATH reduced. */
export function serverEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_PATH' || k.startsWith('npm_') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, PATH: SERVER_PATH, NO_COLOR: '1', ...extra };
}

export interface Bundle {
  /** The empty directory that holds only fwtrace.mjs. */
  readonly dir: string;
  /** Absolute path of the copied bundle. */
  readonly file: string;
  /** Runs `node fwtrace.mjs ...args` in `dir` with the server environment. */
  run(args: readonly string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string>;
  remove(): void;
}

/** Builds the bundle (scripts/bundle.js) and copies it alone into a fresh temp directory. */
export function buildBundle(): Bundle {
  const staging = mkdtempSync(join(tmpdir(), 'fwtrace-bundle-build-'));
  const dir = mkdtempSync(join(tmpdir(), 'fwtrace-bundle-run-'));
  try {
    const built = join(staging, 'fwtrace.mjs');
    execFileSync(process.execPath, [BUNDLER, '--outfile', built, '--quiet'], { cwd: REPO, stdio: 'pipe' });
    copyFileSync(built, join(dir, 'fwtrace.mjs'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const file = join(dir, 'fwtrace.mjs');
  return {
    dir,
    file,
    run: (args, opts = {}) =>
      spawnSync(process.execPath, [file, ...args], {
        cwd: dir,
        encoding: 'utf8',
        input: opts.input ?? '',
        env: serverEnv(opts.env),
        maxBuffer: 256 * 1024 * 1024,
        timeout: 60_000,
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The normal build (bin/fwtrace.js → dist/), or null when dist/ has not been built. */
export function normalCli(): string | null {
  const bin = join(REPO, 'bin', 'fwtrace.js');
  return existsSync(join(REPO, 'dist', 'cli', 'main.js')) ? bin : null;
}

export function runNormal(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(REPO, 'bin', 'fwtrace.js'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
}
