// The probe in one line (plain output, the TUI status line) and as an NDJSON record.
import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/model/probe.js';
import { wireProbe } from '../../src/ui/json/schema.js';
import { probeLine } from '../../src/ui/probe-text.js';

const SENT: ProbeResult = {
  sent: true,
  proto: 'tcp',
  src: '10.66.1.2',
  sport: 40000,
  dst: '10.66.2.2',
  dport: 5432,
  from: 'lab-client',
  answer: 'none',
  error: null,
};

describe('probeLine', () => {
  it.each<[Partial<ProbeResult>, string]>([
    [{}, 'probe: sent TCP SYN 10.66.1.2:40000 -> 10.66.2.2:5432 from netns lab-client; no answer'],
    [{ from: null, answer: 'syn-ack' }, 'probe: sent TCP SYN 10.66.1.2:40000 -> 10.66.2.2:5432; answered with SYN/ACK'],
    [
      { proto: 'udp', dport: 53, answer: null },
      'probe: sent UDP datagram 10.66.1.2:40000 -> 10.66.2.2:53 from netns lab-client',
    ],
    [
      { proto: 'icmp', src: null, sport: null, dport: null, answer: 'echo-reply' },
      'probe: sent ICMP echo request to 10.66.2.2 from netns lab-client; echo reply came back',
    ],
    [
      { proto: 'icmpv6', src: 'fd66:1::2', sport: null, dst: 'fd66:2::2', dport: null, answer: 'unreachable' },
      'probe: sent ICMPv6 echo request fd66:1::2 -> fd66:2::2 from netns lab-client; ICMP unreachable came back',
    ],
    [
      { src: 'fd66:1::2', dst: 'fd66:2::2', answer: 'refused' },
      'probe: sent TCP SYN [fd66:1::2]:40000 -> [fd66:2::2]:5432 from netns lab-client; refused (RST or ICMP port unreachable)',
    ],
    [
      { proto: 'udp', answer: null, error: 'send EPERM (refused on the way out by this namespace)' },
      'probe: sent UDP datagram 10.66.1.2:40000 -> 10.66.2.2:5432 from netns lab-client (send EPERM (refused on the way out by this namespace))',
    ],
    [
      { sent: false, src: null, sport: null, answer: null, error: 'connect ENETUNREACH (no route to the destination)' },
      'probe NOT sent: TCP SYN to 10.66.2.2:5432 from netns lab-client: connect ENETUNREACH (no route to the destination)',
    ],
  ])('%j', (change, want) => expect(probeLine({ ...SENT, ...change })).toBe(want));
});

describe('wireProbe', () => {
  it('every key, in order, nulls for what is unknown', () => {
    expect(JSON.stringify(wireProbe({ ...SENT, src: null, sport: null }))).toBe(
      '{"type":"probe","v":1,"sent":true,"proto":"tcp","src":null,"sport":null,"dst":"10.66.2.2","dport":5432,"from":"lab-client","answer":"none","error":null}',
    );
  });
});
