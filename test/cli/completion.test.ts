// `fwtrace completion bash|zsh` on the built CLI: the scripts load in the real shells, register for
// `fwtrace`, and complete subcommands, options, backend names, `--netns` names (a real namespace when
// root), files and filter keywords. zsh is driven in a tmux pane, as a person would press TAB.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { completionModel } from '../../src/cli/completion.js';
import { Tmux, hasTmux } from '../ui/tui/tmux.js';
import { BIN, runCli } from './run-cli.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const HAS_ZSH = has('zsh');
const HAS_SHELLCHECK = has('shellcheck');
const ROOT = process.getuid?.() === 0 && has('ip');
if (!HAS_ZSH) console.warn('zsh completion tests skipped: zsh is not installed (apt-get install zsh)');
if (!HAS_SHELLCHECK) console.warn('shellcheck of the bash completion skipped: shellcheck is not installed');

// A PATH with `fwtrace` on it (the built CLI), as after `npm link`.
const tmp = mkdtempSync(join(tmpdir(), 'fwtrace-completion-'));
mkdirSync(join(tmp, 'bin'));
symlinkSync(BIN, join(tmp, 'bin', 'fwtrace'));
const PATH = `${join(tmp, 'bin')}:${process.env['PATH'] ?? ''}`;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Loads the bash script and calls its completion function as bash would for `words` (last = current). */
function bashComplete(words: string[]): string[] {
  const script = `source <(fwtrace completion bash)
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
_fwtrace fwtrace "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', script, 'bash', ...words], {
    encoding: 'utf8',
    env: { ...process.env, PATH },
    cwd: tmp,
  });
  return out.split('\n').filter(Boolean);
}

describe('completion model', () => {
  it('lists the visible subcommands with their options, never the hidden watchdog', () => {
    const m = completionModel(buildProgram());
    expect(m.commands.map((c) => c.name)).toEqual(['trace', 'replay', 'cleanup', 'doctor', 'completion']);
    const trace = m.commands.find((c) => c.name === 'trace')!;
    expect(trace.options.find((o) => o.flags.includes('--backend'))?.choices).toEqual([
      'auto',
      'nft',
      'xtables',
      'legacy',
    ]);
    expect(trace.options.find((o) => o.flags.includes('--netns'))?.value).toBe('netns');
    expect(m.commands.find((c) => c.name === 'replay')!.options.find((o) => o.flags.includes('--rules'))?.repeat).toBe(
      true,
    );
  });
});

describe('fwtrace completion bash', () => {
  it('registers for fwtrace in bash', () => {
    const out = execFileSync('bash', ['-c', 'source <(fwtrace completion bash) && complete -p fwtrace'], {
      encoding: 'utf8',
      env: { ...process.env, PATH },
    });
    expect(out.trim()).toBe('complete -F _fwtrace fwtrace');
  });

  it.skipIf(!HAS_SHELLCHECK)('is shellcheck-clean', () => {
    const file = join(tmp, 'fwtrace.bash');
    writeFileSync(file, runCli(['completion', 'bash']).stdout);
    const r = spawnSync('shellcheck', ['-s', 'bash', file], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('completes subcommands, options, backend names and choices', () => {
    expect(bashComplete(['fwtrace', 're'])).toEqual(['replay']);
    expect(bashComplete(['fwtrace', '--back'])).toEqual(['--backend']);
    expect(bashComplete(['fwtrace', '--backend', ''])).toEqual(['auto', 'nft', 'xtables', 'legacy']);
    expect(bashComplete(['fwtrace', 'replay', '--format', 'k'])).toEqual(['kernlog']);
    expect(bashComplete(['fwtrace', 'doctor', '--'])).toEqual(['--netns', '--help']);
    expect(bashComplete(['fwtrace', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(bashComplete(['fwtrace', '--count', ''])).toEqual([]);
  });

  it('completes the last word of a quoted filter with tcpdump keywords', () => {
    expect(bashComplete(['fwtrace', 'tcp po'])).toEqual(['tcp port', 'tcp portrange']);
    expect(bashComplete(['fwtrace', 'trace', 'host 10.0.0.1 a'])).toEqual(['host 10.0.0.1 and']);
  });

  it('completes files for replay and --rules, interfaces for -i', () => {
    writeFileSync(join(tmp, 'kern.log'), '');
    expect(bashComplete(['fwtrace', 'replay', 'kern'])).toEqual(['kern.log']);
    expect(bashComplete(['fwtrace', 'replay', 'x', '--rules', 'ker'])).toEqual(['kern.log']);
    expect(bashComplete(['fwtrace', '-i', 'l'])).toContain('lo');
  });

  it.skipIf(!ROOT)('completes --netns with the names `ip netns list` shows', () => {
    const ns = `fwt-comp${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      expect(bashComplete(['fwtrace', '--netns', `fwt-comp${process.pid}`])).toEqual([ns]);
      expect(bashComplete(['fwtrace', 'cleanup', '--netns', `fwt-comp${process.pid}`])).toEqual([ns]);
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });

  it('an unknown shell is bad usage (exit 2)', () => {
    const r = runCli(['completion', 'fish']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown shell "fish"/);
  });
});

describe.skipIf(!HAS_ZSH)('fwtrace completion zsh', () => {
  it('parses and registers _fwtrace for fwtrace after compinit', () => {
    const r = spawnSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -d '${tmp}/zcompdump' && source <(fwtrace completion zsh) && print -r -- $_comps[fwtrace]`,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, PATH },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('_fwtrace');
  });

  describe.skipIf(!hasTmux())('in an interactive zsh (tmux)', () => {
    const tmux = new Tmux(`fwtrace-zsh-${process.pid}`);
    afterAll(() => tmux.stop());

    it('TAB completes backend names, subcommands and filter keywords', async () => {
      tmux.start('z', 100, 20, `env PATH='${PATH}' HOME='${tmp}' zsh -f`);
      try {
        tmux.keys('z', [
          `autoload -U compinit && compinit -u -d '${tmp}/zcompdump' && source <(fwtrace completion zsh) && clear`,
          'Enter',
        ]);
        await tmux.waitFor('z', (s) => s.filter((l) => l.trim() !== '').length === 1);
        tmux.keys('z', ['fwtrace --backend ', 'Tab']);
        const choices = await tmux.waitFor('z', (s) => s.some((l) => /auto\s+legacy\s+nft\s+xtables/.test(l)));
        expect(choices.join('\n')).toMatch(/auto\s+legacy\s+nft\s+xtables/);
        tmux.keys('z', ['C-u', 'fwtrace repl', 'Tab']);
        expect((await tmux.waitFor('z', (s) => s.some((l) => l.includes('fwtrace replay')))).join('\n')).toContain(
          'fwtrace replay',
        );
        tmux.keys('z', ['C-u', "fwtrace 'tcp portr", 'Tab']);
        expect((await tmux.waitFor('z', (s) => s.some((l) => l.includes("'tcp portrange")))).join('\n')).toContain(
          "'tcp portrange",
        );
      } finally {
        tmux.kill('z');
      }
    }, 30_000);
  });
});
