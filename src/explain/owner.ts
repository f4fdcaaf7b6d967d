// Which component made a chain or rule, from the names it uses (and docker's drops outside its chains, by their
// shape: explain/docker-rules): kube-proxy (KUBE-* chains, the
// `kube-proxy` nftables table), docker (DOCKER* chains; DOCKER-USER is the user's, created by docker),
// firewalld (its `firewalld` table), ufw (ufw-* / ufw6-* chains), libvirt (LIBVIRT_* chains, its
// `libvirt_network` table), CNI plugins (CNI-* chains), podman's netavark (its `netavark` table, NETAVARK-*
// chains), Calico (cali-* chains), fwtrace (its own tables and trace rules). Chain names are compared without case: hand-translated nft rulesets lower-case them. Pure; no I/O.
import type { Owner, TraceStep } from '../model/trace.js';
import { dockerDropNote } from './docker-rules.js';

const DOCKER_CHAINS = new Set([
  'DOCKER',
  'DOCKER-FORWARD',
  'DOCKER-ISOLATION-STAGE-1',
  'DOCKER-ISOLATION-STAGE-2',
  'DOCKER-CT',
  'DOCKER-BRIDGE',
  'DOCKER-INTERNAL',
  'DOCKER-INGRESS',
]);
/** The tracer's own rules carry `fwtrace:<session>` in a comment. */
const FWTRACE_COMMENT = /(?:--comment "?|comment ")fwtrace:/;

/** The owner of a chain by its table and name; null for the user's own chains and the builtin ones. */
export function chainOwner(table: string, chain: string): Owner | null {
  if (table.startsWith('fwtrace')) return 'fwtrace';
  if (table === 'kube-proxy') return 'kube-proxy';
  if (table === 'firewalld') return 'firewalld';
  if (table === 'netavark') return 'podman';
  if (table === 'libvirt_network') return 'libvirt';
  const upper = chain.toUpperCase();
  if (upper.startsWith('KUBE-')) return 'kube-proxy';
  if (upper === 'DOCKER-USER') return 'docker (user chain)';
  if (DOCKER_CHAINS.has(upper)) return 'docker';
  if (/^UFW6?-/.test(upper)) return 'ufw';
  if (upper.startsWith('LIBVIRT_')) return 'libvirt';
  if (upper.startsWith('CNI-')) return 'cni';
  if (upper.startsWith('NETAVARK-')) return 'podman';
  if (upper.startsWith('CALI-')) return 'calico';
  return null;
}

/** The owner already set on a finished trace's step, else worked out. */
export function ownerOf(s: TraceStep): Owner | null {
  return s.owner !== undefined ? s.owner : stepOwner(s);
}

/**
 * The owner of a step: its chain's, else for a rule the tracer's comment or the owner of the chain it
 * jumps to (docker adds `-A FORWARD -j DOCKER-USER`; the user owns only what is inside DOCKER-USER).
 */
export function stepOwner(s: TraceStep): Owner | null {
  let owner = chainOwner(s.table, s.chain);
  if (owner === null && s.kind === 'rule') {
    if (s.rule?.text != null && FWTRACE_COMMENT.test(s.rule.text)) owner = 'fwtrace';
    else if (dockerDropNote(s.rule?.text) !== null) owner = 'docker';
    else if ((s.verdict === 'jump' || s.verdict === 'goto') && s.target !== null) {
      const target = chainOwner(s.table, s.target);
      owner = target === 'docker (user chain)' ? 'docker' : target;
    }
  }
  return owner;
}
