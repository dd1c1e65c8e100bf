#!/usr/bin/env python3
"""regmem.py - memory per registration of a running sipd, split into what
the live REGISTER transactions hold and what the bindings hold.

    bench/regmem.py PID PORT [--users N] [--rate R] [--wait-j SECS]

Registers N distinct users (u000001 ...) over UDP on 127.0.0.1:PORT at
about R per second, every one answered 200 (missing answers are resent
with the same branch, as a UA would), and reads the server's PSS
(/proc/PID/smaps_rollup) before, right after, and again after SECS
seconds, by when Timer J (64*T1) of every REGISTER transaction has
fired if the server runs with a short T1. Prints `BENCH` lines:

    regmem_bytes_per_reg_live    (PSS after - before) / N
    regmem_bytes_per_reg_bound   (PSS after Timer J - before) / N

The first is what ../shared/bench's `memory` scenario measures (it reads
PSS 3 s after the last REGISTER, transactions still in Timer J); the
second is the bindings alone (plus allocator slack the transactions
left behind). Loopback only.
"""
import argparse
import os
import socket
import sys
import time


def pss_kb(pid):
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    raise RuntimeError("no Pss line")


def register_msg(i, port, lport):
    user = "u%06d" % i
    return ("REGISTER sip:127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-rm-%d\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:%s@127.0.0.1>;tag=%dR%d\r\n"
            "To: <sip:%s@127.0.0.1>\r\n"
            "Call-ID: %d-%d@127.0.0.1\r\n"
            "CSeq: 1 REGISTER\r\n"
            "Contact: <sip:%s@127.0.0.1:%d>\r\n"
            "Expires: 3600\r\n"
            "User-Agent: bench-sipp\r\n"
            "Content-Length: 0\r\n\r\n") % (
                port, lport, i, user, os.getpid(), i, user, i, os.getpid(),
                user, lport)


def branch_of(data):
    k = data.find(b"branch=z9hG4bK-rm-")
    if k < 0:
        return None
    k += len(b"branch=z9hG4bK-rm-")
    e = k
    while e < len(data) and data[e:e + 1].isdigit():
        e += 1
    return int(data[k:e]) if e > k else None


def run(port, n, rate):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", 0))
    lport = s.getsockname()[1]
    s.setblocking(False)
    pending = {}          # i -> last send time
    ok = 0
    other = 0
    nxt = 1
    start = time.monotonic()
    deadline = start + n / rate + 60
    while (nxt <= n or pending) and time.monotonic() < deadline:
        now = time.monotonic()
        due = min(n, int((now - start) * rate) + 1)
        while nxt <= due and len(pending) < 2000:
            s.sendto(register_msg(nxt, port, lport).encode(), ("127.0.0.1", port))
            pending[nxt] = now
            nxt += 1
        try:
            while True:
                data = s.recv(65535)
                i = branch_of(data)
                if i is None or i not in pending:
                    continue
                if data.startswith(b"SIP/2.0 200"):
                    del pending[i]
                    ok += 1
                elif data[8:9] != b"1":
                    del pending[i]
                    other += 1
        except BlockingIOError:
            pass
        for i, t in list(pending.items())[:200]:
            if now - t > 1.0:   # lost: resend (same branch)
                s.sendto(register_msg(i, port, lport).encode(), ("127.0.0.1", port))
                pending[i] = now
        time.sleep(0.002)
    return ok, other, len(pending)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pid", type=int)
    ap.add_argument("port", type=int)
    ap.add_argument("--users", type=int, default=100000)
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--wait-j", type=float, default=0)
    a = ap.parse_args()
    before = pss_kb(a.pid)
    t0 = time.monotonic()
    ok, other, lost = run(a.port, a.users, a.rate)
    secs = time.monotonic() - t0
    time.sleep(3)
    after = pss_kb(a.pid)
    print("registered %d (other answers %d, unanswered %d) in %.1f s; "
          "PSS %d kB -> %d kB" % (ok, other, lost, secs, before, after))
    if not ok:
        sys.exit(1)
    print("BENCH regmem_bytes_per_reg_live %d B" % ((after - before) * 1024 // ok))
    if a.wait_j > 0:
        time.sleep(a.wait_j)
        later = pss_kb(a.pid)
        print("PSS %.0f s later: %d kB" % (a.wait_j, later))
        print("BENCH regmem_bytes_per_reg_bound %d B" % ((later - before) * 1024 // ok))
    sys.exit(0 if other == 0 and lost == 0 else 1)


if __name__ == "__main__":
    main()
