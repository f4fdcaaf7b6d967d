// Reading the user's input files: traces as a byte stream, rulesets whole. '-' is stdin.
import { open, readFile, stat } from 'node:fs/promises';
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

const CHUNK = 1 << 20;

/**
 * Chunks of a file (or stdin), up to 1 MiB at a time. A file is read into two buffers in turn, the next chunk while
 * the caller works on this one: a chunk is valid until the next one is asked for (a new buffer per chunk costs
 * allocation and garbage at 160 MB/s).
 */
export async function* openChunks(path: string): AsyncGenerator<Buffer | string> {
  if (path === '-') {
    for await (const chunk of process.stdin) yield chunk as Buffer | string;
    return;
  }
  const file = await open(path, 'r').catch((e: unknown) => {
    throw readError(path, e);
  });
  let current = Buffer.allocUnsafe(CHUNK);
  let spare = Buffer.allocUnsafe(CHUNK);
  const read = (b: Buffer): Promise<number> =>
    file.read(b, 0, CHUNK, null).then(
      (r) => r.bytesRead,
      (e: unknown) => {
        throw readError(path, e);
      },
    );
  let next = read(current);
  try {
    for (;;) {
      const bytes = await next;
      if (bytes === 0) return;
      const chunk = current.subarray(0, bytes);
      [current, spare] = [spare, current];
      next = read(current);
      yield chunk;
    }
  } finally {
    // A read still under way (the caller stopped early) must end before the file is closed.
    await next.catch(() => undefined);
    await file.close();
  }
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
