#!/bin/bash
# sipua_message.sh SIPD - requests outside a dialog between two sipua:
#  - MESSAGE (RFC 3428): A's text/plain reaches B, which prints it; A
#    exits 0 with result=ok code=200;
#  - OPTIONS (RFC 3261 11): B answers 200 with its Allow (PRACK, UPDATE,
#    INFO, REFER, ...); A prints it and exits 0;
#  - B in answer mode takes one call only (--calls 1): a second INVITE
#    while the first is up gets 486 (exit 3 for that caller);
#  - SIGTERM during a call: BYE, then exit 0;
#  - a malformed request gets 400 with a reason naming the problem; an
#    unknown Require 420 + Unsupported, bad SDP 488, BYE outside a dialog
#    481, REFER/SUBSCRIBE outside a dialog 405, a Session-Expires below
#    Min-SE 422 + Min-SE; sipua goes on;
#  - `answer --wait` without any call: exit 5, result=timeout.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_message "$@"

ua_start b --local-port "$UA_P1" --duration 1.5 answer
sleep 0.3
ua_start m --local-port "$UA_P2" message "sip:b@127.0.0.1:$UA_P1" "hello there"
ua_wait m
ua_expect m 0 result=ok code=200
ua_start o --local-port "$UA_P2" options "sip:b@127.0.0.1:$UA_P1"
ua_wait o
ua_expect o 0 result=ok code=200
ua_grep o "ALLOW .*PRACK.*UPDATE.*INFO.*REFER" "B's Allow lists PRACK, UPDATE, INFO, REFER"
ua_start c1 --local-port "$UA_P2" call "sip:b@127.0.0.1:$UA_P1"
ua_wait_for c1 "ANSWERED"
ua_start c2 --local-port "$UA_P3" call "sip:b@127.0.0.1:$UA_P1"
ua_wait c2
ua_expect c2 3 result=busy code=486
ua_wait c1
ua_wait b
ua_expect c1 0 result=answered
ua_expect b 0 result=answered call=1
ua_grep b "MESSAGE from sip:sipua@127.0.0.1: hello there" "B printed the MESSAGE text"

# SIGTERM during a call: sipua hangs up (BYE answered) and exits 0
ua_start b2 --local-port "$UA_P1" answer
sleep 0.3
ua_start c3 --local-port "$UA_P2" call "sip:b@127.0.0.1:$UA_P1"
ua_wait_for b2 "ANSWERED"
# the sipua process itself (the child of timeout(1) we started)
kill -TERM "$(pgrep -P "${UA_PID[b2]}")"
ua_wait b2
ua_wait c3
ua_expect b2 0 result=answered
ua_grep b2 "RESPONSE 200 BYE" "SIGTERM: sipua's BYE was answered before it exited"
ua_expect c3 0 result=answered
ua_grep c3 "BYE received" "SIGTERM: the caller got the BYE"

# garbage: a request with a broken CSeq gets a 400 naming it, and sipua
# goes on (the call after it is answered)
ua_start b3 --local-port "$UA_P1" --duration 0.3 answer
sleep 0.3
out=$(UA_PORT=$UA_P1 it_py <<'PY'
import os
from siptest import Udp, request
port = int(os.environ["UA_PORT"])
u = Udp()
raw = request("OPTIONS", "127.0.0.1", port, lport=u.port).replace(b"CSeq: 1 OPTIONS", b"CSeq: x OPTIONS")
u.send(raw, port)
m = u.recv(3)
print(m.start if m else "no answer")
PY
)
if [[ $out == "SIP/2.0 400 "*CSeq* ]]; then
	it_pass "malformed request answered: $out"
else
	it_fail "malformed request: got '$out', want 400 naming CSeq"
fi
# requests sipua must refuse, each with its status
out=$(UA_PORT=$UA_P1 it_py <<'PY'
import os
from siptest import Udp, request
port = int(os.environ["UA_PORT"])
u = Udp()
cases = [
    ("unknown Require", "INVITE", ["Require: foo-ext"], b"", "420", "Unsupported", "foo-ext"),
    ("bad SDP", "INVITE", ["Content-Type: application/sdp"], b"v=0\r\nnonsense\r\n", "488", None, None),
    ("BYE outside a dialog", "BYE", [], b"", "481", None, None),
    ("REFER outside a dialog", "REFER", ["Refer-To: <sip:x@127.0.0.1>"], b"", "405", "Allow", "REFER"),
    ("SUBSCRIBE", "SUBSCRIBE", ["Event: presence"], b"", "405", None, None),
    ("Session-Expires below Min-SE", "INVITE", ["Supported: timer", "Session-Expires: 30"], b"", "422", "Min-SE", "90"),
]
bad = []
for what, method, extra, body, code, hdr, val in cases:
    u.send(request(method, "127.0.0.1", port, lport=u.port, extra=extra, body=body), port)
    m = u.recv(3)
    while m is not None and m.start.startswith("SIP/2.0 1"):
        m = u.recv(3)
    if m is None or not m.start.startswith("SIP/2.0 " + code):
        bad.append("%s: %s" % (what, m.start if m else "no answer"))
    elif hdr and val not in (m.get(hdr) or ""):
        bad.append("%s: %s %s" % (what, hdr, m.get(hdr)))
print("; ".join(bad) if bad else "all refused as expected")
PY
)
if [ "$out" = "all refused as expected" ]; then
	it_pass "420 Unsupported, 488, 481, 405, 422 Min-SE for requests sipua cannot take"
else
	it_fail "refusals: $out"
fi
ua_start c4 --local-port "$UA_P2" call "sip:b@127.0.0.1:$UA_P1"
ua_wait c4
ua_wait b3
ua_expect c4 0 result=answered

ua_start w --local-port "$UA_P4" --wait 0.5 answer
ua_wait w
ua_expect w 5 result=timeout
it_end
