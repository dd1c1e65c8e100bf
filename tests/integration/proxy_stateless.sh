#!/bin/bash
# proxy_stateless.sh SIPD - proxy.stateless (RFC 3261 §16.11): a request
# for another domain is forwarded without a transaction (no 100 Trying
# comes back), with sipd's Via on top and Max-Forwards decremented; its
# retransmission is forwarded again with the same branch; the response
# is passed back to the caller without sipd's Via. The caller's Via
# carries the rport value sipd saw (RFC 3581), so the response finds it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin proxy_stateless "$@"
px_config "proxy:
  enabled: true
  stateless: true"
it_sipd_start

out=$(python3 - "$IT_PORT" <<'PY'
import random, sys
from siptest import Udp, branch
port = int(sys.argv[1])
uac, uas = Udp(), Udp()
tag = "%08x" % random.getrandbits(32)
req = "\r\n".join([
    "MESSAGE sip:bob@127.0.0.1:%d SIP/2.0" % uas.port,
    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (uac.port, branch("s")),
    "Max-Forwards: 10",
    "From: <sip:itest@client.invalid>;tag=%s" % tag,
    "To: <sip:bob@127.0.0.1:%d>" % uas.port,
    "Call-ID: sl-%s@itest" % tag,
    "CSeq: 1 MESSAGE",
    "Content-Length: 0", "", ""]).encode()
errs = []
uac.send(req, port)
a = uas.recv(2.0)
uac.send(req, port)
b = uas.recv(2.0)
if a is None or b is None:
    print("request not forwarded (twice)"); sys.exit(1)
va, vb = a.all("via"), b.all("via")
if len(va) != 2 or "branch=z9hG4bKsp" not in va[0]:
    errs.append("Via %s" % va)
if "rport=%d" % uac.port not in va[1]:
    errs.append("the caller's Via lacks rport=%d: %s" % (uac.port, va[1]))
if va[0] != vb[0]:
    errs.append("retransmission got another branch: %s / %s" % (va[0], vb[0]))
if a.get("max-forwards") != "9":
    errs.append("Max-Forwards %s" % a.get("max-forwards"))
if uac.recv(0.3) is not None:
    errs.append("the caller got an answer from sipd itself")
lines = ["SIP/2.0 200 OK"] + ["Via: %s" % v for v in va] + [
    "From: %s" % a.get("from"), "To: %s;tag=u1" % a.get("to"),
    "Call-ID: %s" % a.get("call-id"), "CSeq: 1 MESSAGE", "Content-Length: 0", "", ""]
uas.send("\r\n".join(lines).encode(), port)
r = uac.recv(2.0)
if r is None or r.code != 200:
    errs.append("no 200 back to the caller")
elif len(r.all("via")) != 1:
    errs.append("the 200 kept sipd's Via: %s" % r.all("via"))
print("; ".join(errs) if errs else "forwarded twice with branch %s, 200 back"
      % va[0].split("branch=")[1])
sys.exit(1 if errs else 0)
PY
) && it_pass "$out" || it_fail "$out"
it_end
