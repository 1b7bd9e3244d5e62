'use strict';
// The 'npm' contender of the side-by-side benchmarks (bench/PROTOCOL.md): the original npm
// package usocket 1.1.0 (UServer / USocket) on node 20, one process (one JS thread) per role.
//
//   node bench/node/contender.js <server|client> <W1|W2|W2w|W3|W4|W5|W6> <socket-path> [param]
//
// Install once: cd bench/node && npm_config_nodedir=/usr npm ci
//
// usocket 1.1.0 quirks this has to live with (see src/test/resources/interop/node/peer.js):
// - a write whose sendmsg hits EAGAIN loses its fds (the rest of the data is re-sent without
//   them): the fd client can only keep a bounded number of fds in flight, so its W2 runs with
//   W2w's window (at most 128 unacknowledged, the server acks every 64) and W2 = W2w here;
// - received fds are appended to an internal array by concat() unless taken out with
//   read(size, count): the fd server reads with read(null, null) on 'readable' (the documented
//   API) rather than the undocumented 'fds' event, which would make that array grow forever;
// - end() shuts the socket down at once, even with writes still queued: it is called from the
//   last write's callback;
// - a 'data'/'readable' listener on a client socket before 'connected' aborts the process;
// - it receives at most 64 fds per recvmsg (the rest are lost): here every message has 1 fd;
// - connect (and listen) run as blocking calls on libuv's thread pool.
const fs = require('fs');
const v8 = require('v8');
const vm = require('vm');
const usocket = require('usocket');

const DEFAULTS = { W1: 2 ** 33, W2: 600000, W2w: 600000, W3: 200000, W4: 40000, W5: 10000, W6: 0 };
const W6_MESSAGE = 64;
const CHUNK = 64 * 1024;
const WINDOW = 128;
const ACK_EVERY = 64;
const PING = 64;
const BACKLOG = 4096;

const [role, workload, sockPath, paramArg] = process.argv.slice(2);
if (!sockPath || (role !== 'server' && role !== 'client')) {
  console.error('usage: contender.js <server|client> <W1|W2|W2w|W3|W4|W5|W6> <socket-path> [param]');
  process.exit(2);
}
const n = paramArg !== undefined ? Number(paramArg) : DEFAULTS[workload];
// The warm-up share (bench/PROTOCOL.md): the clock starts once a quarter of the work (W1 bytes
// received, W2/W2w messages received, W3 round trips, W4 connections) is done, and the figure
// counts only the rest. In short-run mode (BENCH_SHORT=1) the share is 1.
const WARM = process.env.BENCH_SHORT === '1' ? 1 : Math.max(1, Math.floor(n / 4));

function result(value, unit) {
  process.stdout.write(`RESULT ${workload} ${value} ${unit}\n`);
}

function resultf(value, unit) {
  result(value.toFixed(3), unit);
}

const now = () => process.hrtime.bigint();
const seconds = (ns) => Number(ns) / 1e9;

function die(what, err) {
  console.error(`npm ${role} ${workload}: ${what}`, err || '');
  process.exit(1);
}

function listen(onConnection, onListening) {
  try { fs.unlinkSync(sockPath); } catch (e) { /* not there */ }
  const server = new usocket.UServer();
  server.on('error', (e) => die('server error', e));
  server.on('connection', onConnection);
  server.listen(sockPath, BACKLOG, onListening);
  return server;
}

// Connects, retrying for a few seconds while the server is not listening yet (first connection).
function connectRetrying(cb, deadline = Date.now() + 5000) {
  const s = new usocket.USocket();
  s.once('error', (e) => {
    if (Date.now() > deadline) die('connect', e);
    setTimeout(() => connectRetrying(cb, deadline), 1);
  });
  s.connect(sockPath, () => {
    s.removeAllListeners('error');
    s.on('error', (e) => die('socket error', e));
    cb(s);
  });
}

function connect(cb) {
  const s = new usocket.USocket();
  s.on('error', (e) => die('connect', e));
  s.connect(sockPath, () => cb(s));
}

// ---- W1 ----

function streamServer() {
  const server = listen((s) => {
    server.close();
    let total = 0;
    let total0 = -1;
    let t0 = 0n;
    s.on('data', (d) => {
      total += d.length;
      if (total0 < 0 && total >= WARM) {
        total0 = total;
        t0 = now();
      }
    });
    s.on('end', () => {
      if (total0 < 0) die('warm-up share never reached');
      resultf((total - total0) / 1e6 / seconds(now() - t0), 'MB/s');
      s.destroy();
    });
  });
}

function streamClient() {
  connectRetrying((s) => {
    const chunk = Buffer.alloc(CHUNK, 'x');
    let remaining = n;
    const pump = () => {
      while (remaining > 0) {
        const k = Math.min(CHUNK, remaining);
        remaining -= k;
        const last = remaining === 0;
        // USocket.write() does not return the stream's answer: ask writableNeedDrain
        s.write(k === CHUNK ? chunk : chunk.subarray(0, k), last ? () => { s.end(); s.destroy(); } : undefined);
        if (!last && s.writableNeedDrain) return s.once('drain', pump);
      }
    };
    pump();
  });
}

// ---- W2 / W2w ----

