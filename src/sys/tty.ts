// The controlling terminal as a keyboard, for the TUI when stdin carries data (`fwtrace replay - --tui`).
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { ToolError, EXIT } from '../errors.js';

export function openTty(): ReadStream {
  try {
    return new ReadStream(openSync('/dev/tty', 'r'));
  } catch {
    throw new ToolError(
      '--tui with traces on stdin needs a terminal for the keys (/dev/tty)',
      EXIT.usage,
      'use --plain or --json, or give the traces as a file',
    );
  }
}
