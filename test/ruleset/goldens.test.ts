import { describe, expect, it } from 'vitest';
import { expectGolden } from '../helpers/golden.js';
import { detectRulesetKind, readRuleset } from '../../src/ruleset/read-ruleset.js';
import type { RulesetKind } from '../../src/ruleset/read-ruleset.js';
import { fixture, goldenPath } from './fixtures.js';

const CASES: readonly [file: string, kind: RulesetKind][] = [
  ['lab-rules-v4.iptables-save.txt', 'iptables-save'],
  ['lab-rules-v6.ip6tables-save.txt', 'iptables-save'],
  ['iptables-save-docker-default-host-v1.6.1-real.txt', 'iptables-save'],
  ['iptables-save-k8s-kube-proxy-issue-excerpts-real.txt', 'iptables-save'],
  ['gen-xt-lab.save-c.txt', 'iptables-save'],
  ['gen-xt-lab.S.txt', 'iptables-S'],
  ['gen-xt-lab.nat.vS.txt', 'iptables-S'],
  ['nft-ruleset-lab-iptables-nft-k8s-docker-translated.txt', 'nft-text'],
  ['nft-ruleset-kube-proxy-nftables-mode-k3s-real.txt', 'nft-text'],
  ['gen-native.nft-a.txt', 'nft-text'],
  ['gen-k3s.nft-a.txt', 'nft-text'],
  ['gen-xt-lab.nft-a.txt', 'nft-text'],
  ['gen-native.nft.json', 'nft-json'],
  ['gen-k3s.nft.json', 'nft-json'],
  ['gen-xt-lab.nft.json', 'nft-json'],
];

describe('ruleset goldens (readRuleset on every fixture)', () => {
  it.each(CASES)('%s', (file, kind) => {
    const text = fixture(file);
    expect(detectRulesetKind(text)).toBe(kind);
    const snapshot = readRuleset(text);
    expect(snapshot.unparsed).toEqual([]);
    expectGolden(goldenPath(file), snapshot);
  });
});