function fdServer() {
  const ack = Buffer.from('a');
  const server = listen((s) => {
    server.close();
    let count = 0;
    let count0 = -1;
    let unacked = 0;
    let t0 = 0n;
    let t1 = 0n;
    s.on('readable', () => {
      const m = s.read(null, null);
      if (!m || m.fds.length === 0) return;
      for (const fd of m.fds) fs.closeSync(fd);
      const t = now();
      t1 = t;
      count += m.fds.length;
      if (count0 < 0 && count >= WARM) {
        count0 = count;
        t0 = t;
      }
      unacked += m.fds.length;
      while (unacked >= ACK_EVERY) {
        unacked -= ACK_EVERY;
        s.write(ack);
      }
    });
    s.on('end', () => {
      if (count !== n) console.error(`npm ${workload}: received ${count} of ${n} fds`);
      if (count0 < 0) die('warm-up share never reached');
      resultf((count - count0) / seconds(t1 - t0), 'msgs/s');
      s.destroy();
    });
  });
}

function fdClient() {
  connectRetrying((s) => {
    const devnull = fs.openSync('/dev/null', 'r');
    const one = Buffer.from([1]);
    let sent = 0;
    let acked = 0;
    let ended = false;
    const pump = () => {
      while (sent < n && sent - acked * ACK_EVERY < WINDOW) {
        s.write({ data: one, fds: [devnull] });
        sent++;
      }
      // all sent and all acks in: the server gets no ack write after we are gone
      if (sent === n && !ended && acked >= Math.floor(n / ACK_EVERY)) {
        ended = true;
        s.end();
        s.destroy();
        fs.closeSync(devnull);
      }
    };
    s.on('data', (d) => {
      acked += d.length;
      pump();
    });
    pump();
  });
}

// ---- W3 ----

function echoServer() {
  const server = listen((s) => {
    server.close();
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.destroy());
  });
}

function pingClient() {
  connectRetrying((s) => {
    const ping = Buffer.alloc(PING, 'p');
    let rounds = 0;
    let got = 0;
    let t0;
    s.on('data', (d) => {
      got += d.length;
      if (got < PING) return;
      got -= PING;
      if (++rounds === WARM) t0 = now();
      if (rounds === n) {
        resultf(seconds(now() - t0) * 1e6 / (n - WARM), 'us/rt');
        s.end();
        s.destroy();
      } else {
        s.write(ping);
      }
    });
    s.write(ping);
  });
}

// ---- W4 ----

function connectServer() {
  const one = Buffer.from([1]);
  let accepted = 0;
  const server = listen((s) => {
    if (++accepted === n) server.close();
    s.write(one, () => s.destroy());
  });
}

function connectClient() {
  let connections = 0;
  let t0;
  const once = (s) => {
    s.on('data', () => {
      s.destroy();
      if (++connections === WARM) t0 = now();
      if (connections === n) resultf((n - WARM) / seconds(now() - t0), 'conn/s');
      else connect(once);
    });
  };
  // The first connection waits for the server (the server counts it); the warm-up share (at
  // least 1) keeps it out of the clock.
  connectRetrying(once);
}

// ---- W5 ----

function forceGc() {
  let gc = global.gc;
  if (typeof gc !== 'function') {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
  }
  gc();
  gc();
}

function memory() {
  forceGc();
  const m = process.memoryUsage();
  // native: RSS minus the committed JS heap (as the Java contenders subtract the committed heap)
  return { heap: m.heapUsed, native: m.rss - m.heapTotal };
}

function idleServer() {
  const m0 = memory();
  const open = [];
  const server = listen((s) => {
    open.push(s);
    s.on('data', () => {});
    if (open.length !== n) return;
    server.close();
    const m1 = memory();
    result(`${Math.trunc((m1.heap - m0.heap) / n)}+${Math.trunc((m1.native - m0.native) / n)}`, 'heapB/conn+nativeB/conn');
    // exiting closes every connection: the client sees EOF and exits too
    process.exit(0);
  });
}

function idleClient() {
  const open = [];
  const add = (s) => {
    open.push(s);
    if (open.length === 1) s.on('end', () => process.exit(0));
    s.on('data', () => {});
    if (open.length < n) connect(add);
  };
  connectRetrying(add);
}

// ---- W6: cold start ----

function coldServer() {
  const server = listen((s) => {
    server.close();
    s.on('data', () => {});
    s.end(Buffer.alloc(W6_MESSAGE));
  });
}

// n: the harness's CLOCK_MONOTONIC reading (ns) taken just before it started the server;
// process.hrtime reads the same clock.
function coldClient() {
  const t0 = BigInt(paramArg || '0');
  connectRetrying((s) => {
    let got = 0;
    s.on('data', (d) => {
      const before = got;
      got += d.length;
      if (before < W6_MESSAGE && got >= W6_MESSAGE) {
        resultf(Number(now() - t0) / 1e6, 'ms');
        s.end();
      }
    });
  });
}

const roles = {
  W1: [streamServer, streamClient],
  W2: [fdServer, fdClient],
  W2w: [fdServer, fdClient],
  W3: [echoServer, pingClient],
  W4: [connectServer, connectClient],
  W5: [idleServer, idleClient],
  W6: [coldServer, coldClient],
};
if (!roles[workload]) {
  result('n/a', '-');
} else {
  roles[workload][role === 'server' ? 0 : 1]();
}
