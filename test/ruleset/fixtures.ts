// Paths and readers for the ruleset fixtures (test/fixtures/ruleset).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/ruleset/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

export function goldenPath(name: string): string {
  return `${FIXTURES}golden/${name}.snapshot.json`;
}
