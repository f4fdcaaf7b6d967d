// The routing decision after prerouting, for a packet netfilter accepted there and never saw again:
// forwarding off, reverse-path filter, no route (or an unreachable / prohibit / blackhole one), a martian
// address, read from the kernel's own route lookup and the sysctls. Pure; no I/O.
import ipaddr from 'ipaddr.js';
import type { HostFinding } from '../model/host.js';
import type { HostFacts } from './facts.js';
import { ipv4ForwardingOn, rpFilterOf } from './facts.js';
import type { RouteAnswer, RouteQuery } from './route.js';
import type { RoutedPacket } from './route-packet.js';
import { cause, confKey, inPlace, place, rpMode, sysctlFix, warning } from './diagnose-text.js';

/** The kernel's answers for one packet. */
export interface RouteEvidence {
  readonly query: RouteQuery;
  /** `ip route get DST from SRC iif IIF`: the lookup the kernel made for the packet. */
  readonly input: RouteAnswer;
  /** `ip route get SRC`: the way back (rp_filter); asked only when the input lookup failed with EINVAL/EXDEV. */
  readonly reverse: RouteAnswer | null;
  /** `ip route get DST`: asked only on EINVAL (a blackhole route answers EINVAL too). */
  readonly output: RouteAnswer | null;
}

/** A finding and, when it is the cause, how the explanation leads into it (`LEAD: finding text`). */
export interface Found {
  readonly finding: HostFinding;
  /** null: the explanation keeps the trace's own sentence and adds the finding after it. */
  readonly lead: string | null;
}

export interface RouteCheck {
  readonly found: readonly Found[];
  /** True when the kernel's route lookup answered (so a kernel drop reason alone does not overrule it). */
  readonly answered: boolean;
  /** Where routing sends it when the lookup succeeded: the route type (`local`, `unicast`, `broadcast`...) and device. */
  readonly goes: { readonly type: string; readonly dev: string | null } | null;
}

export const AFTER_PREROUTING = 'accepted by netfilter in prerouting, then dropped by routing';
const AFTER = AFTER_PREROUTING;

export function checkRoute(
  p: RoutedPacket,
  facts: HostFacts | null,
  route: RouteEvidence | null,
  netns: string | null,
): RouteCheck {
  const at = place(netns);
  const answer = route?.input;
  const dst = p.dst ?? 'its destination';
  if (answer?.kind === 'route') {
    const goes = { type: answer.type, dev: answer.dev };
    // IPv6 looks the route up first and checks forwarding in ip6_forward(): the lookup succeeds.
    if (answer.type === 'unicast' && p.version === 6 && facts?.ipv6Forwarding === false)
      return { found: [forwardingOff(p, netns, null)], answered: true, goes };
    return { found: [], answered: true, goes };
  }
  if (answer?.kind === 'error' && route) {
    const msg = `ip route get: ${answer.message}`;
    const refused = (f: Found): RouteCheck => ({ found: [f], answered: true, goes: null });
    const where = inPlace(netns);
    switch (answer.errno) {
      case 'EXDEV':
        return refused(rpFilter(p, facts, route, netns));
      case 'EINVAL':
        return refused(invalid(p, facts, route, netns, msg));
      case 'EHOSTUNREACH':
        // With forwarding off the kernel answers EHOSTUNREACH for every destination that is not local.
        if (p.version === 4 && p.iif !== null && facts !== null && ipv4ForwardingOn(facts, p.iif) === false)
          return refused(forwardingOff(p, netns, facts));
        return refused(found(cause('route', `an unreachable route for ${dst} ${where} refuses it (${msg})`), AFTER));
      case 'ENETUNREACH':
        return refused(found(cause('route', `${at} has no route to ${dst} (${msg})`), AFTER));
      case 'EACCES':
        return refused(found(cause('route', `a prohibit route for ${dst} ${where} refuses it (${msg})`), AFTER));
      case 'OTHER':
        return refused(
          found(warning('route', `the route lookup ${where} refuses it (${msg}), and fwtrace cannot tell why`), AFTER),
        );
    }
  }
  // No answer from the kernel: the sysctls alone can still tell forwarding is off.
  if (facts !== null && p.iif !== null && p.dst !== null && facts.interfaces !== null && !facts.local.has(p.dst)) {
    const off = p.version === 4 ? ipv4ForwardingOn(facts, p.iif) === false : facts.ipv6Forwarding === false;
    if (off && !martian(p.dst, p.version))
      return { found: [forwardingOff(p, netns, facts)], answered: false, goes: null };
  }
  return { found: [], answered: false, goes: null };
}

/** The reverse-path filter, named from the kernel's drop reason alone (the lookup could not be made). */
export function rpFilterFromKernel(p: RoutedPacket, netns: string | null): Found {
  const on = p.iif === null ? '' : ` on ${p.iif}`;
  return found(
    cause(
      'rp_filter',
      `the reverse-path filter (rp_filter) of ${place(netns)} dropped it${on} (the kernel's drop reason is IP_RPFILTER)`,
    ),
    AFTER,
  );
}

