#!/bin/bash
# proxy_resolve.sh SIPD - a request for another domain whose host is a
# name goes to the address the resolver gives (uv_getaddrinfo, off the
# loop; no NAPTR/SRV): INVITE sip:bob@localhost:PORT reaches a python
# UAS on 127.0.0.1:PORT with sipd's Via and Record-Route on top, its 200
# comes back to the caller, and the caller's ACK (Route: sipd, Request-
# URI the UAS's Contact sip:bob@localhost:PORT) is resolved the same way
# and forwarded statelessly to the UAS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin proxy_resolve "$@"
getent ahosts localhost | grep -q '^127\.0\.0\.1' || { echo "SKIP: localhost is not 127.0.0.1 here"; exit 0; }
px_config
it_sipd_start

out=$(python3 - "$IT_PORT" <<'PY'
import random, sys
from siptest import Udp, branch
port = int(sys.argv[1])
uac, uas = Udp(), Udp()
tag = "%08x" % random.getrandbits(32)
ruri = "sip:bob@localhost:%d" % uas.port
req = "\r\n".join([
    "INVITE %s SIP/2.0" % ruri,
    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (uac.port, branch("n")),
    "Max-Forwards: 70",
    "From: <sip:itest@client.invalid>;tag=%s" % tag,
    "To: <%s>" % ruri,
    "Call-ID: rs-%s@itest" % tag,
    "CSeq: 1 INVITE",
    "Content-Length: 0", "", ""]).encode()
uac.send(req, port)
a = uas.recv(3.0)
if a is None:
    print("nothing reached 127.0.0.1:%d" % uas.port); sys.exit(1)
errs = []
if not a.start.startswith("INVITE " + ruri):
    errs.append("request line %s" % a.start)
if len(a.all("via")) != 2 or not a.get("record-route"):
    errs.append("Via %s Record-Route %s" % (a.all("via"), a.get("record-route")))
contact = "<sip:bob@localhost:%d>" % uas.port
lines = ["SIP/2.0 200 OK"] + ["Via: %s" % v for v in a.all("via")] + [
    "Record-Route: %s" % a.get("record-route"),
    "From: %s" % a.get("from"), "To: %s;tag=u1" % a.get("to"),
    "Call-ID: %s" % a.get("call-id"), "CSeq: 1 INVITE",
    "Contact: %s" % contact, "Content-Length: 0", "", ""]
uas.send("\r\n".join(lines).encode(), port)
codes = []
while True:
    r = uac.recv(3.0)
    if r is None or r.code is None:
        break
    codes.append(r.code)
    if r.code >= 200:
        break
if codes[-1:] != [200]:
    errs.append("caller got %s" % codes)
ack = "\r\n".join([
    "ACK sip:bob@localhost:%d SIP/2.0" % uas.port,
    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (uac.port, branch("a")),
    "Route: %s" % a.get("record-route"),
    "Max-Forwards: 70",
    "From: <sip:itest@client.invalid>;tag=%s" % tag,
    "To: <%s>;tag=u1" % ruri,
    "Call-ID: rs-%s@itest" % tag,
    "CSeq: 1 ACK",
    "Content-Length: 0", "", ""]).encode()
uac.send(ack, port)
got = uas.recv(3.0)
if got is None or not got.start.startswith("ACK sip:bob@localhost:%d" % uas.port):
    errs.append("the ACK did not reach the UAS: %s" % got)
elif got.get("route"):
    errs.append("the ACK kept Route %s" % got.get("route"))
print("; ".join(errs) if errs else "%s resolved for the INVITE and its ACK, caller got %s" % (ruri, codes))
sys.exit(1 if errs else 0)
PY
) && it_pass "$out" || it_fail "$out"
it_end
