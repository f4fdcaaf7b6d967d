// How a CommandSpec is executed (netns wrapper) and shown to people (shell quoting, display only).
import type { CommandSpec } from '../model/command.js';

export type { CommandSpec };

/** The argv actually executed, with the netns wrapper when there is one. */
export function fullArgv(cmd: CommandSpec): string[] {
  return cmd.netns ? ['ip', 'netns', 'exec', cmd.netns, ...cmd.argv] : [...cmd.argv];
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Shell-quoted text of a command, for people to read or paste (--dry-run, cleanup hints); never executed. */
export function displayCommand(cmd: CommandSpec): string {
  const text = fullArgv(cmd)
    .map((a) => (SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(' ');
  if (cmd.stdin === undefined) return text;
  return `${text} <<'EOF'\n${cmd.stdin.trimEnd()}\nEOF`;
}
