// The Kubernetes Service behind a packet's path through kube-proxy: its name (rule comments such as
// `default/web:http cluster IP`, or nftables-mode chain names `service-HASH-ns/name/proto/port`), the
// cluster IP, the endpoint DNAT picked, with what chance (`-m statistic --probability`, the last KUBE-SEP
// taking the rest; `numgen random mod N vmap`), and whether the packet was marked for masquerade. Pure; no I/O.
import type { RuleIndex, RuleInfo } from '../model/ruleset.js';
import type { PacketInfo } from '../model/packet.js';
import type { KubeService, NatRewrite, TraceStep } from '../model/trace.js';
import { endpoint } from '../trace/address.js';
import { kubeText } from './describe.js';
import { ownerOf } from './owner.js';
import { commentOf, matchesOfText, ruleInfoOf } from './rule-info.js';

const SVC = /^KUBE-(?:SVC|SVL|EXT|FW)-/i;
const SEP = /^KUBE-SEP-/i;
/** nftables mode's service chains, with the hash kube-proxy puts in each of a service's chain names. */
const NFT_SVC = /^(?:service|external|firewall)-([A-Z0-9]+)-/;
const NFT_SEP = /^endpoint-[A-Z0-9]+-/;
const NFT_NAME =
  /^(?:service|external|firewall|endpoint)-[A-Z0-9]+-([^/]+)\/([^/]+)\/[^/]*\/([^_/]*?)(?:__(.+)\/(\d+))?$/;
const MASQ_CHAIN = /^(?:KUBE-MARK-MASQ|mark-for-masquerade)$/i;
const SERVICE_WORD = /^([a-z0-9][-a-z0-9.]*\/[a-z0-9][-a-z0-9.]*(?::[-a-z0-9]*)?)(?:\s|$)/i;
const NUMGEN = /numgen random mod (\d+)(?: offset \d+)? vmap \{([^}]*)\}/;
const PROBABILITY = /--probability\s+([0-9.]+)/;
const NFT_RANDOM = /meta random & 2147483647 < (\d+)/;

const isService = (s: TraceStep): boolean => SVC.test(s.chain) || (s.table === 'kube-proxy' && NFT_SVC.test(s.chain));
const isEndpointChain = (table: string, chain: string): boolean =>
  SEP.test(chain) || (table === 'kube-proxy' && NFT_SEP.test(chain));

/** What the Service of a packet derives from its steps and the ruleset alone, shared by every packet on the path. */
export interface KubePath {
  readonly service: string | null;
  readonly clusterIP: string | null;
  /** The endpoint chain the packet took, if any. */
  readonly sep: TraceStep | undefined;
  readonly index: RuleIndex | undefined;
  readonly probability: number | null;
  readonly endpoints: number | null;
  /** kube-proxy's rule for a service without endpoints (`has no endpoints`, or `has no local endpoints`) decided. */
  readonly noEndpoints: string | null;
  /**
   * Where the cluster IP is to be read per packet when no rule names it: the DNAT's original destination (a service
   * chain the services map sent it to), or the packet's destination (nftables mode's `no-endpoint-services` map).
   */
  readonly clusterIPFrom: 'dnat' | 'dst' | null;
  /** nftables mode: the no-endpoint map that decided, whose element for the packet names the service. */
  readonly noEndpointsMap: { readonly step: TraceStep; readonly name: string } | null;
  readonly masqueradeMark: boolean;
  /** Answers by the endpoint the packet's NAT shows (few per path; bounded). */
  readonly byEndpoint: Map<string | null, KubeAnswer>;
}

/** A packet's Service and the words for it. */
export interface KubeAnswer {
  readonly service: KubeService;
  readonly text: string;
}

