#!/bin/bash
# register_retrans.sh SIPD - a REGISTER retransmitted over UDP after its
# 200 is answered from the transaction's Completed state (RFC 3261
# §17.2.2), which sipd keeps as a compact record (src/txn/done.c), and
# is not processed again; after Timer J (64*T1 = 6.4 s here) the same
# bytes are a new transaction:
#   1. REGISTER -> 200;
#   2. the same bytes 0.3 s later (the record has taken over by then) and
#      3 s later -> the same 200, byte for byte (a second processing would
#      draw another To tag and print another Date);
#   3. the same bytes after Timer J -> an answer with another To tag.
# timeout: 60
. "$(dirname "$0")/lib.sh"
it_begin register_retrans "$@"
it_config 100 4000 "server:
  domains: [ example.test ]
store:
  backend: sqlite
  path: $IT_DIR/sipd.db
registrar:
  enabled: true
auth:
  register: false"
it_sipd_start

python3 - "$IT_PORT" >"$IT_DIR/py.out" 2>&1 <<'PY'
import sys, time
import siptest as st

port = int(sys.argv[1])
u = st.Udp()
reg = ("REGISTER sip:example.test SIP/2.0\r\n"
       "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-rr-1;rport\r\n"
       "Max-Forwards: 70\r\n"
       "From: <sip:carol@example.test>;tag=rr1\r\n"
       "To: <sip:carol@example.test>\r\n"
       "Call-ID: rr-1@127.0.0.1\r\n"
       "CSeq: 7 REGISTER\r\n"
       "Contact: <sip:carol@127.0.0.1:%d>\r\n"
       "Expires: 600\r\n"
       "Content-Length: 0\r\n\r\n") % (u.port, u.port)
errs = []

def ask():
    u.send(reg.encode(), port)
    r = u.recv(2.0)
    if r is None:
        errs.append("no answer")
    return r

first = ask()
if first is None or first.code != 200:
    print("first answer: %r" % first)
    sys.exit(1)
time.sleep(0.3)
again = ask()
time.sleep(3.0)
later = ask()
for name, r in (("0.3 s", again), ("3.3 s", later)):
    if r is not None and r.raw != first.raw:
        errs.append("retransmission after %s got other bytes:\n%s\n--- first:\n%s"
                    % (name, r.raw.decode(errors="replace"),
                       first.raw.decode(errors="replace")))
time.sleep(3.5)   # past Timer J = 6.4 s after the 200
new = ask()
if new is not None and new.get("To") == first.get("To"):
    errs.append("after Timer J the answer has the same To (%s): not a new "
                "transaction" % new.get("To"))
for e in errs:
    print(e)
sys.exit(1 if errs else 0)
PY
if [ $? -eq 0 ]; then
	it_pass "retransmissions answered byte for byte until Timer J, a new transaction after"
else
	it_fail "$(cat "$IT_DIR/py.out")"
fi
it_sipd_alive "after the retransmissions"
it_end
