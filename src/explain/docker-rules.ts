// Rules dockerd writes outside its DOCKER* chains, recognised by their shape, in iptables syntax (iptables-save,
// xtables-monitor, the kernel log with a dump) and as nft monitor trace prints them: the drop between the
// containers of a network with inter-container communication off (`-A FORWARD -i br-x -o br-x -j DROP`), and the
// raw-table drop of packets for a container's address that did not come from its bridge (Docker 25+). Pure; no I/O.

/** docker0 and the bridges of user-defined networks (`br-<id>`, or a name set with the bridge.name option). */
const BRIDGE = String.raw`(docker\d+|br-[\w.-]+)`;
const ICC_OFF = [
  new RegExp(String.raw`^-A FORWARD -i ${BRIDGE} -o \1 -j DROP$`),
  new RegExp(String.raw`^iifname "${BRIDGE}" oifname "\1" (?:counter )?drop$`),
];
const DIRECT_ACCESS = [
  new RegExp(String.raw`^-A PREROUTING -d (\S+)/(?:32|128) ! -i ${BRIDGE} -j DROP$`),
  new RegExp(String.raw`^iifname != "${BRIDGE}" ip6? daddr (\S+) (?:counter )?drop$`),
];

/** What a docker-written drop rule is for, in words for the explanation; null for any other rule. */
export function dockerDropNote(text: string | null | undefined): string | null {
  if (text == null) return null;
  for (const re of ICC_OFF) {
    const m = re.exec(text);
    if (m)
      return `Docker writes this rule when inter-container communication is off on the network of ${m[1]} (enable_icc=false)`;
  }
  const [ipt, nft] = DIRECT_ACCESS;
  const m = ipt!.exec(text);
  if (m) return directAccess(m[1]!, m[2]!);
  const n = nft!.exec(text);
  if (n) return directAccess(n[2]!, n[1]!);
  return null;
}

function directAccess(address: string, bridge: string): string {
  return `Docker writes this rule to block direct access to container ${address} from outside ${bridge}: reach it by a published port`;
}
