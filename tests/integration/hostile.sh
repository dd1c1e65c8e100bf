#!/bin/bash
# hostile.sh SIPD - bad input is normal input (docs/architecture.md):
#  1. every RFC 4475 3.1.2 invalid message (tests/data/torture/, see its
#     README.md) sent over UDP, then over TCP (a new connection each),
#     must get the answer the RFC asks for where one is possible, with a
#     reason phrase naming the problem, or none where none is possible;
#     never a crash (sipd must be alive after each message):
#       - the two invalid responses (scalarlg, bigcode): no answer, ever;
#       - badinv01 (its top Via is the bad part): 400 or no answer;
#       - badvers: 505; mismatch02: 501 or 400;
#       - baddate, regbadct (the RFC lets an element accept them when it
#         does not use Date / is no registrar): any 4xx;
#       - clerr (Content-Length past the end) and ncl (negative) over TCP:
#         the framer cannot find the end, so 400 or no answer;
#       - every other one: 400 whose reason names the bad part (table
#         below), and an answer is required.
#     Each message is sent as the file has it, except that its top Via
#     names the test's socket (127.0.0.1 and its port, transport TCP over
#     TCP) so an answer comes back to the test and nowhere else, and the
#     example.com/.net/.org hosts of its request line become 127.0.0.1.
#  2. then OPTIONS over UDP and TCP (IPv4, IPv6) still gets 200;
#  3. random garbage (fixed seed) as UDP datagrams gets no answer; as a
#     TCP stream, and a 10 MB header line on another connection, make
#     sipd close THAT connection, while a connection opened before them
#     still gets its 200 to an OPTIONS afterwards, and so do new ones.
. "$(dirname "$0")/lib.sh"
it_begin hostile "$@"
TORTURE=$(cd "$IT_SRC/../data/torture" && pwd) || it_die "tests/data/torture is missing"
it_config 500 4000
it_sipd_start

