#!/bin/bash
# proxy_outbound.sh SIPD - RFC 5626 §5.3 flows: a user registered over
# TCP with +sip.instance and reg-id (a contact sipd could not reach by
# itself) gets its INVITE on the very connection it registered on (a
# plain registration is reached at its Contact: proxy_call.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin proxy_outbound "$@"
px_config
it_sipd_start

out=$(python3 - "$IT_PORT" <<'PY'
import random, sys
from siptest import Tcp, Udp, branch
port = int(sys.argv[1])
flow = Tcp(port)
tag = "%08x" % random.getrandbits(32)
reg = "\r\n".join([
    "REGISTER sip:127.0.0.1 SIP/2.0",
    "Via: SIP/2.0/TCP 127.0.0.1:%d;branch=%s" % (flow.lport, branch("o")),
    "Max-Forwards: 70",
    "From: <sip:carl@127.0.0.1>;tag=%s" % tag,
    "To: <sip:carl@127.0.0.1>",
    "Call-ID: ob-%s@itest" % tag,
    "CSeq: 1 REGISTER",
    "Supported: outbound",
    'Contact: <sip:carl@192.0.2.77:5999;transport=tcp;ob>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-00000000c4c1>";reg-id=1',
    "Expires: 300",
    "Content-Length: 0", "", ""]).encode()
flow.send(reg)
r = flow.recv(3.0)
if r is None or r.code != 200:
    print("REGISTER got %s" % (r.start if r else None)); sys.exit(1)
uac = Udp()
inv = "\r\n".join([
    "INVITE sip:carl@127.0.0.1 SIP/2.0",
    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (uac.port, branch("i")),
    "Max-Forwards: 70",
    "From: <sip:itest@client.invalid>;tag=%s" % tag,
    "To: <sip:carl@127.0.0.1>",
    "Call-ID: obi-%s@itest" % tag,
    "CSeq: 1 INVITE",
    "Content-Length: 0", "", ""]).encode()
uac.send(inv, port)
got = flow.recv(3.0)
if got is None or not got.start.startswith("INVITE sip:carl@192.0.2.77:5999;transport=tcp;ob "):
    print("nothing on the registration's connection: %s" % (got.start if got else None)); sys.exit(1)
print("INVITE came on the flow: %s" % got.start)
PY
) && it_pass "$out" || it_fail "$out"
it_end
