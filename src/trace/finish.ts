// Turns a finished TraceBuilder into the immutable Trace the renderers get. Pure; no I/O.
import type { Trace } from '../model/trace.js';
import type { TraceBuilder } from './builder.js';
import { explain } from './explain.js';
import { inferFromNext } from './kernlog-step.js';
import { findNat } from './nat.js';
import { protoFromRules } from './proto-hint.js';
import { finalVerdict } from './verdict.js';

/** Final verdict, NAT and explanation of one packet. */
export function finishTrace(b: TraceBuilder): Trace {
  if (b.backend === 'kernlog') inferFromNext(b.steps);
  const { verdict, index } = finalVerdict(b.steps);
  const nat = findNat(b.steps, b.stepNat, b.sightings);
  const proto = b.packet.proto ?? protoFromRules(b.steps);
  return {
    id: b.id,
    backend: b.backend,
    time: b.time,
    packet: proto === undefined || proto === b.packet.proto ? b.packet : { ...b.packet, proto },
    steps: b.steps,
    verdict,
    nat,
    explanation: explain(verdict, b.steps, index, nat, b.backend),
  };
}
