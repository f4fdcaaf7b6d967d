#!/usr/bin/env node
// fwtrace lab: listeners and traffic generators (Node >= 20, no dependencies).
// Run inside a lab namespace with `ip netns exec`; see scripts/lab.d/scenarios.sh.
//
//   net.js listen --tcp 22,80 [--udp 53] [--ssh-port 22] [--netns NAME]
//       TCP: port --ssh-port sends an SSH banner and closes; other ports answer the first data with a
//       small HTTP response naming the local address, then close. UDP: echoes "answer:" + payload.
//       With --netns, exits by itself once /run/netns/NAME is gone (dies with the lab).
//   net.js tcp --to ADDR --port N [--from ADDR] [--sport N] [--count N] [--send TEXT]
//       [--timeout MS] [--gap MS] [--on-connect-exec JSON_ARGV] [--hold MS]
//       Connects (count times, sport incrementing), optionally runs a command once connected, sends TEXT,
//       reads until the peer closes or the timeout. A connection that is still open at the timeout is
//       reset (RST), so nothing lingers. --hold: after sending, wait MS then reset (no reading).
//   net.js udp --to ADDR --port N [--from ADDR] [--sport N] [--send TEXT] [--timeout MS]
// Clients always exit 0 and print one line per attempt: what happened, not whether it was wanted.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import net from 'node:net';

function parseArgs(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) out[key] = true;
      else {
        out[key] = next;
        i++;
      }
    } else out._.push(a);
  }
  return out;
}