# 1: the torture messages.
if out=$(it_py "$TORTURE" "$IT_SIPD_PID" <<'PY'
import os, re, sys
import siptest
from siptest import V4, Udp, Tcp

tdir, pid = sys.argv[1], int(sys.argv[2])
port = int(os.environ["IT_PORT"])
WAIT = 0.6   # seconds to wait for an answer that may not come

# name: (allowed codes, answer required, reason must match) per transport
def rule(codes, required, reason=None):
    return (set(codes), required, reason)
ANY4XX = range(400, 500)
RULES = {
    "badinv01": rule([400], False),
    "clerr":    rule([400], True, r"content-length"),
    "ncl":      rule([400], True, r"content-length"),
    "scalar02": rule([400], True, r"cseq"),
    "scalarlg": rule([], False),
    "quotbal":  rule([400], True, r"\bto\b"),
    "ltgtruri": rule([400], True, r"request.?(uri|line)"),
    "lwsruri":  rule([400], True, r"request.?(uri|line)"),
    "lwsstart": rule([400], True, r"request.?(uri|line)"),
    "trws":     rule([400], True, r"request.?(uri|line)|version"),
    "escruri":  rule([400], True, r"request.?(uri|line)"),
    "baddate":  rule(ANY4XX, True),
    "regbadct": rule(ANY4XX, True),
    "badaspec": rule([400], True, r"\bto\b"),
    "baddn":    rule([400], True, r"\b(from|to)\b"),
    "badvers":  rule([505], True),
    "mismatch01": rule([400], True, r"cseq"),
    "mismatch02": rule([501, 400], True),
    "bigcode":  rule([], False),
}
TCP_RULES = dict(RULES, clerr=rule([400], False), ncl=rule([400], False))

# The invalid ones, as the README's 3.1.2 table lists them.
readme = open(os.path.join(tdir, "README.md")).read()
invalid = re.findall(r"^\| (\w+)\.dat \| 3\.1\.2\.\d+ \|", readme, re.M)
missing = set(RULES) - set(invalid)
if missing or len(invalid) != len(RULES):
    print("FAILED: README.md's invalid table (%s) does not match this test's (%s)"
          % (sorted(invalid), sorted(RULES)))
    sys.exit(1)


def retarget(data, host, lport, transport):
    """Top Via -> host:lport (and the transport), request-line hosts ->
    127.0.0.1; everything else byte for byte."""
    head, sep, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines[0].startswith(b"SIP/"):
        lines[0] = re.sub(rb"[A-Za-z0-9.-]*example\.(com|net|org)", b"127.0.0.1", lines[0])
    for i, l in enumerate(lines):
        m = re.match(rb"(?i)(via|v)(\s*:\s*SIP\s*/\s*[\d.]+\s*/\s*)(\w+)(\s+)([^;,\s]+)", l)
        if m:
            lines[i] = (l[:m.start(3)] + transport + m.group(4) +
                        b"%s:%d" % (host.encode(), lport) + l[m.end(5):])
            break
    return b"\r\n".join(lines) + sep + body


def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def judge(name, tr, data, got, rules, closed=False):
    codes, required, reason = rules[name]
    req = not data.startswith(b"SIP/")
    callid = re.search(rb"(?im)^(?:call-id|i)[ \t]*:[ \t]*(\S+)", data)
    callid = callid.group(1).decode("latin-1") if callid else None
    finals = [m for m in got if m.code is None or m.code >= 200]
    if not req and got:
        return "a response (%s) got an answer: %s" % (name, [m.start for m in got])
    if not finals:
        return "no answer, want %s" % sorted(codes)[:3] if required else None
    if len(finals) > 1:
        return "%d answers: %s" % (len(finals), [m.start for m in finals])
    m = finals[0]
    if m.code not in codes:
        return "answered %r, want %s" % (m.start, sorted(codes)[:3] if len(codes) < 4 else "4xx")
    if callid and m.get("Call-ID") != callid:
        return "answer has Call-ID %r, want %r" % (m.get("Call-ID"), callid)
    if reason and not re.search(reason, m.reason or "", re.I):
        return "reason phrase %r does not name the problem (want /%s/)" % (m.reason, reason)
    return None


errs, seen = [], []
for name in invalid:
    data = open(os.path.join(tdir, name + ".dat"), "rb").read()
    # UDP
    u = Udp(V4)
    u.send(retarget(data, V4, u.port, b"UDP"), port)
    got = u.recv_all(0.15, first=WAIT)
    u.close()
    why = judge(name, "udp", data, got, RULES)
    if why:
        errs.append("%s over UDP: %s" % (name, why))
    seen.append("%s/udp:%s" % (name, ",".join(str(m.code) for m in got) or "-"))
    if not alive():
        errs.append("sipd died on %s over UDP" % name)
        break
    # TCP, a connection of its own
    t = Tcp(port, V4)
    try:
        t.send(retarget(data, V4, t.lport, b"TCP"))
    except OSError:
        pass
    got = t.recv_all(0.15, first=WAIT)
    t.close()
    why = judge(name, "tcp", data, got, TCP_RULES)
    if why:
        errs.append("%s over TCP: %s" % (name, why))
    seen.append("%s/tcp:%s" % (name, ",".join(str(m.code) for m in got) or "-"))
    if not alive():
        errs.append("sipd died on %s over TCP" % name)
        break

print("answers: " + " ".join(seen))
for e in errs:
    print("FAILED: " + e)
sys.exit(1 if errs else 0)
PY
); then
	it_pass "RFC 4475 invalid messages over UDP and TCP"
	echo "$out" | fold -s -w 100 | sed 's/^/  /'
else
	it_fail "RFC 4475 invalid messages:"
	echo "$out" | fold -s -w 100 | sed 's/^/  /'
fi
it_sipd_alive "after the RFC 4475 invalid messages"

