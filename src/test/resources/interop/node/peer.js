'use strict';
// npm usocket interop peer: the frame protocol of ../README.md over the original package's API.
// usage: node peer.js (connect|listen) PATH (send|recv) SCENARIO TMPDIR
//
// The original's quirks (usocket 1.1.0 on node 20) this works around:
// - a 'data'/'readable' listener added before 'connected' aborts the process: listeners come after;
// - fd-only writes are dropped: fds always go with the frame's bytes;
// - a write whose sendmsg hits EAGAIN loses its fds: scenarios mark large messages with '!' so
//   the next fds leave only once the receiver has drained them;
// - end() shuts the socket down at once, even with writes still queued: it is called from the
//   last write's callback;
// - it receives at most 64 fds per recvmsg (more are lost): scenarios sent to it stay within 64.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const usocket = require('usocket');

const [mode, sockPath, role, scenario, tmpdir] = process.argv.slice(2);
setTimeout(() => { console.error('peer.js: timed out'); process.exit(3); }, 30000).unref();

const msgs = scenario.split(',').map((part) => {
  const [n, k] = part.replace('!', '').split(':').map(Number);
  return { len: n, nfds: k, sync: part.endsWith('!') };
});

function payload(i, n) {
  const b = Buffer.allocUnsafe(n);
  for (let j = 0; j < n; j++) b[j] = (i * 37 + j) % 251;
  return b;
}

function content(i, j) {
  return Buffer.from(`message ${i} fd ${j}\n`.repeat((i + j) % 7 + 1));
}

function hex(crc) {
  return (crc >>> 0).toString(16).padStart(8, '0');
}

function send(s) {
  let acks = 0;
  let wantAck = null;
  s.on('data', (d) => {
    acks += d.length;
    if (wantAck && acks >= wantAck.count) { const go = wantAck.go; wantAck = null; go(); }
  });
  s.on('end', () => {});
  let i = 0;
  let synced = 0;
  const next = () => {
    if (i === msgs.length) { s.end(); return; }
    const idx = i++;
    const m = msgs[idx];
    const fds = [];
    for (let j = 0; j < m.nfds; j++) {
      const p = path.join(tmpdir, `node-${idx}-${j}`);
      fs.writeFileSync(p, content(idx, j));
      fds.push(fs.openSync(p, 'r'));
    }
    const hdr = Buffer.alloc(8);
    hdr.writeUInt32BE(m.len, 0);
    hdr.writeUInt32BE(m.nfds, 4);
    const frame = Buffer.concat([hdr, payload(idx, m.len)]);
    s.write(fds.length ? { data: frame, fds } : frame, (err) => {
      if (err) { console.error('write error', err); process.exit(2); }
      fds.forEach((fd) => fs.closeSync(fd));
      if (!m.sync) return next();
      synced++;
      if (acks >= synced) return next();
      wantAck = { count: synced, go: next };
    });
  };
  next();
}

function recv(s) {
  let chunks = [];
  let buffered = 0;
  const fifo = [];
  const out = [];
  let i = 0;
  s.on('fds', (fds) => fifo.push(...fds));
  s.on('data', (d) => {
    chunks.push(d);
    buffered += d.length;
    while (buffered >= 8) {
      let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      chunks = [buf];
      const n = buf.readUInt32BE(0);
      const k = buf.readUInt32BE(4);
      if (buffered < 8 + n) break;
      out.push(`msg ${i} len ${n} crc ${hex(zlib.crc32(buf.subarray(8, 8 + n)))} fds ${k}`);
      buf = buf.subarray(8 + n);
      chunks = buf.length ? [buf] : [];
      buffered = buf.length;
      if (fifo.length < k) out.push(`missing fds: ${fifo.length} queued, ${k} wanted`);
      for (let j = 0; j < k && fifo.length; j++) {
        const fd = fifo.shift();
        const c = readFd(fd);
        out.push(`fd ${i}.${j} size ${c.length} crc ${hex(zlib.crc32(c))}`);
      }
      if (i < msgs.length && msgs[i].sync) s.write(Buffer.from('A'));
      i++;
    }
  });
  s.on('end', () => {
    if (buffered) out.push(`trailing ${buffered} bytes`);
    if (fifo.length) { out.push(`unclaimed ${fifo.length} fds`); fifo.forEach((fd) => fs.closeSync(fd)); }
    out.push('eof');
    process.stdout.write(out.join('\n') + '\n');
    s.end();
  });
}

function readFd(fd) {
  const parts = [];
  const b = Buffer.alloc(65536);
  let n;
  let pos = 0;
  while ((n = fs.readSync(fd, b, 0, b.length, pos)) > 0) { parts.push(Buffer.from(b.subarray(0, n))); pos += n; }
  fs.closeSync(fd);
  return Buffer.concat(parts);
}

function run(s) {
  s.on('error', (e) => { console.error('socket error', e); process.exit(2); });
  if (role === 'send') send(s); else recv(s);
}

if (mode === 'listen') {
  const server = new usocket.UServer();
  server.on('error', (e) => { console.error('server error', e); process.exit(2); });
  server.listen(sockPath, () => console.log('listening'));
  server.on('connection', (s) => {
    setImmediate(() => server.close());
    run(s);
  });
} else {
  const s = new usocket.USocket({ path: sockPath });
  s.on('connected', () => run(s));
}
