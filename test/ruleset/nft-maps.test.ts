// Named nft maps and their elements, from `nft list ruleset` text and `nft -j` alike (kube-proxy's nftables mode
// names services in element comments).
import { describe, expect, it } from 'vitest';
import { mergeSnapshots, readRuleset } from '../../src/ruleset/read-ruleset.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';

const TEXT = `table ip kube-proxy { # handle 3
	map no-endpoint-services { # handle 35
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "vmap to drop or reject packets to services with no endpoints"
		elements = { 10.96.0.30 . tcp . 80 comment "default/noep:http" : goto reject-chain,
			     10.96.0.31 . udp . 53 : drop }
	}
	set nodeport-ips { # handle 4
		type ipv4_addr
		elements = { 192.168.77.1 }
	}
	chain reject-chain { # handle 13
		reject # handle 55
	}
}
table ip6 v6 {
	map m6 {
		type ipv6_addr : verdict
		elements = { fd00::1 : accept, fd00::2 comment "x, y: z" : jump c }
	}
}
`;

const JSON_DUMP = JSON.stringify({
  nftables: [
    { metainfo: { json_schema_version: 1 } },
    { table: { family: 'ip', name: 'kube-proxy', handle: 3 } },
    {
      map: {
        family: 'ip',
        name: 'no-endpoint-services',
        table: 'kube-proxy',
        type: ['ipv4_addr', 'inet_proto', 'inet_service'],
        handle: 35,
        map: 'verdict',
        elem: [
          [
            { elem: { val: { concat: ['10.96.0.30', 'tcp', 80] }, comment: 'default/noep:http' } },
            { goto: { target: 'reject-chain' } },
          ],
          [{ concat: ['10.96.0.31', 'udp', 53] }, { drop: null }],
        ],
      },
    },
    { chain: { family: 'ip', table: 'kube-proxy', name: 'reject-chain', handle: 13 } },
  ],
});

const EXPECTED = [
  { key: ['10.96.0.30', 'tcp', '80'], value: 'goto reject-chain', comment: 'default/noep:http' },
  { key: ['10.96.0.31', 'udp', '53'], value: 'drop', comment: null },
];

describe('map elements', () => {
  it.each([
    ['nft list ruleset', TEXT],
    ['nft -j list ruleset', JSON_DUMP],
  ])('%s: keys split at " . ", values as nft text, comments', (_, dump) => {
    const index = buildRuleIndex(readRuleset(dump));
    expect(index.map('ip', 'kube-proxy', 'no-endpoint-services')?.elements).toEqual(EXPECTED);
    // Sets are not maps; the chain after them is still read.
    expect(index.map('ip', 'kube-proxy', 'nodeport-ips')).toBeUndefined();
    expect(index.chain('ip', 'kube-proxy', 'reject-chain')).toBeDefined();
  });

  it('IPv6 keys keep their colons; a comment may hold commas and colons', () => {
    const m = buildRuleIndex(readRuleset(TEXT)).map('ip6', 'v6', 'm6');
    expect(m?.elements).toEqual([
      { key: ['fd00::1'], value: 'accept', comment: null },
      { key: ['fd00::2'], value: 'jump c', comment: 'x, y: z' },
    ]);
  });

  it('an ip lookup finds an inet table’s map, as chains do; a later dump’s map replaces an earlier one', () => {
    const dump = (elements: string): string =>
      `table inet t {\n\tmap m {\n\t\ttype ipv4_addr : verdict\n\t\telements = { ${elements} }\n\t}\n}\n`;
    const early = readRuleset(dump('10.0.0.1 : drop'));
    expect(buildRuleIndex(early).map('ip', 't', 'm')?.elements).toHaveLength(1);
    const merged = mergeSnapshots(early, readRuleset(dump('10.0.0.2 : accept, 10.0.0.3 : accept')));
    expect(merged.maps).toHaveLength(1);
    expect(
      buildRuleIndex(merged)
        .map('inet', 't', 'm')
        ?.elements.map((e) => e.key[0]),
    ).toEqual(['10.0.0.2', '10.0.0.3']);
  });
});
