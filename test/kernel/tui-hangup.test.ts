// The live TUI over a terminal that goes away (an SSH session dropped = SIGHUP): the trace rules are gone
// within seconds and the ruleset is as before. Driven in a real terminal (tmux), as a person would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { labUp, uniquePrefix, type Lab } from '../lab/lab.js';
import { Tmux } from '../ui/tui/tmux.js';
import { announceSkip, CLI, inNetns, rulesetSnapshot, stateFiles, traffic, waitUntil } from './kit.js';

const skip = announceSkip() || !hasTmux();

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    console.warn('tui hang-up test skipped: tmux is not installed');
    return false;
  }
}

describe.skipIf(skip)('live TUI, terminal hung up', () => {
  let lab: Lab;
  const tmux = new Tmux(`fwt-tui-${process.pid}`);
  const session = 'live';

  beforeAll(() => {
    lab = labUp('nft', { prefix: uniquePrefix('h') });
  }, 120_000);

  afterAll(() => {
    tmux.stop();
    lab?.down();
  });

  it('shows the drop live, then a hang-up removes the trace table within seconds', async () => {
    const before = rulesetSnapshot(lab.fwNetns);
    const statesBefore = stateFiles().length;
    tmux.start(
      session,
      100,
      30,
      `TERM=xterm-256color node ${CLI} 'tcp port 5432' --netns ${lab.fwNetns} --backend nft --tui`,
    );
    const tables = (): string => inNetns(lab.fwNetns, ['nft', 'list', 'tables']);
    expect(await waitUntil(() => tables().includes('fwtrace_'), 15_000)).toBe(true);
    await traffic(lab, 'db-denied');
    const screen = await tmux.waitFor(session, (s) => s.join('\n').includes('DROP'), 10_000);
    expect(screen.join('\n')).toContain('10.66.1.2');
    expect(screen.join('\n')).not.toMatch(/undefined|NaN|\[object Object\]/);
    // Killing the tmux session closes the pty: the process gets SIGHUP, as when SSH drops.
    tmux.kill(session);
    expect(await waitUntil(() => !tables().includes('fwtrace_'), 5_000)).toBe(true);
    expect(await waitUntil(() => stateFiles().length === statesBefore, 5_000)).toBe(true);
    expect(rulesetSnapshot(lab.fwNetns)).toBe(before);
  }, 60_000);
});
