#!/bin/sh
# smoke.sh - the daemon end to end, quickly: start sipd on a free loopback
# port from a temporary configuration, check that it answers (OPTIONS over
# UDP and TCP, the core's answers of apps/sipd/core.h, a retransmission
# answered from its transaction), that garbage and malformed requests do
# not hurt it (400 with a reason naming the header), then SIGTERM: it must
# stop within the drain deadline with exit status 0 (with ASan builds, 0
# also means no leak and no memory error).
#
# usage: smoke.sh PATH/TO/sipd
# Only the sipd started here is ever signalled, by its PID.
set -u

SIPD=${1:?usage: smoke.sh PATH/TO/sipd}
dir=$(mktemp -d "${TMPDIR:-/tmp}/sipd-smoke.XXXXXX")
pid=""

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "smoke: FAIL: $*" >&2
	echo "---- sipd output:" >&2
	cat "$dir/sipd.log" >&2
	exit 1
}

# A port free for both UDP and TCP on 127.0.0.1 (the usual small race
# between finding it and sipd binding it is retried below).
free_port() {
	python3 - <<'PY'
import random, socket
for _ in range(100):
    port = random.randint(20000, 60000)
    try:
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            s.bind(("127.0.0.1", port))
            s.close()
    except OSError:
        continue
    print(port)
    break
PY
}

start_sipd() {
	cat >"$dir/sipd.yaml" <<EOF
server:
  name: sipd-smoke
log:
  level: debug
trace:
  enabled: true
  ring_size: 16
listen:
  - { transport: udp, address: 127.0.0.1, port: $port }
  - { transport: tcp, address: 127.0.0.1, port: $port }
transaction:
  t1_ms: 50
  t2_ms: 500
EOF
	"$SIPD" -c "$dir/sipd.yaml" >"$dir/sipd.log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q ' info started ' "$dir/sipd.log"; do
		kill -0 "$pid" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -le 200 ] || fail "sipd did not start within 10 s"
		sleep 0.05
	done
}

tries=0
while :; do
	port=$(free_port)
	[ -n "$port" ] || fail "no free port"
	start_sipd && break
	wait "$pid" 2>/dev/null
	pid=""
	tries=$((tries + 1))
	[ $tries -lt 3 ] || fail "sipd would not start"
done

python3 - "$port" <<'PY' || fail "probe"
import socket, sys, time

PORT = int(sys.argv[1])
ADDR = ("127.0.0.1", PORT)
n = 0

def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(2.0)
    return s