/** The kube-proxy facts of a path, or null when it went through no kube-proxy service or endpoint chain. */
export function kubePath(steps: readonly TraceStep[], index: RuleIndex | undefined): KubePath | null {
  // Every service and endpoint chain is kube-proxy's: most traces stop here.
  if (!steps.some((s) => ownerOf(s) === 'kube-proxy')) return null;
  const svcAt = steps.findIndex(isService);
  const sepAt = steps.findIndex((s) => isEndpointChain(s.table, s.chain));
  const none = noEndpoints(steps, index);
  if (svcAt < 0 && sepAt < 0 && none === undefined) return null;
  const sep = steps[sepAt];
  const pick = sep === undefined ? undefined : pickStep(steps, sep);
  const share = pick === undefined ? null : chance(pick, index);
  const ip = (none === undefined ? null : dstHost(none.step, index)) ?? clusterIP(steps, index);
  return {
    service: serviceName(steps, index),
    clusterIP: ip,
    clusterIPFrom: ip !== null ? null : none?.map === 'services' ? 'dst' : viaPortal(steps, svcAt) ? 'dnat' : null,
    noEndpointsMap: none?.map === undefined ? null : { step: none.step, name: `no-endpoint-${none.map}` },
    sep,
    index,
    probability: share?.probability ?? null,
    endpoints: none !== undefined ? 0 : (share?.endpoints ?? null),
    noEndpoints: none?.words ?? null,
    masqueradeMark: steps.some(
      (s) =>
        MASQ_CHAIN.test(s.chain) || ((s.verdict === 'jump' || s.verdict === 'goto') && MASQ_CHAIN.test(s.target ?? '')),
    ),
    byEndpoint: new Map(),
  };
}

const MAX_ENDPOINTS = 64;

/**
 * The Service of one packet on that path (the endpoint comes from its NAT), with its words (kubeText). `packet`:
 * its headers as first seen, for what the path cannot say (a cluster IP no rule names, a no-endpoint map's element).
 */
export function kubeFor(path: KubePath, nat: readonly NatRewrite[], packet: PacketInfo = {}): KubeAnswer {
  const dst = packet.dst === undefined ? null : endpoint(packet.dst, packet.dport);
  const done =
    nat.find((n) => n.kind === 'dnat' && n.chain !== null && n.table !== null && isEndpointChain(n.table, n.chain)) ??
    // Kernel-log lines without a ruleset name no rule: the DNAT of a packet that went through an endpoint chain.
    (path.sep !== undefined ? nat.find((n) => n.kind === 'dnat' && n.chain === null) : undefined);
  const seen = done?.to ?? null;
  const portal = path.clusterIPFrom === 'dnat' ? (done?.from ?? null) : path.clusterIPFrom === 'dst' ? dst : null;
  const key = portal === null ? seen : `${seen ?? ''} ${portal}`;
  let answer = path.byEndpoint.get(key);
  if (answer === undefined) {
    const clusterIP = path.clusterIP ?? hostOfEndpoint(portal);
    const named = path.service ?? mapComment(path, packet);
    const service: KubeService = {
      service: named,
      clusterIP,
      endpoint: seen ?? endpointOfPath(path.sep, path.index),
      probability: path.probability,
      endpoints: path.endpoints,
      masqueradeMark: path.masqueradeMark,
    };
    const name =
      named !== null
        ? `service ${named}`
        : portal !== null && path.clusterIPFrom === 'dst'
          ? `the Kubernetes service at ${portal}`
          : 'a Kubernetes service';
    answer = { service, text: path.noEndpoints === null ? kubeText(service) : `${name} ${path.noEndpoints}` };
    if (path.byEndpoint.size >= MAX_ENDPOINTS) path.byEndpoint.clear();
    path.byEndpoint.set(key, answer);
  }
  return answer;
}

const NO_ENDPOINTS = /\bhas no (?:local )?endpoints\b/;
/** nftables mode's verdict maps of services without endpoints, which the trace shows taking a verdict. */
const NFT_NO_ENDPOINTS = /vmap @no-endpoint-(services|nodeports)\b/;

/**
 * The kube-proxy rule on the path commented `has no endpoints` / `has no local endpoints`, with those words; or, in
 * nftables mode, the lookup in `no-endpoint-services` / `no-endpoint-nodeports` that took a verdict (its elements
 * name the service in a comment the trace does not show).
 */
function noEndpoints(
  steps: readonly TraceStep[],
  index: RuleIndex | undefined,
): { readonly step: TraceStep; readonly words: string; readonly map?: 'services' | 'nodeports' } | undefined {
  for (const step of steps) {
    if (step.kind !== 'rule' || ownerOf(step) !== 'kube-proxy') continue;
    const words = NO_ENDPOINTS.exec(commentOf(step, ruleInfoOf(step, index)) ?? '')?.[0];
    if (words !== undefined) return { step, words };
    const map = step.verdict === 'continue' ? null : NFT_NO_ENDPOINTS.exec(step.rule?.text ?? '')?.[1];
    if (map === 'services') return { step, words: 'has no endpoints', map };
    if (map === 'nodeports') return { step, words: 'has no endpoints this node port can use', map };
  }
  return undefined;
}

/**
 * The comment of the no-endpoint map's element for this packet (`daddr . proto . dport` for services, `proto .
 * dport` for node ports): kube-proxy writes the service's name there.
 */
