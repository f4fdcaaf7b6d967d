// nft's symbolic ICMP / ICMPv6 type and code names (proto.c symbol tables) → numbers.
// Pure; no I/O.
import { parseNum } from './num.js';

const ICMP_TYPES = new Map<string, number>([
  ['echo-reply', 0],
  ['destination-unreachable', 3],
  ['source-quench', 4],
  ['redirect', 5],
  ['echo-request', 8],
  ['router-advertisement', 9],
  ['router-solicitation', 10],
  ['time-exceeded', 11],
  ['parameter-problem', 12],
  ['timestamp-request', 13],
  ['timestamp-reply', 14],
  ['info-request', 15],
  ['info-reply', 16],
  ['address-mask-request', 17],
  ['address-mask-reply', 18],
]);

const ICMP_CODES = new Map<string, number>([
  ['net-unreachable', 0],
  ['host-unreachable', 1],
  ['prot-unreachable', 2],
  ['port-unreachable', 3],
  ['frag-needed', 4],
  ['net-prohibited', 9],
  ['host-prohibited', 10],
  ['admin-prohibited', 13],
]);

const ICMPV6_TYPES = new Map<string, number>([
  ['destination-unreachable', 1],
  ['packet-too-big', 2],
  ['time-exceeded', 3],
  ['parameter-problem', 4],
  ['echo-request', 128],
  ['echo-reply', 129],
  ['mld-listener-query', 130],
  ['mld-listener-report', 131],
  ['mld-listener-done', 132],
  ['mld-listener-reduction', 132],
  ['nd-router-solicit', 133],
  ['nd-router-advert', 134],
  ['nd-neighbor-solicit', 135],
  ['nd-neighbor-advert', 136],
  ['nd-redirect', 137],
  ['router-renumbering', 138],
  ['ind-neighbor-solicit', 141],
  ['ind-neighbor-advert', 142],
  ['mld2-listener-report', 143],
]);

const ICMPV6_CODES = new Map<string, number>([
  ['no-route', 0],
  ['admin-prohibited', 1],
  ['addr-unreachable', 3],
  ['port-unreachable', 4],
  ['policy-fail', 5],
  ['reject-route', 6],
]);

/** Type name or number; -1 when unknown. */
export function icmpTypeOf(text: string, v6: boolean): number {
  return (v6 ? ICMPV6_TYPES : ICMP_TYPES).get(text) ?? parseNum(text, 0, text.length);
}

/** Code name or number; -1 when unknown. */
export function icmpCodeOf(text: string, v6: boolean): number {
  return (v6 ? ICMPV6_CODES : ICMP_CODES).get(text) ?? parseNum(text, 0, text.length);
}