# 2: still answering.
if out=$(it_py <<'PY'
import os, sys
from siptest import options_ok, V4, V6
port = int(os.environ["IT_PORT"])
bad = []
for host in [V4] + ([V6] if os.environ["IT_V6"] == "1" else []):
    for tr in ("udp", "tcp"):
        if not options_ok(port, host, tr):
            bad.append("%s %s" % (host, tr))
print("no 200 to OPTIONS over " + ", ".join(bad) if bad else "OPTIONS still answered 200")
sys.exit(1 if bad else 0)
PY
); then
	it_pass "$out"
else
	it_fail "after the invalid messages: $out"
fi

# 3: garbage and a 10 MB header line.
if out=$(it_py "$IT_SIPD_PID" <<'PY'
import os, random, socket, sys, time
import siptest
from siptest import V4, Udp, Tcp, request

pid = int(sys.argv[1])
port = int(os.environ["IT_PORT"])
rng = random.Random(4475)          # fixed seed: the same garbage every run
errs, oks = [], []

# A connection opened before the abuse, answered once to be sure of it.
keep = Tcp(port, V4, timeout=5)
keep.send(request("OPTIONS", V4, port, "TCP", lport=keep.lport))
m = keep.recv(3.0)
if m is None or m.code != 200:
    print("FAILED: the bystander connection got no 200 at the start")
    sys.exit(1)

# UDP garbage: no answer.
u = Udp(V4)
for _ in range(64):
    u.send(rng.randbytes(rng.randrange(1, 1400)), port)
got = u.recv_all(0.3, first=1.0)
u.close()
if got:
    errs.append("UDP garbage was answered: %s" % [m.start for m in got])
else:
    oks.append("64 garbage datagrams: no answer")

def abuse(label, chunks):
    """Send chunks on a new connection until sipd closes it; True if it
    did within 10 s."""
    t = Tcp(port, V4, timeout=5)
    deadline = time.monotonic() + 10
    sent = 0
    try:
        for c in chunks:
            t.sock.sendall(c)
            sent += len(c)
            if time.monotonic() > deadline:
                break
    except (BrokenPipeError, ConnectionResetError):
        t.close()
        return True, sent
    except socket.timeout:
        pass
    closed = t.wait_closed(max(0.5, deadline - time.monotonic()))
    t.close()
    return closed, sent

# TCP garbage, 1 MiB in 64 KiB pieces.
closed, sent = abuse("garbage", (rng.randbytes(65536) for _ in range(16)))
(oks if closed else errs).append(
    "random garbage over TCP: connection %s after %d bytes"
    % ("closed by sipd" if closed else "NOT closed within 10 s", sent))

# A 10 MB header line.
head = ("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-long\r\n"
        "X-Long: " % siptest.hostport(V4, port)).encode()
line = [head] + [b"a" * 65536] * 160          # 10 MiB, no CRLF
closed, sent = abuse("long line", line)
(oks if closed else errs).append(
    "10 MB header line over TCP: connection %s after %d bytes"
    % ("closed by sipd" if closed else "NOT closed within 10 s", sent))

try:
    os.kill(pid, 0)
except OSError:
    print("FAILED: sipd died")
    sys.exit(1)

# The bystander still works, and so do new connections and UDP.
try:
    keep.send(request("OPTIONS", V4, port, "TCP", lport=keep.lport))
    m = keep.recv(3.0)
except OSError as e:
    m = None
if m is None or m.code != 200:
    errs.append("the connection opened before the abuse no longer gets 200 (%s)"
                % ("closed" if keep.closed else m.start if m else "no answer"))
else:
    oks.append("the connection opened before still gets 200")
keep.close()
for tr in ("tcp", "udp"):
    if not siptest.options_ok(port, V4, tr):
        errs.append("a new %s OPTIONS gets no 200" % tr)
for o in oks:
    print("ok: " + o)
for e in errs:
    print("FAILED: " + e)
sys.exit(1 if errs else 0)
PY
); then
	while read -r line; do it_pass "${line#ok: }"; done <<<"$out"
else
	it_fail "garbage / long line:"
	echo "$out" | sed 's/^/  /'
fi

it_sipd_alive "after the garbage"
it_end
