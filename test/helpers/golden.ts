// Golden files: compare, or rewrite with UPDATE_GOLDEN=1 (the reviewer reads the diff).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/** Compares `actual` with the golden file at `path`; objects are stored as pretty JSON. */
export function expectGolden(path: string, actual: unknown): void {
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual, null, 2) + '\n';
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path)) {
    if (process.env['CI'] === '1' && !existsSync(path)) throw new Error(`missing golden ${path}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  expect(text).toBe(readFileSync(path, 'utf8'));
}