function mapComment(path: KubePath, p: PacketInfo): string | null {
  const m = path.noEndpointsMap;
  if (m === null || path.index === undefined || p.proto === undefined || p.dport === undefined) return null;
  const key =
    m.name === 'no-endpoint-services' ? [p.dst, String(p.proto), String(p.dport)] : [String(p.proto), String(p.dport)];
  const map = path.index.map(m.step.family, m.step.table, m.name);
  const hit = map?.elements.find((e) => e.key.length === key.length && e.key.every((k, i) => k === key[i]));
  return hit?.comment ?? null;
}

/** The first service chain on the path was reached from the cluster-IP dispatch (not a NodePort's external chain). */
function viaPortal(steps: readonly TraceStep[], svcAt: number): boolean {
  const svc = steps[svcAt];
  if (svc === undefined || !/^(?:service-|KUBE-SVC-)/.test(svc.chain)) return false;
  return !steps.slice(0, svcAt).some((s) => /^(?:external-|KUBE-EXT-|KUBE-NODEPORTS$)/.test(s.chain));
}

/** `10.96.0.10` of `10.96.0.10:80`, `fd00::1` of `[fd00::1]:80`. */
function hostOfEndpoint(ep: string | null): string | null {
  if (ep === null) return null;
  const v6 = /^\[(.+)\](?::\d+)?$/.exec(ep);
  if (v6?.[1] !== undefined) return v6[1];
  return ep.replace(/:\d+$/, '');
}

/** From an nftables-mode chain name, else from the first kube-proxy rule comment naming one. */
function serviceName(steps: readonly TraceStep[], index: RuleIndex | undefined): string | null {
  for (const s of steps) {
    const m = s.table === 'kube-proxy' ? NFT_NAME.exec(s.chain) : null;
    if (m !== null) return `${m[1]}/${m[2]}${m[3] === '' ? '' : `:${m[3]}`}`;
  }
  for (const s of steps) {
    if (!/^KUBE-/i.test(s.chain) && !/^KUBE-/i.test(s.target ?? '')) continue;
    const word = SERVICE_WORD.exec(commentOf(s, ruleInfoOf(s, index)) ?? '')?.[1];
    if (word !== undefined) return word.replace(/:$/, '');
  }
  return null;
}

/** The address in an nftables-mode endpoint chain's name, else the DNAT rule of the endpoint chain. */
function endpointOfPath(sep: TraceStep | undefined, index: RuleIndex | undefined): string | null {
  if (sep === undefined) return null;
  const m = sep.table === 'kube-proxy' ? NFT_NAME.exec(sep.chain) : null;
  if (m?.[4] !== undefined && m[5] !== undefined) return m[4].includes(':') ? `[${m[4]}]:${m[5]}` : `${m[4]}:${m[5]}`;
  const rules = index?.chain(sep.family, sep.table, sep.chain)?.rules ?? [];
  return rules.find((r) => r.nat?.kind === 'dnat')?.nat?.to ?? null;
}

/** The service-chain step that sent the packet to the endpoint chain. */
function pickStep(steps: readonly TraceStep[], sep: TraceStep): TraceStep | undefined {
  return steps.find((s) => isService(s) && (s.verdict === 'jump' || s.verdict === 'goto') && s.target === sep.chain);
}

/** The picked endpoint's share: nft numgen maps count keys; iptables statistic rules multiply down the chain. */
function chance(
  pick: TraceStep,
  index: RuleIndex | undefined,
): { probability: number | null; endpoints: number } | null {
  const numgen = NUMGEN.exec(pick.rule?.text ?? '');
  if (numgen?.[1] !== undefined && numgen[2] !== undefined) {
    const targets = numgen[2].split(',').map((e) => /:\s*(?:jump|goto)\s+(\S+)/.exec(e)?.[1]);
    const mod = Number(numgen[1]);
    const hits = targets.filter((t) => t === pick.target).length;
    return { probability: mod > 0 && hits > 0 ? round(hits / mod) : null, endpoints: new Set(targets).size };
  }
  const chain = index?.chain(pick.family, pick.table, pick.chain);
  if (chain === undefined) return null;
  const seps = chain.rules.filter(
    (r) => (r.action === 'jump' || r.action === 'goto') && isEndpointChain(r.table, r.target ?? ''),
  );
  // Session affinity adds a `-m recent --rcheck` rule per endpoint before the statistic ones: count chains, not rules.
  const endpoints = new Set(seps.map((r) => r.target)).size;
  let reach = 1;
  for (const r of seps) {
    const p = statistic(r);
    if (r.target === pick.target) return { probability: p === null ? null : round(reach * p), endpoints };
    if (p === null) return { probability: null, endpoints };
    reach *= 1 - p;
  }
  return { probability: null, endpoints };
}

