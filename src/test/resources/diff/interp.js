'use strict';
// Node interpreter of the differential harness (io.usocket.diff): reads scenarios (one JSON
// object a line) on stdin, runs them one after the other in this process, each on its own
// socket path, and prints one JSON line {seed, status, trace} per scenario.
// The Java twin is io.usocket.diff.JavaInterpreter: keep the two in step, op for op.
//   node interp.js [--jitter SEED] [--slow] < scenarios.jsonl
// --jitter adds random busy-waits and no-op immediates; a deterministic scenario's trace must
// not change under it (the harness excludes those whose trace does).
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const QUIET_TURNS = 20;   // a scenario is over after this many loop turns without an event...
const QUIET_MS = 30;      // ...and this long without one (the turn count restarts with each event)
const MAX_MS = 3000;      // a scenario still busy after this is reported as TIMEOUT

let jitter = null;
const ji = process.argv.indexOf('--jitter');
if (ji >= 0) {
  let s = Number(process.argv[ji + 1] || 1) >>> 0 || 1;
  jitter = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}
// --slow: every traced event busy-waits past the next millisecond, so a 1 ms timer (setTimeout 0)
// is due at the first timers phase after it was set. A scenario whose trace changes under it
// orders a timer against I/O by the clock (node's own setTimeout-vs-I/O race): not comparable.
const slow = process.argv.includes('--slow');
function jitterHere() {
  if (slow) { const until = process.hrtime.bigint() + 1200000n; while (process.hrtime.bigint() < until); }
  if (!jitter) return;
  const r = jitter();
  if (r < 0.3) { const until = process.hrtime.bigint() + BigInt(Math.floor(jitter() * 1500000)); while (process.hrtime.bigint() < until); }
  else if (r < 0.5) setImmediate(() => {});
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usocket-diff-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

let current = null;   // the running scenario's context
process.on('uncaughtException', (e) => {
  if (current && !current.done) current.log('main', 'uncaught ' + errText(e));
});

function errText(e) {
  if (e === null || e === undefined) return 'null';
  return e.code || ('Error:' + e.message);
}

function text(chunk) {
  const typed = typeof chunk === 'string' ? 's:' : 'b:';
  const str = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
  return typed + (str.length <= 40 ? str : '#' + str.length);
}

function runScenario(sc, idx) {
  return new Promise((resolve) => {
    const ctx = {
      trace: [], done: false, last: Date.now(), quietTurns: 0, pending: 0,
      objs: {}, counts: {}, nextS: 1,
      sockPath: sc.listenPath === 'nodir' ? path.join(dir, 'nodir' + idx, 's.sock') : path.join(dir, 's' + idx + '.sock'),
      filePath: path.join(dir, 's' + idx + '.file'),
      log(obj, what) { if (!this.done) { this.trace.push(obj + ' ' + what); this.last = Date.now(); this.quietTurns = 0; } },
    };
    current = ctx;
    const started = Date.now();

    function fire(obj, event) {
      const key = obj + ' ' + event;
      const n = ctx.counts[key] = (ctx.counts[key] || 0) + 1;
      for (const rule of sc.rules) {
        if (rule.obj === obj && rule.event === event && rule.nth === n) schedule(rule);
      }
    }

    function schedule(rule) {
      const run = () => { if (!ctx.done) for (const op of rule.ops) doOp(op); };
      const later = (f) => { ctx.pending++; return () => { ctx.pending--; f(); }; };
      switch (rule.defer) {
        case 'sync': run(); break;
        case 'tick': process.nextTick(later(run)); break;
        case 'immediate': setImmediate(later(run)); break;
        case 'immediate2': setImmediate(later(() => setImmediate(later(run)))); break;
        case 'timeout0': setTimeout(later(run), 0); break;
        default: throw new Error('defer ' + rule.defer);
      }
    }

    function record(emitter, name, events) {
      for (const ev of events) emitter.on(ev, recorder(name, ev));
    }

    function recorder(name, ev) {
      return (arg) => {
        if (ctx.done) return;
        jitterHere();
        switch (ev) {
          case 'data': ctx.log(name, 'data ' + text(arg)); break;
          case 'error': ctx.log(name, 'error ' + errText(arg)); break;
          case 'close': ctx.log(name, 'close' + (name === 'server' ? '' : ' ' + arg)); break;
          default: ctx.log(name, ev);
        }
        fire(name, ev);
      };
    }

    const SOCKET_EVENTS = ['connect', 'ready', 'end', 'prefinish', 'finish', 'close', 'error', 'drain', 'timeout'];

    function watchSocket(name, sock) {
      ctx.objs[name] = sock;
      sock.__recorders = {};
      record(sock, name, SOCKET_EVENTS);
      if (!sc.noData.includes(name)) addData(name, sock);
    }

    function addData(name, sock) {
      if (sock.__recorders.data) return;
      sock.__recorders.data = recorder(name, 'data');
      sock.on('data', sock.__recorders.data);
    }

    function addReadable(name, sock, drain) {
      if (sock.__recorders.readable) return;
      const rec = recorder(name, 'readable');
      sock.__recorders.readable = () => {
        rec();
        if (drain && !ctx.done) {
          let chunk;
          while ((chunk = sock.read()) !== null) ctx.log(name, 'read()=' + text(chunk).slice(2));
          ctx.log(name, 'read()=null');
        }
      };
      sock.on('readable', sock.__recorders.readable);
    }

    function remove(sock, ev) {
      const r = sock.__recorders[ev];
      if (!r) return;
      sock.removeListener(ev, r);
      delete sock.__recorders[ev];
    }

    function target(kind) {
      if (kind === 'missing') return path.join(dir, 'missing' + idx + '.sock');
      if (kind === 'file') return ctx.filePath;
      return ctx.sockPath;
    }

    function cbFor(name, what) {
      return (err) => { if (!ctx.done) { jitterHere(); ctx.log(name, what + ' ' + errText(err)); } };
    }

    function doOp(op) {
      const name = op.target;
      const obj = ctx.objs[name];
      if (!obj) { ctx.log(name, op.op + ' skipped'); return; }
      try {
        switch (op.op) {
          case 'connect': obj.connect(target(sc.clientTargets[Number(name.slice(1)) - 1])); break;
          case 'write': ctx.log(name, 'write(' + op.data + ')=' + (op.cb ? obj.write(op.data, cbFor(name, 'write-cb(' + op.data + ')')) : obj.write(op.data))); break;
          case 'writeBig': ctx.log(name, 'writeBig(' + op.size + ')=' + obj.write(Buffer.alloc(op.size, 120))); break;
          case 'end':
            if (op.data && op.cb) obj.end(op.data, cbFor(name, 'end-cb'));
            else if (op.data) obj.end(op.data);
            else if (op.cb) obj.end(cbFor(name, 'end-cb'));
            else obj.end();
            ctx.log(name, 'end(' + (op.data || '') + ')');
            break;
          case 'destroy':
            if (op.err) obj.destroy(Object.assign(new Error('boom'), { code: 'EBOOM' }));
            else obj.destroy();
            ctx.log(name, 'destroy(' + (op.err ? 'EBOOM' : '') + ')');
            break;
          case 'pause': obj.pause(); ctx.log(name, 'pause'); break;
          case 'resume': obj.resume(); ctx.log(name, 'resume'); break;
          case 'cork': obj.cork(); ctx.log(name, 'cork'); break;
          case 'uncork': obj.uncork(); ctx.log(name, 'uncork'); break;
          case 'read': {
            const r = op.n < 0 ? obj.read() : obj.read(op.n);
            ctx.log(name, 'read(' + (op.n < 0 ? '' : op.n) + ')=' + (r === null ? 'null' : text(r).slice(2)));
            break;
          }
          case 'setEncoding': obj.setEncoding('utf8'); ctx.log(name, 'setEncoding'); break;
          case 'onData': addData(name, obj); ctx.log(name, 'on(data)'); break;
          case 'offData': remove(obj, 'data'); ctx.log(name, 'off(data)'); break;
          case 'onReadable': addReadable(name, obj, op.drain); ctx.log(name, 'on(readable' + (op.drain ? ',drain' : '') + ')'); break;
          case 'offReadable': remove(obj, 'readable'); ctx.log(name, 'off(readable)'); break;
          case 'pipe': {
            const dst = ctx.objs[op.dst];
            if (!dst) { ctx.log(name, 'pipe skipped'); break; }
            obj.pipe(dst, { end: op.end });
            ctx.log(name, 'pipe(' + op.dst + ',' + op.end + ')');
            break;
          }
          case 'unshift': obj.unshift(Buffer.from(op.data)); ctx.log(name, 'unshift(' + op.data + ')'); break;
          case 'state':
            ctx.log(name, 'state ' + obj.readyState + ' destroyed=' + obj.destroyed + ' rl=' + obj.readableLength
              + ' wl=' + obj.writableLength + ' br=' + obj.bytesRead + ' bw=' + obj.bytesWritten);
            break;
          case 'setTimeout': obj.setTimeout(op.ms); ctx.log(name, 'setTimeout(' + op.ms + ')'); break;
          case 'close': obj.close(cbFor(name, 'close-cb')); ctx.log(name, 'close()'); break;
          default: throw new Error('op ' + op.op);
        }
      } catch (e) {
        ctx.log(name, op.op + ' threw ' + errText(e));
      }
    }

    // ---- set-up: the server, its listen, the clients (they connect through rules) ----
    if (sc.listenPath === 'taken') fs.writeFileSync(ctx.sockPath, 'not a socket');
    fs.writeFileSync(ctx.filePath, 'not a socket');
    const server = net.createServer({ allowHalfOpen: sc.serverHalfOpen });
    if (sc.maxConnections > 0) server.maxConnections = sc.maxConnections;
    ctx.objs.server = server;
    record(server, 'server', ['listening', 'close', 'error', 'drop']);
    server.on('connection', (sock) => {
      if (ctx.done) { sock.destroy(); return; }
      const name = 's' + ctx.nextS++;
      watchSocket(name, sock);
      recorder('server', 'connection')();
      fire(name, 'accepted');
    });
    for (let i = 1; i <= sc.clients; i++) {
      watchSocket('c' + i, new net.Socket({ allowHalfOpen: sc.clientHalfOpen[i - 1] }));
    }
    try {
      server.listen(ctx.sockPath);
      ctx.log('server', 'listen()');
    } catch (e) {
      ctx.log('server', 'listen threw ' + errText(e));
    }
    fire('main', 'start');

    // ---- the end: enough quiet turns of the loop (checked in the check phase) ----
    function sentinel() {
      if (jitter && jitter() < 0.2) jitterHere();
      const now = Date.now();
      const timedOut = now - started > MAX_MS;
      if (!timedOut && (ctx.pending > 0 || ++ctx.quietTurns < QUIET_TURNS)) {
        setImmediate(sentinel);
        return;
      }
      if (!timedOut && now - ctx.last < QUIET_MS) {
        // Quiet for a few turns: wait for stragglers (timers, a loaded machine) without spinning.
        setTimeout(sentinel, QUIET_MS - (now - ctx.last));
        return;
      }
      ctx.done = true;
      for (const name of Object.keys(ctx.objs)) {
        const o = ctx.objs[name];
        if (name === 'server') { try { o.close(); } catch (e) { /* already closed */ } } else o.destroy();
      }
      // let the closes settle before the next scenario starts
      setTimeout(() => resolve({ seed: sc.seed, status: timedOut ? 'TIMEOUT' : 'ok', trace: ctx.trace }), 5);
    }
    setImmediate(sentinel);
  });
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const lines = [];
  for await (const line of rl) if (line.trim()) lines.push(line);
  let idx = 0;
  for (const line of lines) {
    const sc = JSON.parse(line);
    // Every scenario starts from a timer, as JavaInterpreter starts it: the first one would
    // otherwise start from the poll phase that read stdin's end, and an immediate it sets
    // would run before the next poll instead of after it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await runScenario(sc, idx++);
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}

main();