function forwardingOff(p: RoutedPacket, netns: string | null, facts: HostFacts | null): Found {
  const to = p.dst ?? 'its destination';
  if (p.version === 6) {
    const key = 'net.ipv6.conf.all.forwarding';
    return found(
      cause(
        'ip_forward',
        `${key} is 0 ${inPlace(netns)}, so it does not forward this IPv6 packet to ${to}`,
        sysctlFix(netns, [`${key}=1`]),
      ),
      AFTER,
    );
  }
  // ip_forward=1 with one interface's forwarding off: name that interface's key.
  const iface = p.iif !== null && facts?.ipForward === true ? p.iif : null;
  const key = iface === null ? 'net.ipv4.ip_forward' : confKey('ipv4', iface, 'forwarding');
  const from = iface === null ? '' : ` from ${iface}`;
  return found(
    cause(
      'ip_forward',
      `${key} is 0 ${inPlace(netns)}, so it does not forward this packet${from} to ${to}`,
      sysctlFix(netns, [`${key}=1`]),
    ),
    AFTER,
  );
}

/** EINVAL: a blackhole route, a martian address, or the reverse-path filter (6.13+ answers EINVAL for it). */
function invalid(
  p: RoutedPacket,
  facts: HostFacts | null,
  route: RouteEvidence,
  netns: string | null,
  msg: string,
): Found {
  const at = place(netns);
  if (route.output?.kind === 'error' && route.output.errno === 'EINVAL')
    return found(
      cause('route', `a blackhole route for ${p.dst ?? 'its destination'} ${inPlace(netns)} drops it (${msg})`),
      AFTER,
    );
  const src = martianSource(p, facts);
  if (src !== null)
    return found(cause('route', `${at} drops it as a martian, because its source ${p.src} is ${src} (${msg})`), AFTER);
  const dstWhy = p.dst === null ? null : martianWhy(p.dst, p.version);
  if (dstWhy !== null && !(dstWhy === LOOPBACK && localnet(p, facts)))
    return found(
      cause('route', `${at} drops it as a martian, because its destination ${p.dst} cannot come from outside (${msg})`),
      AFTER,
    );
  const rp = p.iif !== null && facts !== null ? rpFilterOf(facts, p.iif) : null;
  if (rp !== null && rp.value > 0) return rpFilter(p, facts, route, netns);
  return found(
    warning(
      'route',
      `the route lookup ${inPlace(netns)} refuses it (${msg}) and rp_filter is ${rp === null ? 'unknown' : 'off'}, so fwtrace cannot tell why`,
    ),
    AFTER,
  );
}

function rpFilter(p: RoutedPacket, facts: HostFacts | null, route: RouteEvidence, netns: string | null): Found {
  const at = place(netns);
  const iif = p.iif ?? '?';
  const rp = facts !== null && p.iif !== null ? rpFilterOf(facts, p.iif) : null;
  const mode = rp === null ? 'rp_filter' : rpMode(rp.value);
  const back = route.reverse;
  if (back?.kind === 'route' && back.dev !== null && back.dev !== iif) {
    // Loose mode accepts a source with any route back; the kernel uses max(all, interface).
    const fix = sysctlFix(netns, [
      `${confKey('ipv4', 'all', 'rp_filter')}=2`,
      `${confKey('ipv4', iif, 'rp_filter')}=2`,
    ]);
    return found(
      cause(
        'rp_filter',
        `the reverse-path filter (${mode}) of ${at} dropped it on ${iif}, because the route back to ${p.src} leaves by ${back.dev}, not by ${iif} where it came in`,
        rp?.value === 1 ? fix : null,
      ),
      AFTER,
    );
  }
  if (back?.kind === 'error')
    return found(
      cause(
        'rp_filter',
        `the reverse-path filter (${mode}) of ${at} dropped it on ${iif}, because there is no route back to ${p.src}`,
      ),
      AFTER,
    );
  return found(
    cause(
      'rp_filter',
      `the reverse-path filter (${mode}) of ${at} dropped it on ${iif}, because it finds no route back to ${p.src} by ${iif}`,
    ),
    AFTER,
  );
}

/** Why the kernel calls this source martian, or null: loopback, unspecified, multicast, broadcast, or one of its own. */
function martianSource(p: RoutedPacket, facts: HostFacts | null): string | null {
  const why = martianWhy(p.src, p.version);
  if (why !== null && !(why === LOOPBACK && localnet(p, facts))) return why;
  if (facts !== null && facts.local.has(p.src) && p.iif !== null && facts.ipv4Conf.get(p.iif)?.acceptLocal !== true)
    return 'one of its own addresses';
  return null;
}

function martian(addr: string, version: 4 | 6): boolean {
  return martianWhy(addr, version) !== null;
}

/** net.ipv4.conf.{all,IIF}.route_localnet lets 127.0.0.0/8 in from outside. */
function localnet(p: RoutedPacket, facts: HostFacts | null): boolean {
  const on = (i: string): boolean => facts?.ipv4Conf.get(i)?.routeLocalnet === true;
  return p.version === 4 && (on('all') || (p.iif !== null && on(p.iif)));
}

const LOOPBACK = 'a loopback address';

function martianWhy(addr: string, version: 4 | 6): string | null {
  if (!ipaddr.isValid(addr)) return null;
  const range = ipaddr.parse(addr).range();
  if (range === 'loopback') return LOOPBACK;
  if (range === 'unspecified' || (version === 4 && addr.startsWith('0.'))) return 'unspecified';
  if (range === 'multicast') return 'a multicast address';
  if (range === 'broadcast') return 'the broadcast address';
  return null;
}

function found(finding: HostFinding, lead: string | null): Found {
  return { finding, lead };
}
