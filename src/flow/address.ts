// Strict address and network validation for `host` and `net`: four-part decimal IPv4 without leading zeros,
// IPv6 without zone ids, decimal prefix lengths in range, no host bits. Pure; no I/O.
import ipaddr from 'ipaddr.js';
import type { Result } from '../model/common.js';
import type { FlowCidr } from '../model/flow.js';
import { addressBits, networkAddress } from './cidr.js';
import { quote } from './flow-error.js';

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** A single address, normalised (IPv6 compressed, lower case), or why it is not one. */
export function parseAddress(text: string): Result<{ version: 4 | 6; address: string }, string> {
  if (text.includes('%')) return fail(`${quote(text)}: IPv6 zone ids are not supported`);
  if (text.includes(':')) {
    // ipaddr.js reads the dotted tail of `::ffff:1.2.3.4` loosely (octal, hex): check it strictly too.
    const tail = text.slice(text.lastIndexOf(':') + 1);
    const tailOk = !tail.includes('.') || ipaddr.IPv4.isValidFourPartDecimal(tail);
    if (!tailOk || !ipaddr.IPv6.isValid(text)) return fail(`${quote(text)} is not an IPv6 address`);
    return { ok: true, value: { version: 6, address: ipaddr.IPv6.parse(text).toRFC5952String() } };
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { ok: true, value: { version: 4, address: text } };
  if (/^[0-9.]+$/.test(text)) {
    const why = /(?:^|\.)0[0-9]/.test(text) ? ' (leading zeros are not allowed)' : '';
    return fail(`${quote(text)} is not an IPv4 address${why}`);
  }
  return fail(`${quote(text)} is not an IPv4 or IPv6 address (host names are not resolved)`);
}

/** `host ADDR`: one address, as a full-length network. */
export function parseHost(text: string): Result<FlowCidr, string> {
  if (text.includes('/')) return fail(`${quote(text)} is a network; use "net ${text}"`);
  const addr = parseAddress(text);
  if (!addr.ok) return addr;
  return { ok: true, value: { ...addr.value, prefix: addressBits(addr.value.version) } };
}

/** `net ADDR[/LEN]`: a network whose host bits are clear (as tcpdump demands); no prefix means one address. */
export function parseNet(text: string): Result<FlowCidr, string> {
  const slash = text.indexOf('/');
  if (slash < 0) return parseHost(text);
  const addr = parseAddress(text.slice(0, slash));
  if (!addr.ok) return addr;
  const { version, address } = addr.value;
  const lengthText = text.slice(slash + 1);
  const max = addressBits(version);
  if (!DECIMAL.test(lengthText) || Number(lengthText) > max) {
    return fail(`${quote(text)}: the prefix length must be a number from 0 to ${max}`);
  }
  const prefix = Number(lengthText);
  const network = networkAddress(version, address, prefix);
  if (network !== address) return fail(`${quote(text)} has host bits set; did you mean "${network}/${prefix}"?`);
  return { ok: true, value: { version, address, prefix } };
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
