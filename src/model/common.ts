// Shared vocabulary of every stage. Types only.

/** Which reader produced a line: `nft monitor trace`, `xtables-monitor --trace`, or a kernel-log TRACE line. */
export type Dialect = 'nft' | 'xtables' | 'kernlog';

/** nftables table family (legacy iptables is `ip`, ip6tables `ip6`). */
export type Family = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

/** Netfilter hook, lower case as in NDJSON. */
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress' | 'unknown';

/** What one step (rule, policy, return) did to the packet. */
export type StepVerdict =
  'continue' | 'accept' | 'drop' | 'reject' | 'jump' | 'goto' | 'return' | 'queue' | 'stolen' | 'break' | 'unknown';

/** The packet's final netfilter verdict. */
export type FinalAction = 'accept' | 'drop' | 'reject' | 'queue' | 'stolen' | 'unknown';

/** A value or a reason, for expected failures (wireit's Result). */
export type Result<T, E = string> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };
