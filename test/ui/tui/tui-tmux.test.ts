// End to end in a real terminal: the built CLI's `replay --tui` in tmux, driven with keys as a person would.
// Skipped, with the reason printed, until `fwtrace replay --help` lists --tui (the CLI wiring is the lead's).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTmux, Tmux } from './tmux.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/fwtrace.js');
const CAPTURE = join(ROOT, 'test/fixtures/captures/legacy/kernlog/kube-service.txt');
const RULES = join(ROOT, 'test/fixtures/captures/legacy/rules/kube-service/rules.iptables-save');

function skipReason(): string | null {
  if (!hasTmux()) return 'tmux is not installed';
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) return 'the CLI is not built (npm run build)';
  const help = spawnSync(process.execPath, [BIN, 'replay', '--help'], { encoding: 'utf8' });
  if (!`${help.stdout}`.includes('--tui')) return '`fwtrace replay --help` does not list --tui yet';
  return null;
}

const reason = skipReason();
if (reason) console.info(`tmux end-to-end TUI test skipped: ${reason}`);

const tmux = new Tmux(`fwtrace-e2e-${process.pid}`);
const dir = mkdtempSync(join(tmpdir(), 'fwtrace-tui-e2e-'));
let n = 0;
afterAll(() => {
  tmux.stop();
  rmSync(dir, { recursive: true, force: true });
});

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `replay --tui` in a 100x30 pane; the exit code lands in a file, then the pane lingers to be read. */
function launch(term: string): { session: string; exitFile: string } {
  const session = `tui${++n}`;
  const exitFile = join(dir, `${session}.exit`);
  const cmd = `cd ${q(ROOT)} && TERM=${term} LANG=C.UTF-8 ${q(process.execPath)} ${q(BIN)} replay ${q(CAPTURE)} --rules ${q(RULES)} --tui; echo EXIT=$? > ${q(exitFile)}; sleep 5`;
  tmux.start(session, 100, 30, cmd);
  return { session, exitFile };
}

async function exitCode(file: string): Promise<string> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8').trim();
      if (text) return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'no exit';
}

const rows = (s: string[]): string[] => s.filter((l) => /(ACCEPT|DROP)\s*$/.test(l));
const selected = (s: string[]): string => s.find((l) => l.startsWith('▶ ')) ?? '';

describe.skipIf(reason !== null)('replay --tui in tmux (100x30)', () => {
  it('shows packets and verdicts; j moves, ? helps, / filters, q exits 0', { timeout: 60_000 }, async () => {
    const { session, exitFile } = launch('tmux-256color');
    try {
      let s = await tmux.waitFor(session, (x) => rows(x).length >= 5 && x.join('\n').includes('PREROUTING'));
      expect(rows(s).length).toBeGreaterThanOrEqual(5);
      expect(s.join('\n')).toMatch(/packets {2}1 of \d+/);
      expect(selected(s)).toMatch(/^▶ +1 fw-c -> fw-s .* ACCEPT\s*$/);
      if (process.env['FWTRACE_TUI_CAPTURE']) console.info(`--- capture 100x30 ---\n${s.join('\n')}`);

      tmux.keys(session, ['j']);
      s = await tmux.waitFor(session, (x) => /^▶ +2 /.test(selected(x)));
      expect(selected(s)).toMatch(/^▶ +2 /);

      tmux.keys(session, ['?']);
      s = await tmux.waitFor(session, (x) => x.join('\n').includes('fwtrace keys'));
      expect(s.join('\n')).toContain('fwtrace keys');
      tmux.keys(session, ['Escape']);
      s = await tmux.waitFor(session, (x) => !x.join('\n').includes('fwtrace keys'));

      tmux.keys(session, ['/']);
      tmux.keys(session, ['45706'], true);
      tmux.keys(session, ['Enter']);
      s = await tmux.waitFor(session, (x) => x.join('\n').includes('filter "45706"'));
      expect(rows(s).length).toBeGreaterThan(0);
      expect(rows(s).every((l) => l.includes('45706'))).toBe(true);

      tmux.keys(session, ['q']);
      expect(await exitCode(exitFile)).toBe('EXIT=0');
      s = await tmux.waitFor(session, (x) => !x.join('\n').includes('packets'));
      expect(s.join('\n')).not.toMatch(/Error|undefined|\[\?1049/);
    } finally {
      tmux.kill(session);
    }
  });

  it('TERM=screen-256color: no terminfo error text, before or after', { timeout: 60_000 }, async () => {
    const { session, exitFile } = launch('screen-256color');
    try {
      const s = await tmux.waitFor(session, (x) => rows(x).length >= 5);
      expect(rows(s).length).toBeGreaterThanOrEqual(5);
      expect(s.join('\n')).not.toMatch(/Error on|plab_norm|Setulc|\bvar v\b/);
      tmux.keys(session, ['C-c']);
      expect(await exitCode(exitFile)).toBe('EXIT=0');
      const after = await tmux.waitFor(session, (x) => !x.join('\n').includes('packets'));
      expect(after.join('\n')).not.toMatch(/Error|plab_norm/);
    } finally {
      tmux.kill(session);
    }
  });
});
