// The capture oracle (test/fixtures/captures/expect.json, format in its README) and how a trace is
// matched against it. Shared by the replay of the recorded captures (test/trace/captures.test.ts) and
// the live kernel tests (test/kernel), which check the NDJSON `trace` records of real runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Where a verdict or a rewrite was decided, in one rule dialect. */
export interface Where {
  readonly family?: string;
  readonly table: string;
  readonly chain: string;
  readonly position?: number | null;
  readonly rule: string | null;
  readonly kernlog?: string;
}

export interface ExpectedPacket {
  readonly match: Readonly<Record<string, unknown>> & { readonly firstHook: string };
  readonly nth: number;
  readonly verdict: {
    readonly action: string;
    readonly hook: string;
    readonly by: string;
    readonly iptables: Where;
    readonly nft: Where;
  };
  readonly nat:
    | null
    | readonly {
        readonly hook: string;
        readonly kind: string;
        readonly from: string;
        readonly to: string | readonly string[];
        readonly iptables: Where | readonly Where[];
        readonly nft: Where | readonly Where[];
      }[];
}

export interface Oracle {
  readonly ruleDialect: Readonly<Record<string, 'iptables' | 'nft'>>;
  readonly scenarios: Readonly<
    Record<string, { readonly summary: string; readonly packets: readonly ExpectedPacket[] }>
  >;
}

/** Which rule text a dialect's traces carry: iptables-save syntax (legacy, xtables) or nft syntax. */
export type RuleStyle = 'iptables' | 'nft';

export const ORACLE_PATH = fileURLToPath(new URL('../fixtures/captures/expect.json', import.meta.url));

export function loadOracle(): Oracle {
  return JSON.parse(readFileSync(ORACLE_PATH, 'utf8')) as Oracle;
}

/**
 * What the matching needs of a trace: the model's `Trace` (replay) and an NDJSON `trace` record (live)
 * both fit. NDJSON writes `null` where the model has `undefined`.
 */
export interface TraceView {
  readonly packet: object;
  readonly steps: readonly { readonly hook: string }[];
  readonly verdict: {
    readonly action: string;
    readonly hook: string | null;
    readonly table: string | null;
    readonly chain: string | null;
    readonly by: string | null;
    readonly rule: { readonly position: number | null; readonly text: string | null } | null;
  };
  readonly nat: readonly {
    readonly hook: string;
    readonly kind: string;
    readonly from: string;
    readonly to: string | null;
    readonly chain: string | null;
    readonly rule: { readonly text: string | null } | null;
  }[];
}

/**
 * The hook where the packet entered: its first step's, when that is an entry hook. A live run hides its
 * own table's steps, so a packet no other prerouting chain saw starts at forward or input: it came in
 * from an interface (prerouting); a locally generated one has no input interface (output).
 */
function entryHook(t: TraceView): string | undefined {
  const first = t.steps[0]?.hook;
  if (first === 'prerouting' || first === 'output') return first;
  const iif = (t.packet as { iif?: string | null }).iif;
  return iif === undefined || iif === null || iif === '' ? 'output' : 'prerouting';
}

/** True when the trace's first-seen packet has every field of `match` (README of the captures, step 2). */
export function matchesPacket(t: TraceView, m: ExpectedPacket['match']): boolean {
  const p = t.packet as Record<string, unknown>;
  for (const [k, v] of Object.entries(m)) {
    if (k === 'firstHook') {
      if (entryHook(t) !== v) return false;
    } else if (k === 'tcpFlags') {
      if (
        JSON.stringify([...((p[k] as string[] | null | undefined) ?? [])].sort()) !==
        JSON.stringify([...(v as string[])].sort())
      )
        return false;
    } else if (k === 'proto' && (p[k] === undefined || p[k] === null)) {
      // xtables-monitor's PACKET line names no protocol for non-TCP packets; no matched rule said either.
      continue;
    } else if (p[k] !== v) return false;
  }
  return true;
}

/** The `nth` trace (in order) whose packet matches, or undefined. */
export function findExpected<T extends TraceView>(traces: readonly T[], p: ExpectedPacket): T | undefined {
  return traces.filter((x) => matchesPacket(x, p.match))[p.nth];
}

const endpointMatches = (actual: string | null, want: string): boolean =>
  actual !== null && (want.endsWith(':*') ? actual.startsWith(want.slice(0, -1)) : actual === want);

/**
 * Asserts verdict (action, hook, by, deciding table and chain), the deciding rule (position for the
 * iptables style, text) and every NAT rewrite with the rule that did it (README steps 3-5).
 */
export function expectLikeOracle(t: TraceView | undefined, p: ExpectedPacket, style: RuleStyle, context = ''): void {
  expect(t, `the packet ${JSON.stringify(p.match)} #${p.nth} is traced${context ? `; ${context}` : ''}`).toBeDefined();
  const trace = t!;
  const want = style === 'iptables' ? p.verdict.iptables : p.verdict.nft;
  expect(trace.verdict).toMatchObject({
    action: p.verdict.action,
    hook: p.verdict.hook,
    by: p.verdict.by,
    table: want.table,
    chain: want.chain,
  });
  if (p.verdict.by === 'rule') {
    if (style === 'iptables') expect(trace.verdict.rule?.position).toBe(want.position);
    expect(trace.verdict.rule?.text).toBe(want.rule);
  }
  if (p.nat === null) return; // not asserted by the oracle
  expect(trace.nat).toHaveLength(p.nat.length);
  for (const n of p.nat) {
    const got = trace.nat.find((x) => x.hook === n.hook && x.kind === n.kind);
    expect(got, `${n.kind} in ${n.hook}`).toBeDefined();
    expect(got!.from).toBe(n.from);
    const tos: readonly string[] = typeof n.to === 'string' ? [n.to] : n.to;
    // MASQUERADE's new address is never shown by the kernel after the last hook (docs/ndjson.md).
    if (!(n.kind === 'masquerade' && got!.to === null))
      expect(
        tos.some((w) => endpointMatches(got!.to, w)),
        `to ${got!.to}`,
      ).toBe(true);
    const rules: readonly Where[] = [style === 'iptables' ? n.iptables : n.nft].flat();
    expect(
      rules.some((r) => r.chain === got!.chain && r.rule === got!.rule?.text),
      `nat rule ${got!.chain}: ${got!.rule?.text}`,
    ).toBe(true);
  }
}
