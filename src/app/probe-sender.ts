// The probe sender's body (`fwtrace __probe-send JSON`, run inside a namespace): validates its one argument,
// sends a TCP SYN or a UDP datagram, prints one JSON line ({sent, src, sport, answer, error}); 0 when sent.
import { decodeSendArgs } from '../probe/sender-protocol.js';
import { sendSocketProbe } from '../sys/probe-socket.js';

export async function runProbeSender(json: string | undefined): Promise<number> {
  const args = decodeSendArgs(json);
  const result = args.ok
    ? await sendSocketProbe(args.value)
    : { sent: false, src: null, sport: null, answer: null, error: `bad sender argument: ${args.error}` };
  process.stdout.write(JSON.stringify(result) + '\n');
  return result.sent ? 0 : 1;
}
