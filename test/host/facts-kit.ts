// Host facts for the diagnose tests: the recorded router/server outputs, with the settings a case needs.
import { readFileSync } from 'node:fs';
import type { RouteEvidence } from '../../src/host/diagnose.js';
import { factsFrom, type HostFacts } from '../../src/host/facts.js';
import { parseRouteGet, type RouteAnswer, type RouteQuery } from '../../src/host/route.js';

export const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/host/hostchecks/${name}`, import.meta.url), 'utf8');

/** `key = value` lines that replace (or add to) the recorded router sysctls. */
function sysctl(overrides: Record<string, string | null>): string {
  const lines = new Map<string, string>();
  for (const l of fixture('sysctl-router.txt').split('\n')) {
    const eq = l.indexOf(' = ');
    if (eq > 0) lines.set(l.slice(0, eq), l.slice(eq + 3));
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) lines.delete(k);
    else lines.set(k, v);
  }
  return [...lines].map(([k, v]) => `${k} = ${v}`).join('\n');
}

/** The router (ip_forward=1, all.rp_filter=1 as recorded) with overrides; no sockets of its own. */
export function routerFacts(overrides: Record<string, string | null> = {}, netns: string | null = 'fw'): HostFacts {
  return factsFrom(netns, 0, {
    sysctl: sysctl(overrides),
    addr: fixture('ip-addr-router.json'),
    tcp: '',
    udp: '',
  });
}

/** The server with the recorded listeners (see the fixtures README). */
export function serverFacts(netns: string | null = 'srv', overrides: Record<string, string | null> = {}): HostFacts {
  return factsFrom(netns, 0, {
    sysctl: sysctl({ 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.all.rp_filter': '0', ...overrides }),
    addr: fixture('ip-addr-server.json'),
    tcp: fixture('ss-tcp-listen.txt'),
    udp: fixture('ss-udp-all.txt'),
  });
}

interface RouteCase {
  readonly name: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const routeCases = (JSON.parse(fixture('route-get.json')) as { cases: RouteCase[] }).cases;

/** The recorded answer of one `ip route get` case (route-get.json). */
export function answer(name: string): RouteAnswer {
  const c = routeCases.find((x) => x.name === name);
  if (!c) throw new Error(`no route-get case ${name}`);
  return parseRouteGet({ ok: c.exitCode === 0, stdout: c.stdout, stderr: c.stderr });
}

/** Route evidence from recorded answers: the input lookup, and the way back / output lookups when given. */
export function evidence(
  query: RouteQuery,
  input: string,
  reverse: string | null = null,
  output: string | null = null,
): RouteEvidence {
  return {
    query,
    input: answer(input),
    reverse: reverse === null ? null : answer(reverse),
    output: output === null ? null : answer(output),
  };
}
