#!/usr/bin/env node
// Raw /dev/kmsg records for scripts/capture (Node >= 20, no dependencies).
//   kmsg.js last-seq                  the sequence number of the newest record now in the buffer
//   kmsg.js since SEQ [--grep REGEX]  every record with a sequence number > SEQ, raw
//                                     ("PRI,SEQ,TS_USEC,FLAGS[,...];text" plus any " KEY=VALUE" lines),
//                                     only those whose text matches REGEX when given
// Reads the buffer without blocking (it does not follow the log): call `last-seq` before the traffic
// and `since` after it. A record that was overwritten while reading (EPIPE) is skipped.
import { closeSync, constants, openSync, readSync } from 'node:fs';

function readAll() {
  const fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(16384);
  const records = [];
  try {
    for (;;) {
      let n;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if (e.code === 'EAGAIN') break;
        if (e.code === 'EPIPE') continue;
        throw e;
      }
      if (n === 0) break;
      records.push(buf.toString('utf8', 0, n));
    }
  } finally {
    closeSync(fd);
  }
  return records;
}

function seqOf(record) {
  const head = record.slice(0, record.indexOf(';'));
  const seq = Number(head.split(',')[1]);
  return Number.isFinite(seq) ? seq : -1;
}

const [cmd, arg, ...rest] = process.argv.slice(2);
if (cmd === 'last-seq') {
  const records = readAll();
  console.log(records.length ? seqOf(records[records.length - 1]) : -1);
} else if (cmd === 'since' && arg !== undefined) {
  const after = Number(arg);
  const gi = rest.indexOf('--grep');
  const re = gi >= 0 && rest[gi + 1] ? new RegExp(rest[gi + 1]) : null;
  let out = '';
  for (const r of readAll()) {
    if (seqOf(r) <= after) continue;
    const text = r.slice(r.indexOf(';') + 1).split('\n')[0];
    if (re && !re.test(text)) continue;
    out += r.endsWith('\n') ? r : `${r}\n`;
  }
  process.stdout.write(out);
} else {
  console.error('usage: kmsg.js last-seq | since SEQ [--grep REGEX]');
  process.exitCode = 2;
}
