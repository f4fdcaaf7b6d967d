// Kernel-test helpers around scripts/lab: the same namespaces, policy and traffic that scripts/capture
// used to make test/fixtures/captures. Every lab gets a unique prefix; always call down() (in a finally
// or afterAll), it is idempotent.
//
//   const lab = labUp('nft');               // <prefix>-client, <prefix>-fw, <prefix>-server
//   try { lab.reset(); lab.traffic('db-denied'); ... run `fwtrace --netns ${lab.fwNetns}` ... }
//   finally { lab.down(); }
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type LabDialect = 'legacy' | 'xtables' | 'nft';
export type LabRole = 'client' | 'fw' | 'server';

export const LAB_SCRIPT = fileURLToPath(new URL('../../scripts/lab', import.meta.url));

let counter = 0;

/** A namespace prefix no other test run uses: fwt-<tag><pid>-<n>. */
export function uniquePrefix(tag = 't'): string {
  counter += 1;
  return `fwt-${tag}${process.pid}-${counter}`;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function run(args: string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync(LAB_SCRIPT, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env, FWT_LAB_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

export interface Lab {
  readonly prefix: string;
  readonly dialect: LabDialect;
  readonly clientNetns: string;
  readonly fwNetns: string;
  readonly serverNetns: string;
  /** Sends one scenario's packets (scripts/lab list); returns what the client saw, one line per attempt. */
  traffic(scenario: string): string;
  /** Forgets the fw's conntrack entries and SSH rate-limit state (scenarios then start from scratch). */
  reset(): void;
  /** Runs a command inside one of the lab's namespaces and returns its stdout. */
  exec(role: LabRole, argv: string[]): string;
  /** Removes the namespaces and their processes; idempotent. */
  down(): void;
}

export interface LabOptions {
  prefix?: string;
  /** FWT_LAB_* overrides (addresses, interface names): see scripts/lab.d/common.sh. */
  env?: NodeJS.ProcessEnv;
}

/** Builds a lab with the given firewall dialect (throws if `scripts/lab up` fails; it cleans up itself). */
export function labUp(dialect: LabDialect, options: LabOptions = {}): Lab {
  const prefix = options.prefix ?? uniquePrefix();
  const env = options.env;
  run(['up', dialect, '--prefix', prefix], env);
  return {
    prefix,
    dialect,
    clientNetns: `${prefix}-client`,
    fwNetns: `${prefix}-fw`,
    serverNetns: `${prefix}-server`,
    traffic: (scenario) => run(['traffic', scenario, '--prefix', prefix], env),
    reset: () => {
      run(['reset', '--prefix', prefix], env);
    },
    exec: (role, argv) => run(['exec', role, '--prefix', prefix, '--', ...argv], env),
    down: () => {
      run(['down', '--prefix', prefix], env);
    },
  };
}

/** The scenario names, in `scripts/lab list` order. */
export function labScenarios(): string[] {
  return run(['list'])
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(/\s+/)[0] ?? '');
}
