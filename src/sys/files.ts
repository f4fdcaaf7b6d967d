// Reading the user's input files: traces as a byte stream, rulesets whole. '-' is stdin.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ToolError, EXIT } from '../errors.js';

/** Fails early with a clear message when a path cannot be read (before anything is printed). */
export async function checkReadable(path: string): Promise<void> {
  if (path === '-') return;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new ToolError(`cannot read ${path}: it is a directory`, EXIT.usage);
  } catch (e) {
    if (e instanceof ToolError) throw e;
    throw readError(path, e);
  }
}

/** Chunks of a file (or stdin), 1 MiB at a time. */
export function openChunks(path: string): AsyncIterable<Buffer | string> {
  if (path === '-') return process.stdin;
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/** A whole text file (rulesets: `nft -j list ruleset` is one long line). */
export async function readText(path: string): Promise<string> {
  try {
    if (path === '-') {
      const parts: Buffer[] = [];
      for await (const c of process.stdin) parts.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
      return Buffer.concat(parts).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (e) {
    throw readError(path, e);
  }
}

/** Turns an fs error into the one-line message a user sees. */
export function readError(path: string, e: unknown): ToolError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : ((e as Error | undefined)?.message ?? String(e));
  return new ToolError(`cannot read ${path}: ${why}`, EXIT.usage);
}
