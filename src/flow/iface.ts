// Interface names for -i/-o: what the kernel's dev_valid_name() accepts, narrowed to a safe alphabet, with
// iptables' trailing `+` prefix wildcard. Pure; no I/O.
import type { Result } from '../model/common.js';
import { quote } from './flow-error.js';

/** IFNAMSIZ - 1: the kernel's limit in bytes, without the terminating NUL. */
export const IFNAME_MAX = 15;

/** Letters, digits, `.`, `-`, `_`: every real interface name, and nothing nft or a shell would interpret. */
const SAFE = /^[A-Za-z0-9._-]$/;

/** The name, unchanged, or the offset of the problem in it and why. */
export function validateIface(name: string): Result<string, { position: number; detail: string }> {
  if (name === '') return fail(0, 'the interface name is empty');
  const wildcard = name.endsWith('+');
  const base = wildcard ? name.slice(0, -1) : name;
  if (base === '') return fail(0, 'a lone "+" matches every interface; leave the option out instead');
  let position = 0;
  for (const char of base) {
    if (!SAFE.test(char)) return fail(position, charProblem(char));
    position += char.length;
  }
  if (base.startsWith('-')) return fail(0, 'an interface name cannot start with "-"');
  if (base === '.' || base === '..') return fail(0, `${quote(base)} is not a valid interface name`);
  if (base.length > IFNAME_MAX) return fail(IFNAME_MAX, `the name is longer than ${IFNAME_MAX} characters`);
  return { ok: true, value: name };
}

function charProblem(char: string): string {
  if (char === '+') return '"+" is only allowed at the end, as a wildcard (eth+)';
  if (char === '/' || char === ':' || /\s/.test(char))
    return `the kernel does not allow ${quote(char)} in interface names`;
  return `${quote(char)} is not allowed (use letters, digits, ".", "-", "_", and a trailing "+" as a wildcard)`;
}

function fail(position: number, detail: string): { ok: false; error: { position: number; detail: string } } {
  return { ok: false, error: { position, detail } };
}