/** A rule's `-m statistic --mode random --probability P` (or nft's translation); 1 without one; null if other. */
function statistic(r: RuleInfo): number | null {
  const ipt = PROBABILITY.exec(r.text);
  if (ipt?.[1] !== undefined) return Number(ipt[1]);
  const nft = NFT_RANDOM.exec(r.nftText ?? r.text);
  if (nft?.[1] !== undefined) return Number(nft[1]) / 2 ** 31;
  const unknown = (r.matches ?? []).some((m) => m.field === 'unknown');
  return unknown ? null : 1;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * The destination of the rule commented `cluster IP` (or, in nftables mode, of the service chain's first rule) of
 * the first service chain on the path that has one (a NodePort packet goes through KUBE-EXT-X, whose rules name no
 * cluster IP, then KUBE-SVC-X). kubePath looks first at a service's `has no endpoints` rule.
 */
function clusterIP(steps: readonly TraceStep[], index: RuleIndex | undefined): string | null {
  for (const svc of steps) {
    const ip = isService(svc) ? clusterIPOf(steps, svc, index) : null;
    if (ip !== null) return ip;
  }
  // nftables mode: the service-ips element that leads to the service chain of the same hash (a NodePort whose
  // external chain goes straight to an endpoint never meets the service chain).
  const svc = steps.find(isService);
  const hash = svc === undefined ? undefined : NFT_SVC.exec(svc.chain)?.[1];
  if (svc === undefined || hash === undefined || index === undefined) return null;
  const target = new RegExp(`^(?:goto|jump) service-${hash}-`);
  const element = index.map(svc.family, svc.table, 'service-ips')?.elements.find((e) => target.test(e.value));
  return element?.key[0] ?? null;
}

/** The single host a step's rule's destination condition names (`-d 10.96.0.10/32`), or null. */
function dstHost(s: TraceStep, index: RuleIndex | undefined): string | null {
  return hostOf(ruleInfoOf(s, index), s.rule?.text ?? '');
}

/** The single host of a rule's destination condition, from its parsed matches or else its text. */
function hostOf(info: RuleInfo | undefined, text: string): string | null {
  const dst = (info?.matches ?? matchesOfText(text)).find(
    (m) => m.field === 'dst' && !m.negate && m.values.length === 1,
  );
  return /^(.+)\/(?:32|128)$/.exec(dst?.values[0] ?? '')?.[1] ?? null;
}

function clusterIPOf(steps: readonly TraceStep[], svc: TraceStep, index: RuleIndex | undefined): string | null {
  const rules: { comment: string | null; text: string; info: RuleInfo | undefined; portal: boolean }[] = [];
  for (const s of steps) {
    if (s.target !== svc.chain && s !== svc) continue;
    const info = ruleInfoOf(s, index);
    // KUBE-SERVICES jumps to a KUBE-SVC- chain for the cluster IP only (external IPs go to KUBE-EXT-): this holds
    // when nft lists iptables-nft rules, which shows no comments.
    const portal = /^KUBE-SERVICES$/i.test(s.chain) && /^KUBE-SVC-/i.test(s.target ?? '');
    rules.push({ comment: commentOf(s, info), text: s.rule?.text ?? '', info, portal });
  }
  for (const r of index?.chain(svc.family, svc.table, svc.chain)?.rules ?? [])
    rules.push({ comment: r.comment, text: r.text, info: r, portal: false });
  // A packet that reached the service chain another way (a NodePort) still has its portal rule in the ruleset;
  // the service's other chains share its hash (externalTrafficPolicy Local: KUBE-EXT-X -> KUBE-SVL-X).
  const hash = /^KUBE-(?:SVC|SVL|EXT|FW)-(.+)$/i.exec(svc.chain)?.[1];
  if (hash !== undefined)
    for (const r of index?.chain(svc.family, svc.table, 'KUBE-SERVICES')?.rules ?? [])
      if (r.target === `KUBE-SVC-${hash}`) rules.push({ comment: r.comment, text: r.text, info: r, portal: true });
  const nftMode = svc.table === 'kube-proxy';
  for (const r of rules) {
    if (!nftMode && !r.portal && r.comment?.includes('cluster IP') !== true) continue;
    const host = hostOf(r.info, r.text);
    if (host !== null) return host;
  }
  return null;
}
