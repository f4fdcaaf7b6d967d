// Ports for `port` and `portrange`: decimal 0-65535 without sign or leading zeros, or one of a few service
// names. Pure; no I/O.
import type { Result } from '../model/common.js';
import type { PortRange } from '../model/flow.js';
import { quote } from './flow-error.js';

/** The only service names accepted; a fixed table so the result never depends on /etc/services. */
export const SERVICES: ReadonlyMap<string, number> = new Map([
  ['ssh', 22],
  ['smtp', 25],
  ['dns', 53],
  ['domain', 53],
  ['http', 80],
  ['ntp', 123],
  ['https', 443],
  ['mysql', 3306],
  ['postgres', 5432],
  ['postgresql', 5432],
]);

/** A port number or known service name. */
export function parsePort(text: string): Result<number, string> {
  if (/^[0-9]+$/.test(text)) {
    if (text.length > 1 && text.startsWith('0')) return fail(`${quote(text)} is not a port (no leading zeros)`);
    const n = Number(text);
    return n <= 65535 ? { ok: true, value: n } : fail(`${quote(text)} is not a port (0 to 65535)`);
  }
  const service = SERVICES.get(text);
  if (service !== undefined) return { ok: true, value: service };
  if (/^-[0-9]+$/.test(text)) return fail(`${quote(text)} is not a port (0 to 65535)`);
  if (/^[0-9]+-[0-9]+$/.test(text)) return fail(`${quote(text)} is not a port; use "portrange ${text}"`);
  const names = [...SERVICES.keys()].join(', ');
  return fail(`${quote(text)} is not a port number or a known service (${names})`);
}

/** `N-M` with N <= M, each side a port or service name. */
export function parsePortRange(text: string): Result<PortRange, string> {
  const parts = text.split('-');
  const [fromText, toText] = parts;
  if (parts.length !== 2 || fromText === undefined || toText === undefined || fromText === '' || toText === '') {
    return fail(`${quote(text)} is not a port range (write N-M, e.g. 1000-2000)`);
  }
  const from = parsePort(fromText);
  if (!from.ok) return from;
  const to = parsePort(toText);
  if (!to.ok) return to;
  if (from.value > to.value) return fail(`${quote(text)}: the first port is above the last`);
  return { ok: true, value: { from: from.value, to: to.value } };
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
