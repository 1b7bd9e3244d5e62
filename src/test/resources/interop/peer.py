#!/usr/bin/env python3
"""Python interop peer: the frame protocol of README.md over socket.send_fds / socket.recv_fds.

usage: peer.py (connect|listen) PATH (send|recv) SCENARIO TMPDIR
"""
import collections
import os
import signal
import socket
import struct
import sys
import zlib

BASE = bytes(range(251))


def parse(scenario):
    msgs = []
    for part in scenario.split(","):
        sync = part.endswith("!")
        n, k = part.rstrip("!").split(":")
        msgs.append((int(n), int(k), sync))
    return msgs


def payload(i, n):
    off = (i * 37) % 251
    return (BASE[off:] + BASE * (n // 251 + 1))[:n]


def content(i, j):
    return (("message %d fd %d\n" % (i, j)) * ((i + j) % 7 + 1)).encode()


def send(sock, msgs, tmpdir):
    for i, (n, k, sync) in enumerate(msgs):
        fds = []
        for j in range(k):
            p = os.path.join(tmpdir, "py-%d-%d" % (i, j))
            with open(p, "wb") as f:
                f.write(content(i, j))
            fds.append(os.open(p, os.O_RDONLY))
        frame = struct.pack(">II", n, k) + payload(i, n)
        # One sendmsg carries the fds with the first bytes; the rest (if the kernel took only part) follows.
        sent = socket.send_fds(sock, [frame], fds) if fds else sock.send(frame)
        sock.sendall(frame[sent:])
        for fd in fds:
            os.close(fd)
        if sync and sock.recv(1) != b"A":
            sys.exit("expected an ack after message %d" % i)
    sock.shutdown(socket.SHUT_WR)
    while sock.recv(65536):
        pass


def read_fd(fd):
    chunks = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(fd)
    return b"".join(chunks)


def recv(sock, msgs):
    buf = bytearray()
    fds = collections.deque()
    out = []
    i = 0
    while True:
        data, newfds, flags, _ = socket.recv_fds(sock, 1 << 20, 253)
        if flags & socket.MSG_CTRUNC:
            out.append("ctrunc")
        fds.extend(newfds)
        buf += data
        while len(buf) >= 8:
            n, k = struct.unpack(">II", buf[:8])
            if len(buf) < 8 + n:
                break
            body = bytes(buf[8:8 + n])
            del buf[:8 + n]
            out.append("msg %d len %d crc %08x fds %d" % (i, n, zlib.crc32(body), k))
            if len(fds) < k:
                out.append("missing fds: %d queued, %d wanted" % (len(fds), k))
            for j in range(min(k, len(fds))):
                c = read_fd(fds.popleft())
                out.append("fd %d.%d size %d crc %08x" % (i, j, len(c), zlib.crc32(c)))
            if i < len(msgs) and msgs[i][2]:
                sock.sendall(b"A")
            i += 1
        if not data:
            break
    if buf:
        out.append("trailing %d bytes" % len(buf))
    if fds:
        out.append("unclaimed %d fds" % len(fds))
        for fd in fds:
            os.close(fd)
    out.append("eof")
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()
    sock.shutdown(socket.SHUT_WR)


def main():
    mode, path, role, scenario, tmpdir = sys.argv[1:6]
    signal.alarm(30)  # never outlive a stuck test
    msgs = parse(scenario)
    if mode == "listen":
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(1)
        print("listening", flush=True)
        sock, _ = srv.accept()
        srv.close()
        os.unlink(path)
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(path)
    with sock:
        if role == "send":
            send(sock, msgs, tmpdir)
        else:
            recv(sock, msgs)


if __name__ == "__main__":
    main()
