#!/bin/bash
# tcp_framing.sh SIPD - sipd frames a TCP byte stream by Content-Length
# (RFC 3261 18.3), whatever the segment boundaries. With python sockets
# (TCP_NODELAY, a pause between sends so each send is its own segment):
#  A. one OPTIONS in 3 segments (cut in the request line and in the
#     Call-ID value), then one cut between the two CRLFs that end the
#     headers: no answer before the last segment, then exactly one 200;
#  B. an OPTIONS with an SDP body, cut inside the body: no answer before
#     the body is complete, then one 200;
#  C. two OPTIONS in one segment (the second in compact form, "v:" "l:"
#     ...) -> two 200s, in order, each with its request's branch and
#     CSeq, each exactly as long as its Content-Length says; over IPv4
#     and IPv6;
#  D. two and a half OPTIONS in one segment, the rest of the third in the
#     next -> three 200s in order;
#  E. a CRLFCRLF keep-alive ping (RFC 5626 4.4.1) -> a CRLF pong, and the
#     stream stays in step (an OPTIONS after it gets its 200).
# After each case no stray bytes may be left and the connection is open.
. "$(dirname "$0")/lib.sh"
it_begin tcp_framing "$@"
it_config 500 4000
it_sipd_start

if out=$(it_py <<'PY'
import os, sys, time
import siptest
from siptest import V4, V6, Tcp, request, branch

port = int(os.environ["IT_PORT"])
v6 = os.environ.get("IT_V6") == "1"
PAUSE = 0.3
errs, oks = [], []


def opt(t, cseq, extra=(), body=b"", compact=False):
    b = branch("tcp%d" % cseq)
    req = request("OPTIONS", t.host, port, "TCP", lport=t.lport, branch_=b,
                  cseq=cseq, callid="tcp-framing-%d@itest" % cseq, extra=extra, body=body)
    if compact:
        for long, short in ((b"\r\nVia:", b"\r\nv:"), (b"\r\nFrom:", b"\r\nf:"),
                            (b"\r\nTo:", b"\r\nt:"), (b"\r\nCall-ID:", b"\r\ni:"),
                            (b"\r\nContent-Length:", b"\r\nl:")):
            req = req.replace(long, short)
    return req, b


def check_answers(case, t, sent, timeout=3.0):
    """sent: [(branch, cseq)]; the answers must be 200s in that order."""
    got = []
    for _ in sent:
        m = t.recv(timeout)
        if m is None:
            break
        got.append(m)
    bad = []
    if len(got) != len(sent):
        bad.append("%d answers, want %d%s" % (len(got), len(sent),
                                               " (connection closed)" if t.closed else ""))
    for (b, cseq), m in zip(sent, got):
        if m.code != 200:
            bad.append("%r for CSeq %d" % (m.start, cseq))
        elif siptest.top_branch(m) != b or m.get("CSeq") != "%d OPTIONS" % cseq:
            bad.append("answer out of order: branch %s CSeq %s, want %s / %d"
                       % (siptest.top_branch(m), m.get("CSeq"), b, cseq))
        elif int(m.get("Content-Length") or -1) != len(m.body):
            bad.append("Content-Length %s for %d body bytes" % (m.get("Content-Length"), len(m.body)))
    extra = t.recv(0.3)
    if extra is not None:
        bad.append("an extra message: %r" % extra.start)
    if t.buf:
        bad.append("%d stray bytes after the answers: %r" % (len(t.buf), t.buf[:80]))
    if t.closed:
        bad.append("sipd closed the connection")
    if bad:
        errs.append("%s: %s" % (case, "; ".join(bad)))
    else:
        oks.append(case)


def early(case, t):
    """Nothing may come back before the message is complete."""
    m = t.recv(PAUSE)
    if m is not None:
        errs.append("%s: answer %r before the message was complete" % (case, m.start))
        return True
    return False


# A: three segments, then two cut between the CRLFs ending the headers.
t = Tcp(port)
req, b = opt(t, 1)
cuts = [req.index(b" SIP/2.0") - 3, req.index(b"Call-ID:") + 12]
parts = [req[:cuts[0]], req[cuts[0]:cuts[1]], req[cuts[1]:]]
for i, p in enumerate(parts):
    t.send(p)
    if i < len(parts) - 1 and early("A (OPTIONS in 3 segments)", t):
        break
check_answers("A (one OPTIONS in 3 segments: cut in the request line and in Call-ID)",
              t, [(b, 1)])
req, b = opt(t, 11)
cut = req.index(b"\r\n\r\n") + 2
t.send(req[:cut])
if not early("A (cut between the final CRLFs)", t):
    t.send(req[cut:])
    check_answers("A (one OPTIONS cut between the CRLFs ending its headers)", t, [(b, 11)])
t.close()

# B: body cut in two.
t = Tcp(port)
sdp = ("v=0\r\no=itest 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
       "t=0 0\r\nm=audio 9 RTP/AVP 0\r\n").encode()
req, b = opt(t, 2, extra=("Content-Type: application/sdp",), body=sdp)
cut = len(req) - len(sdp) // 2
t.send(req[:cut])
if not early("B (body split)", t):
    t.send(req[cut:])
    check_answers("B (body split across segments)", t, [(b, 2)])
t.close()

# C: two in one segment, IPv4 and IPv6.
for host in [V4] + ([V6] if v6 else []):
    t = Tcp(port, host)
    r1, b1 = opt(t, 3)
    r2, b2 = opt(t, 4, compact=True)
    t.send(r1 + r2)
    check_answers("C (two OPTIONS in one segment, %s)" % host, t, [(b1, 3), (b2, 4)])
    t.close()

# D: two and a half, then the rest.
t = Tcp(port)
r = [opt(t, n) for n in (5, 6, 7)]
blob = r[0][0] + r[1][0] + r[2][0]
cut = len(r[0][0]) + len(r[1][0]) + len(r[2][0]) // 2
t.send(blob[:cut])
first = [t.recv(3.0), t.recv(3.0)]
if None in first:
    errs.append("D: the two whole messages of the first segment were not both answered")
else:
    early("D (third message incomplete)", t)
    t.send(blob[cut:])
    third = t.recv(3.0)
    got = first + [third]
    if third is None:
        errs.append("D: no answer for the third message")
    elif [siptest.top_branch(m) for m in got] != [x[1] for x in r] or any(m.code != 200 for m in got):
        errs.append("D: answers %s out of order or not 200" % [m.start for m in got])
    elif t.buf or t.recv(0.3) is not None:
        errs.append("D: stray bytes after the answers")
    else:
        oks.append("D (two and a half in one segment, the rest after)")
t.close()

# E: keep-alive ping, then a request.
t = Tcp(port)
t.send(b"\r\n\r\n")
m = t.recv(2.0)
if m is None or m.raw != b"\r\n":
    errs.append("E: CRLFCRLF ping answered with %r, want a CRLF pong (RFC 5626 4.4.1)"
                % (m.raw if m else "nothing"))
req, b = opt(t, 8)
t.send(req)
check_answers("E (CRLFCRLF keep-alive, then OPTIONS)", t, [(b, 8)])
t.close()

for o in oks:
    print("ok:", o)
for e in errs:
    print("FAILED:", e)
sys.exit(1 if errs else 0)
PY
); then
	while read -r line; do it_pass "${line#ok: }"; done <<<"$out"
else
	it_fail "framing:"
	echo "$out" | sed 's/^/  /'
fi

it_sipd_alive "after the framing cases"
it_end
