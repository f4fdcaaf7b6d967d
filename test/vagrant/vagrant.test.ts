// The Vagrant lab's static checks: `vagrant validate` of vagrant/Vagrantfile (with the default settings,
// another dialect, a bundle not built yet, a bad dialect), shellcheck of its provisioning scripts and of
// the lab scripts they share, and vagrant/files.txt naming files that exist. Skipped, with the reason
// printed, where vagrant or shellcheck is not installed (scripts/test installs both).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readManifest } from './manifest.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const VAGRANT_DIR = join(REPO, 'vagrant');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const HAS_VAGRANT = has('vagrant');
const HAS_SHELLCHECK = has('shellcheck');
if (!HAS_VAGRANT) console.warn('vagrant validate skipped: vagrant is not installed (apt-get install vagrant)');
if (!HAS_SHELLCHECK) console.warn('shellcheck of the Vagrant provisioning skipped: shellcheck is not installed');

function validate(env: NodeJS.ProcessEnv = {}): { status: number | null; out: string } {
  // --ignore-provider: neither VirtualBox nor libvirt needs to be installed to check the Vagrantfile.
  const r = spawnSync('vagrant', ['validate', '--ignore-provider'], {
    cwd: VAGRANT_DIR,
    encoding: 'utf8',
    env: { ...process.env, VAGRANT_CHECKPOINT_DISABLE: '1', VAGRANT_NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('vagrant/files.txt', () => {
  it('names files that exist (the bundle is built by npm run bundle)', () => {
    const entries = readManifest();
    expect(entries.length).toBeGreaterThan(8);
    for (const e of entries)
      if (e.path !== 'dist/fwtrace.mjs') expect(existsSync(join(REPO, e.path)), e.path).toBe(true);
    const provision = readdirSync(join(VAGRANT_DIR, 'provision')).map((f) => `vagrant/provision/${f}`);
    for (const f of provision) expect(entries.map((e) => e.path)).toContain(f);
  });
});

describe.skipIf(!HAS_VAGRANT)('vagrant validate', () => {
  it.each([
    {},
    { FWTRACE_DIALECT: 'legacy' },
    { FWTRACE_DIALECT: 'xtables', FWTRACE_BUNDLE: '/nonexistent/fwtrace.mjs' },
  ])(
    'the Vagrantfile validates with %o',
    (env) => {
      const r = validate(env);
      expect(r.out).toContain('Vagrantfile validated successfully');
      expect(r.status).toBe(0);
    },
    120_000,
  );

  it('a bad FWTRACE_DIALECT is refused with the allowed names', () => {
    const r = validate({ FWTRACE_DIALECT: 'pf' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('FWTRACE_DIALECT must be nft, xtables or legacy');
  }, 120_000);
});

describe.skipIf(!HAS_SHELLCHECK)('shellcheck', () => {
  it('the provisioning scripts and the lab scripts they share are clean', () => {
    const files = [
      ...readdirSync(join(VAGRANT_DIR, 'provision')).map((f) => join(VAGRANT_DIR, 'provision', f)),
      join(REPO, 'scripts', 'lab'),
    ];
    const r = spawnSync('shellcheck', ['-x', ...files], { cwd: REPO, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