function num(v, dflt) {
  if (v === undefined || v === true) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a number: ${v}`);
  return n;
}

function fmt(addr, port) {
  return addr && addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- listeners ----------------------------------------------------------------------------------
function listen(opts) {
  const tcpPorts = String(opts.tcp ?? '')
    .split(',')
    .filter(Boolean)
    .map(Number);
  const udpPorts = String(opts.udp ?? '')
    .split(',')
    .filter(Boolean)
    .map(Number);
  const sshPort = num(opts['ssh-port'], 22);
  let pending = tcpPorts.length + udpPorts.length;
  const ready = () => {
    if (--pending === 0) console.log(`ready tcp=${tcpPorts.join(',')} udp=${udpPorts.join(',')}`);
  };
  for (const port of tcpPorts) {
    const srv = net.createServer((sock) => {
      sock.on('error', () => {});
      const local = fmt(sock.localAddress?.replace(/^::ffff:/, ''), sock.localPort);
      const remote = fmt(sock.remoteAddress?.replace(/^::ffff:/, ''), sock.remotePort);
      console.log(`tcp ${remote} -> ${local}`);
      if (port === sshPort) {
        sock.end('SSH-2.0-fwtrace_lab\r\n');
        return;
      }
      sock.once('data', () => {
        const body = `fwtrace-lab ${local}\n`;
        sock.end(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      });
    });
    srv.on('error', (e) => {
      console.error(`tcp ${port}: ${e.message}`);
      process.exit(1);
    });
    srv.listen({ port, host: '::', ipv6Only: false }, ready);
  }
  for (const port of udpPorts) {
    const s = dgram.createSocket({ type: 'udp6', ipv6Only: false });
    s.on('message', (msg, rinfo) => {
      console.log(`udp ${fmt(rinfo.address.replace(/^::ffff:/, ''), rinfo.port)} -> :${port}`);
      s.send(Buffer.concat([Buffer.from('answer:'), msg]), rinfo.port, rinfo.address);
    });
    s.on('error', (e) => {
      console.error(`udp ${port}: ${e.message}`);
      process.exit(1);
    });
    s.bind({ port, address: '::' }, ready);
  }
  if (typeof opts.netns === 'string') {
    const path = `/run/netns/${opts.netns}`;
    setInterval(() => {
      if (!existsSync(path)) process.exit(0);
    }, 1000);
  }
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => process.exit(0));
}

// ---- TCP client ---------------------------------------------------------------------------------
function tcpOnce(opts, sport) {
  return new Promise((resolve) => {
    const to = opts.to;
    const port = num(opts.port);
    const timeout = num(opts.timeout, 500);
    const hold = opts.hold === undefined ? undefined : num(opts.hold);
    const connectOpts = { host: to, port };
    if (typeof opts.from === 'string') connectOpts.localAddress = opts.from;
    if (sport) connectOpts.localPort = sport;
    const label = `tcp ${fmt(opts.from ?? '*', sport || '*')} -> ${fmt(to, port)}`;
    let got = '';
    let connected = false;
    let done = false;
    const sock = net.connect(connectOpts);
    const finish = (what) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      console.log(`${label}: ${what}${got ? ` ${JSON.stringify(got.split('\n')[0].trim())}` : ''}`);
      resolve();
    };
    const timer = setTimeout(() => {
      if (connected) {
        sock.resetAndDestroy();
        finish('connected, reset at timeout');
      } else {
        sock.destroy();
        finish('no answer (timeout)');
      }
    }, timeout);
    sock.on('connect', () => {
      connected = true;
      if (typeof opts['on-connect-exec'] === 'string') {
        const argv = JSON.parse(opts['on-connect-exec']);
        try {
          execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
        } catch (e) {
          console.error(`${label}: on-connect command failed: ${e.message}`);
        }
      }
      if (typeof opts.send === 'string') sock.write(opts.send.replace(/\\r/g, '\r').replace(/\\n/g, '\n'));
      if (hold !== undefined) {
        setTimeout(() => {
          sock.resetAndDestroy();
          finish(`connected, sent, reset after ${hold} ms`);
        }, hold);
      }
    });
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    sock.on('end', () => {
      sock.end();
    });
    sock.on('close', () => finish(connected ? 'connected, closed' : 'closed'));
    sock.on('error', (e) => {
      if (e.code === 'EADDRINUSE' && sport) {
        // Source port still taken (an earlier run): fall back to an ephemeral one.
        done = true;
        clearTimeout(timer);
        resolve(tcpOnce(opts, 0));
        return;
      }
      finish(`error ${e.code ?? e.message}`);
    });
  });
}

async function tcp(opts) {
  const count = num(opts.count, 1);
  const sport = num(opts.sport, 0);
  const gap = num(opts.gap, 50);
  for (let i = 0; i < count; i++) {
    await tcpOnce(opts, sport ? sport + i : 0);
    if (i + 1 < count) await sleep(gap);
  }
}

// ---- UDP client ---------------------------------------------------------------------------------
function udp(opts) {
  return new Promise((resolve) => {
    const to = opts.to;
    const port = num(opts.port);
    const timeout = num(opts.timeout, 500);
    const sport = num(opts.sport, 0);
    const type = net.isIPv6(to) ? 'udp6' : 'udp4';
    const s = dgram.createSocket(type);
    const label = `udp ${fmt(opts.from ?? '*', sport || '*')} -> ${fmt(to, port)}`;
    let done = false;
    const finish = (what) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      console.log(`${label}: ${what}`);
      s.close();
      resolve();
    };
    const timer = setTimeout(() => finish('no answer (timeout)'), timeout);
    s.on('message', (m) => finish(`answer ${JSON.stringify(m.toString('latin1'))}`));
    s.on('error', (e) => finish(`error ${e.code ?? e.message}`));
    const bindOpts = { port: sport };
    if (typeof opts.from === 'string') bindOpts.address = opts.from;
    s.bind(bindOpts, () => {
      s.connect(port, to, (err) => {
        if (err) return finish(`error ${err.code ?? err.message}`);
        s.send(Buffer.from(typeof opts.send === 'string' ? opts.send : 'fwtrace-lab'));
      });
    });
  });
}

const [cmd, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest);
try {
  switch (cmd) {
    case 'listen':
      listen(opts);
      break;
    case 'tcp':
      await tcp(opts);
      break;
    case 'udp':
      await udp(opts);
      break;
    default:
      console.error('usage: net.js listen|tcp|udp [options] (see the header of this file)');
      process.exitCode = 2;
  }
} catch (e) {
  console.error(`net.js: ${e.message}`);
  process.exitCode = cmd === 'listen' ? 1 : 0;
}