def request(method, ruri=None, sock=None, branch=None, cseq=None,
            extra="", version="SIP/2.0", callid=True, to_tag="", hops=70):
    global n
    n += 1
    ruri = ruri or "sip:127.0.0.1:%d" % PORT
    branch = branch or "z9hG4bK-smoke-%d" % n
    lp = sock.getsockname()[1]
    tp = "TCP" if sock.type == socket.SOCK_STREAM else "UDP"
    lines = ["%s %s %s" % (method, ruri, version),
             "Via: SIP/2.0/%s 127.0.0.1:%d;branch=%s;rport" % (tp, lp, branch),
             "Max-Forwards: %d" % hops,
             "From: <sip:smoke@127.0.0.1>;tag=f%s" % branch[-12:],
             "To: <%s>%s" % (ruri, to_tag)]
    if callid:
        lines.append("Call-ID: %s@smoke" % branch)
    lines.append("CSeq: %s" % (cseq or "1 " + method))
    lines += [l for l in extra.split("\r\n") if l]
    lines += ["Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()

def answer(data, sock):
    if sock.type == socket.SOCK_STREAM:
        sock.sendall(data)
        return sock.recv(65535).decode("utf-8", "replace")
    sock.sendto(data, ADDR)
    return sock.recvfrom(65535)[0].decode("utf-8", "replace")

def check(what, resp, status, *needles):
    first = resp.split("\r\n", 1)[0]
    if not first.startswith("SIP/2.0 %s" % status):
        sys.exit("%s: got %r, want %s" % (what, first, status))
    for x in needles:
        if x not in resp:
            sys.exit("%s: %r not in response:\n%s" % (what, x, resp))
    print("ok   %-40s %s" % (what, first))
    return resp

def header(resp, name):
    for l in resp.split("\r\n"):
        if l.lower().startswith(name.lower() + ":"):
            return l.split(":", 1)[1].strip()
    return None

# §17.1.1.3: the ACK for a non-2xx final response to an INVITE, which
# stops its retransmissions (and lets the SIGTERM below stop at once)
def ack(resp, ruri, branch):
    s.sendto(request("ACK", ruri, sock=s, branch=branch, cseq="1 ACK",
                     to_tag=";tag=" + header(resp, "To").split("tag=")[1]), ADDR)

s = udp()
port = s.getsockname()[1]
check("OPTIONS over UDP", answer(request("OPTIONS", sock=s), s), "200 ",
      "\r\nAllow: ", "OPTIONS", "\r\nAccept: application/sdp",
      "\r\nSupported:", "\r\nServer: sipd-smoke",
      "rport=%d;received=127.0.0.1" % port)

# garbage and a malformed request: no harm, and 400 names the header
s.sendto(b"\x00\xff this is not SIP \r\n\r\n", ADDR)
r = check("malformed CSeq", answer(request("OPTIONS", sock=s, cseq="abc OPTIONS"), s),
          "400 ")
if "CSeq" not in r.split("\r\n", 1)[0]:
    sys.exit("400 reason does not name the header: " + r.split("\r\n", 1)[0])
r = check("no Call-ID (stateless 400)",
          answer(request("OPTIONS", sock=s, callid=False), s), "400 ")
if "Call-ID" not in r.split("\r\n", 1)[0]:
    sys.exit("400 reason does not name the header: " + r.split("\r\n", 1)[0])

# a retransmission is answered from the transaction: the same To tag
req = request("OPTIONS", sock=s, branch="z9hG4bK-smoke-retrans")
t1 = header(answer(req, s), "To")
t2 = header(answer(req, s), "To")
if t1 != t2:
    sys.exit("retransmission answered anew: %r vs %r" % (t1, t2))
print("ok   %-40s %s" % ("retransmission answered by the transaction", t1))

# the answers of apps/sipd/core.h
check("SIP/3.0", answer(request("OPTIONS", sock=s, version="SIP/3.0"), s), "505 ")
check("unknown scheme", answer(request("OPTIONS", "mailto:a@example.com", sock=s), s), "416 ")
r = check("Max-Forwards 0", answer(request("INVITE", "sip:x@192.0.2.1", sock=s,
          branch="z9hG4bK-smoke-hops", hops=0), s), "483 ")
ack(r, "sip:x@192.0.2.1", "z9hG4bK-smoke-hops")
check("OPTIONS to sipd, Max-Forwards 0", answer(request("OPTIONS", sock=s, hops=0), s),
      "200 ")
check("unknown method", answer(request("FOO", sock=s), s), "501 ")
check("Require", answer(request("OPTIONS", sock=s,
      extra="Require: foo\r\nProxy-Require: bar"), s), "420 ",
      "\r\nUnsupported: foo, bar\r\n")
check("CANCEL matching nothing", answer(request("CANCEL", sock=s), s), "481 ")
check("REGISTER (no registrar)", answer(request("REGISTER", "sip:127.0.0.1", sock=s), s),
      "405 ", "\r\nAllow: ")
check("mid-dialog, no dialog", answer(request("BYE", sock=s, to_tag=";tag=x"), s), "481 ")
ruri = "sip:nobody@127.0.0.1:%d" % PORT
r = check("INVITE to an unknown user", answer(request("INVITE", ruri, sock=s,
          branch="z9hG4bK-smoke-inv"), s), "404 ")
ack(r, ruri, "z9hG4bK-smoke-inv")

t = socket.create_connection(ADDR, timeout=2.0)
check("OPTIONS over TCP", answer(request("OPTIONS", sock=t), t), "200 ", "\r\nAllow: ")
t.close()
check("OPTIONS again", answer(request("OPTIONS", sock=s), s), "200 ")
PY

grep -q ' recv UDP 127.0.0.1:' "$dir/sipd.log" || fail "no recv trace"
grep -q ' send UDP 127.0.0.1:' "$dir/sipd.log" || fail "no send trace"
grep -q ' debug malformed request ' "$dir/sipd.log" || fail "malformed request not logged"

# SIGTERM: every transaction is done or absorbing only, so the stop is
# quick; the drain deadline with T1 = 50 ms is 3.2 s at most anyway.
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "sipd still running 5 s after SIGTERM"
	sleep 0.05
done
wait "$pid"
status=$?
pid=""
[ $status -eq 0 ] || fail "exit status $status after SIGTERM"
grep -q ' info stopped ' "$dir/sipd.log" || fail "no 'stopped' log line"
echo "smoke: ok"
