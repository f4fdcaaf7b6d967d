// The single-file build (scripts/bundle.js → dist/fwtrace.mjs) run alone in an empty directory with only
// `node`: help and version, replay output identical to the normal build, the hidden watchdog command it
// re-executes itself with, and the terminal UI (blessed's widgets and terminfo fallback are bundled).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tmux, hasTmux } from '../ui/tui/tmux.js';
import { REPO, SERVER_PATH, buildBundle, normalCli, runNormal, type Bundle } from './bundle-kit.js';

const CAP = join(REPO, 'test/fixtures/captures');
const REPLAYS = [
  ['nft/nft-monitor/kube-service.txt', '--rules', 'nft/rules/kube-service/rules.nft.json'],
  ['xtables/xtables-monitor/db-denied.txt', '--rules', 'xtables/rules/db-denied/rules.iptables-save'],
  ['legacy/kernlog/portforward.txt', '--rules', 'legacy/rules/portforward/rules.iptables-save'],
].map((args) => args.map((a) => (a.startsWith('--') ? a : join(CAP, a))));

const NORMAL = normalCli();
if (!NORMAL) console.warn('bundle vs normal build comparison skipped: dist/ is missing (npm run -s build)');
const TMUX = hasTmux();
if (!TMUX) console.warn('bundle TUI tests skipped: tmux is not installed');

let bundle: Bundle;

beforeAll(() => {
  bundle = buildBundle();
}, 60_000);

afterAll(() => bundle?.remove());

describe('dist/fwtrace.mjs alone, with only node', () => {
  it('is one executable file with a node shebang', () => {
    const text = readFileSync(bundle.file, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bundle.file).mode & 0o111).not.toBe(0);
    expect(text).toContain('---- blessed@0.1.81 (MIT)');
    expect(SERVER_PATH.split(':')).not.toContain(join(REPO, 'node_modules', '.bin'));
  });

  it('--help and --version work', () => {
    const help = bundle.run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: fwtrace/);
    for (const cmd of ['replay', 'cleanup', 'doctor']) expect(help.stdout).toContain(cmd);
    const version = bundle.run(['--version']);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('bad usage exits 2 with one line, as the normal build', () => {
    const r = bundle.run(['host 010.1.1.1', '--dry-run', '--backend', 'nft']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad filter at column 6/);
  });

  it.skipIf(!NORMAL).each(REPLAYS)('replay %s gives the same NDJSON as the normal build', (...args: string[]) => {
    const fromBundle = bundle.run(['replay', ...args, '--json']);
    const fromDist = runNormal(['replay', ...args, '--json']);
    expect(fromBundle.stderr).toBe('');
    expect(fromBundle.status).toBe(0);
    expect(fromDist.status).toBe(0);
    expect(fromBundle.stdout).toContain('"type":"trace"');
    expect(fromBundle.stdout).toBe(fromDist.stdout);
  });

  it('replay reads stdin', () => {
    const r = bundle.run(['replay', '-', '--json'], { input: 'trace id 0a0b0c0d inet filter input policy drop \n' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.split('\n')[0]!)).toMatchObject({ type: 'trace', verdict: { action: 'drop' } });
  });

  it('the watchdog command it re-executes itself with exists (returns at once without a state file)', () => {
    const r = bundle.run(['__watchdog', join(bundle.dir, 'no-such-state.json')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe.skipIf(!TMUX)('the terminal UI from the bundle', () => {
  const tmux = new Tmux(`fwtrace-bundle-${process.pid}`);
  afterAll(() => tmux.stop());

  // xterm-256color: the system's terminfo. An unknown TERM: blessed falls back to its own xterm entry,
  // which only the bundle's embedded copy can provide.
  it.each(['xterm-256color', 'fwtrace-no-such-terminal'])(
    'TERM=%s: draws the packet list, q quits with 0',
    async (term) => {
      const session = `s-${term}`;
      const capture = join(CAP, 'nft/nft-monitor/db-denied.txt');
      const env = `env -u NODE_PATH PATH='${SERVER_PATH}' TERM=${term} LANG=C.UTF-8`;
      tmux.start(
        session,
        100,
        30,
        `cd '${bundle.dir}' && ${env} node fwtrace.mjs replay '${capture}' --tui 2>err.txt; echo "EXIT=$?"; sleep 30`,
      );
      try {
        const screen = await tmux.waitFor(session, (s) => s.some((l) => /packets\s+1 of/.test(l)));
        expect(screen.join('\n')).toMatch(/packets\s+1 of/);
        expect(screen.join('\n')).toMatch(/DROP/);
        tmux.keys(session, ['q']);
        const after = await tmux.waitFor(session, (s) => s.some((l) => l.startsWith('EXIT=')));
        expect(after.find((l) => l.startsWith('EXIT='))).toBe('EXIT=0');
        expect(readFileSync(join(bundle.dir, 'err.txt'), 'utf8')).toBe('');
      } finally {
        tmux.kill(session);
      }
    },
  );
});
