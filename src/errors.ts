// Errors a user can hit, as values with a message, a hint and an exit code (DESIGN.md "Exit codes").

export const EXIT = {
  ok: 0,
  runtime: 1,
  usage: 2,
  leftovers: 3,
  needsRoot: 77,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected failure: printed as one line (plus hint) on stderr, never as a stack trace. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ToolError';
  }
}

/** Bad command line, filter or input path: nothing was changed. */
export function usageError(message: string, hint?: string): ToolError {
  return new ToolError(message, EXIT.usage, hint);
}
