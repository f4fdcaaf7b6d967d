// The Vagrant lab without VMs: three network namespaces shaped like the three machines Vagrant makes
// (eth0 = the management link with the default route, eth1/eth2 = the private networks with the first
// address Vagrant assigns), the files of vagrant/files.txt staged as the Vagrantfile uploads them, and
// vagrant/provision/provision.sh run inside each namespace in its simulation mode (FWT_LAB_EXPECT_NETNS
// instead of the hostname, FWT_VM_ROOT as install prefix, no apt, no systemd). Root only; down() removes
// the namespaces, their processes and the temp directory.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnv } from '../bundle/bundle-kit.js';
import { readManifest } from './manifest.js';

export type Role = 'client' | 'fw' | 'server';
const ROLES: readonly Role[] = ['client', 'fw', 'server'];
const REPO = fileURLToPath(new URL('../../', import.meta.url));

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface Sim {
  readonly prefix: string;
  ns(role: Role): string;
  /** The machine's install prefix (its /usr/local/bin/fwtrace is under it). */
  root(role: Role): string;
  provision(role: Role, env?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  /** Runs argv inside a machine's namespace with the server environment. */
  run(role: Role, argv: readonly string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  /** The `fwtrace-lab` command the provisioning installed on a machine. */
  lab(role: Role, args: readonly string[]): SpawnSyncReturns<string>;
  down(): void;
}

export function simUp(prefix: string, bundleFile: string): Sim {
  const dir = mkdtempSync(join(tmpdir(), 'fwtrace-vagrant-sim-'));
  const ns = (r: Role): string => `${prefix}-${r}`;
  const root = (r: Role): string => join(dir, `root-${r}`);
  for (const e of readManifest()) {
    const dest = join(dir, 'src', e.dest);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(e.path === 'dist/fwtrace.mjs' ? bundleFile : join(REPO, e.path), dest);
  }
  const sim: Sim = {
    prefix,
    ns,
    root,
    provision: (role, env = {}) =>
      sim.run(role, ['bash', join(dir, 'src', 'provision', 'provision.sh'), role], {
        FWT_LAB_VM: '1',
        FWT_LAB_EXPECT_NETNS: ns(role),
        FWT_VM_ROOT: root(role),
        FWT_VM_SRC: join(dir, 'src'),
        FWT_VM_NO_SYSTEMD: '1',
        FWT_VM_NO_APT: '1',
        ...env,
      }),
    run: (role, argv, env = {}) =>
      spawnSync('ip', ['netns', 'exec', ns(role), ...argv], { encoding: 'utf8', env: serverEnv(env), timeout: 60_000 }),
    lab: (role, args) => sim.run(role, [join(root(role), 'usr/local/bin/fwtrace-lab'), ...args]),
    down: () => {
      for (const r of ROLES) {
        const pids = spawnSync('ip', ['netns', 'pids', ns(r)], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean);
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // Gone already.
          }
        }
        spawnSync('ip', ['netns', 'del', ns(r)], { stdio: 'ignore' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const r of ROLES) {
      ip(['netns', 'add', ns(r)]);
      ip(['-n', ns(r), 'link', 'set', 'lo', 'up']);
      // The management link: a veth whose peer stays in the same namespace, with the default route.
      ip(['link', 'add', 'eth0', 'netns', ns(r), 'type', 'veth', 'peer', 'name', 'mgmt-peer', 'netns', ns(r)]);
      ip(['-n', ns(r), 'addr', 'add', '198.51.100.15/24', 'dev', 'eth0']);
      ip(['-n', ns(r), 'link', 'set', 'mgmt-peer', 'up']);
      ip(['-n', ns(r), 'link', 'set', 'eth0', 'up']);
      ip(['-n', ns(r), 'route', 'add', 'default', 'via', '198.51.100.2']);
    }
    ip(['link', 'add', 'eth1', 'netns', ns('client'), 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ns('fw')]);
    ip(['link', 'add', 'eth2', 'netns', ns('fw'), 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ns('server')]);
    const addrs: [Role, string, string][] = [
      ['client', 'eth1', '10.66.1.2/24'],
      ['fw', 'eth1', '10.66.1.1/24'],
      ['fw', 'eth2', '10.66.2.1/24'],
      ['server', 'eth1', '10.66.2.2/24'],
    ];
    for (const [r, dev, addr] of addrs) {
      ip(['-n', ns(r), 'addr', 'add', addr, 'dev', dev]);
      ip(['-n', ns(r), 'link', 'set', dev, 'up']);
    }
  } catch (e) {
    sim.down();
    throw e;
  }
  return sim;
}
