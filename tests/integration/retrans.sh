#!/bin/bash
# retrans.sh SIPD - a request retransmitted by the client is answered
# from its server transaction (RFC 3261 17.2.1, 17.2.2, matched per
# 17.2.3), not processed twice:
#  1. sipp (sipp/retrans_options.xml, UDP): an OPTIONS, then the same
#     bytes again after the 200 -> two 200s, byte for byte the same (the
#     same To tag: sipd draws a new random tag for every request it
#     processes, so a second processing would show).
#  2. sipp (sipp/retrans_invite.xml, UDP): an INVITE to an unknown user,
#     again after the 404, then the ACK -> two identical 404s, and none
#     after the ACK (T1 = 500 ms: Timer G would fire in the 1.5 s pause).
#  3. python, UDP: two copies back to back before reading anything, for
#     OPTIONS (200) and an unknown method (501) -> two identical answers.
# Then from sipd's --trace on stderr (trace.h's text format): every copy
# shows as received and every answer as sent, each pair identical; and
# sipd's "stopped" summary counts as answered (responses built) exactly
# one per transaction the trace shows (distinct top-Via branch and
# method, the ACK belonging to its INVITE): a retransmission processed
# again would build one more. The exception is an ordinary OPTIONS to
# sipd itself, which is answered statelessly (RFC 3261 8.2.7) with a To
# tag derived from the request: each copy is answered again, with the
# same bytes, so it counts once per copy.
. "$(dirname "$0")/lib.sh"
it_begin retrans "$@"
it_config 500 4000
it_sipd_start --trace

# 1, 2: sipp, -nr: no retransmissions of its own and no retransmission
# detection, so every response must match a <recv> of the scenario.
for sc in options invite; do
	it_sipp_ok "retrans-$sc" "retrans_$sc.xml" u1 4 -nr || continue
	if out=$(it_py "$IT_DIR/retrans-$sc.msg" "$sc" <<'PY'
import sys
from siptest import sipp_log
path, sc = sys.argv[1:]
method = "OPTIONS" if sc == "options" else "INVITE"
code = 200 if sc == "options" else 404
msgs = sipp_log(path)
reqs = [m for _, d, _, m in msgs if d == "sent" and m.start.startswith(method + " ")]
rsps = [m for _, d, _, m in msgs if d == "received" and m.code != 100]
errs = []
if len(reqs) != 2 or reqs[0].raw != reqs[1].raw:
    errs.append("sipp did not send the same %s twice" % method)
if [m.code for m in rsps] != [code, code]:
    errs.append("responses %s, want two %d" % ([m.start for m in rsps], code))
elif rsps[0].raw != rsps[1].raw:
    errs.append("the two %d differ (To %r vs %r): the copy was processed again"
                % (code, rsps[0].get("To"), rsps[1].get("To")))
print("; ".join(errs) or "two identical %d, To %s" % (code, rsps[0].get("To")))
sys.exit(1 if errs else 0)
PY
	); then
		it_pass "$sc sent twice (sipp): $out"
	else
		it_fail "$sc sent twice (sipp): $out"
	fi
done

# 3: back to back, before the first answer is read.
if out=$(it_py <<'PY'
import os, sys
import siptest
port = int(os.environ["IT_PORT"])
errs, notes = [], []
for method, code in (("OPTIONS", 200), ("FOO", 501)):
    u = siptest.Udp()
    req = siptest.request(method, siptest.V4, port, "UDP", lport=u.port,
                          callid="retrans-b2b-%s@itest" % method.lower())
    u.send(req, port)
    u.send(req, port)
    got = u.recv_all(0.5, first=2.0)
    u.close()
    if [m.code for m in got] != [code, code]:
        errs.append("%s twice: got %s, want two %d" % (method, [m.start for m in got], code))
    elif got[0].raw != got[1].raw:
        errs.append("%s twice: the two %d differ: processed twice" % (method, code))
    else:
        notes.append("%s: two identical %d" % (method, code))
print("; ".join(errs + notes))
sys.exit(1 if errs else 0)
PY
); then
	it_pass "back to back (python): $out"
else
	it_fail "back to back (python): $out"
fi

it_sipd_alive "after the retransmissions"
it_sipd_stop

# What sipd's trace and summary say.
if out=$(it_py "$IT_DIR/sipd.err" <<'PY'
import sys
from siptest import sipd_trace, top_branch, log_fields
path = sys.argv[1]
tr = sipd_trace(path)
errs = []
if not tr:
    print("no trace entries in sipd's stderr (--trace)")
    sys.exit(1)
# Per Call-ID: copies received, answers sent. The cases above are the
# Call-IDs with two requests in (the probe has one).
cases = {}
for e in tr:
    c = cases.setdefault(e.msg.get("Call-ID"), {"recv": [], "send": []})
    c[e.dir].append(e.msg)
n_cases = 0
for cid, c in sorted(cases.items()):
    reqs = [m for m in c["recv"] if not m.start.startswith("ACK ")]
    if len(reqs) < 2:
        continue
    n_cases += 1
    if len(reqs) != 2 or reqs[0].raw != reqs[1].raw:
        errs.append("%s: trace shows %d copies received, want 2 identical" % (cid, len(reqs)))
    finals = [m for m in c["send"] if m.code and m.code >= 200]
    if len(finals) != 2 or finals[0].raw != finals[1].raw:
        errs.append("%s: trace shows %s sent, want the same final response twice"
                    % (cid, [m.start for m in finals]))
if n_cases != 4:
    errs.append("found %d retransmission cases in the trace, want 4 (sipp OPTIONS, "
                "sipp INVITE, python OPTIONS, python FOO)" % n_cases)
# Transactions the trace shows vs responses sipd built.
txns = set()
stateless = 0
for e in tr:
    if e.dir != "recv" or e.msg.code is not None:
        continue
    method = e.msg.start.split(" ", 1)[0]
    if method == "OPTIONS":
        stateless += 1
        continue
    txns.add((top_branch(e.msg), "INVITE" if method == "ACK" else method))
stopped = log_fields(path, "stopped")
if stopped is None or "answered" not in stopped:
    errs.append("no 'stopped ... answered=N' summary in sipd's log")
elif int(stopped["answered"]) != len(txns) + stateless:
    errs.append("sipd built %s responses for %d transactions and %d stateless OPTIONS "
                "(%d requests received): a retransmission was processed again"
                % (stopped["answered"], len(txns), stateless,
                   sum(1 for e in tr if e.dir == "recv")))
print("; ".join(errs) or "%d retransmitted requests traced in twice, answered twice "
      "identically; %s responses built for %d transactions"
      % (n_cases, stopped["answered"], len(txns)))
sys.exit(1 if errs else 0)
PY
); then
	it_pass "trace: $out"
else
	it_fail "trace: $out"
fi
it_end
