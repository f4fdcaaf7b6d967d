// Facts about the host (or a network namespace) for backend choice and `fwtrace doctor`. Read-only.
import { runCommand } from '../sys/exec.js';
import { canRead, isOnPath } from '../sys/host.js';
import type { HostFacts } from './choose.js';
import { sessionOfTable } from './session.js';

const BINARIES = [
  'nft',
  'xtables-monitor',
  'iptables-legacy',
  'ip6tables-legacy',
  'iptables-nft',
  'dmesg',
  'setpriv',
  'ip',
];
const IPTABLES_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);

async function countRules(argv: string[], netns: string | null): Promise<number> {
  const r = await runCommand({ argv, netns });
  return r.ok ? r.stdout.split('\n').filter((l) => l.startsWith('-A ') || /^\[\d+:\d+\] -A /.test(l)).length : 0;
}

/** Gathers the facts; every probe that fails counts as "nothing there". */
export async function probeHost(netns: string | null): Promise<HostFacts> {
  const missing: string[] = [];
  for (const b of BINARIES) if (!(await isOnPath(b))) missing.push(b);
  const has = (b: string): boolean => !missing.includes(b);
  const legacyRules = has('iptables-legacy')
    ? (await countRules(['iptables-legacy-save'], netns)) + (await countRules(['ip6tables-legacy-save'], netns))
    : 0;
  const xtablesRules = has('iptables-nft')
    ? (await countRules(['iptables-nft-save'], netns)) + (await countRules(['ip6tables-nft-save'], netns))
    : 0;
  const tables = has('nft') ? await runCommand({ argv: ['nft', 'list', 'tables'], netns }) : null;
  const nativeTables = (tables?.ok ? tables.stdout.split('\n') : [])
    .map((l) => /^table (\S+) (\S+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .filter(
      ([, family, name]) => !(IPTABLES_TABLES.has(name!) && (family === 'ip' || family === 'ip6') && xtablesRules > 0),
    )
    .filter(([, , name]) => sessionOfTable(name!) === null)
    .map(([, family, name]) => `${family} ${name}`);
  const kmsgReadable = await canRead('/dev/kmsg');
  return { missing, legacyRules, xtablesRules, nativeTables, kmsgReadable };
}
