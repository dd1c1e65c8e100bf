#!/bin/bash
# proxy_fork.sh SIPD - forking (RFC 3261 §16.5-§16.7, §16.10) with a user
# registered from two sipp callees:
#   parallel, one busy (486) and one answering (200): the caller gets the
#     200 and never the 486;
#   parallel, one ringing and one answering: the ringing one is CANCELled
#     (its scenario needs the CANCEL to finish) and the caller gets 200;
#   the caller CANCELs before anyone answers: 487 to the caller, a
#     CANCEL to every branch;
#   sequential by q-value (proxy.fork: sequential, branch_timeout_ms
#     1000): the q=1.0 contact rings past its time and is CANCELled, then
#     the q=0.5 contact is tried and answers.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin proxy_fork "$@"
px_config
it_sipd_start

read -r P1 P2 P3 P4 P5 P6 <<<"$(px_ports 6)"

# Parallel: 486 + 200.
px_register bob1 "sip:bob1@127.0.0.1:$P1"
px_register bob1 "sip:bob1@127.0.0.1:$P2"
px_uas busy-uas proxy_uas_486.xml u1 "$P1"
A=$PX_PID
px_uas ans1-uas proxy_uas.xml u1 "$P2"
B=$PX_PID
if it_sipp_ok par1-uac proxy_uac.xml u1 4 -s bob1; then
	n=$(px_count par1-uac received "SIP/2.0 486")
	[ "$n" = 0 ] && it_pass "parallel 486 + 200: the caller got the 200 only" ||
		it_fail "parallel 486 + 200: the caller got $n 486s"
fi
px_wait "$A" busy-uas && px_wait "$B" ans1-uas

# Parallel: ringing + 200: the ringing branch is CANCELled.
px_register bob2 "sip:bob2@127.0.0.1:$P3"
px_register bob2 "sip:bob2@127.0.0.1:$P4"
px_uas ring-uas proxy_uas_cancel.xml u1 "$P3"
A=$PX_PID
px_uas ans2-uas proxy_uas.xml u1 "$P4"
B=$PX_PID
it_sipp_ok par2-uac proxy_uac.xml u1 4 -s bob2
if px_wait "$A" ring-uas && px_wait "$B" ans2-uas; then
	it_pass "parallel ringing + 200: the ringing branch got CANCEL, answered 487"
fi

# The caller CANCELs: every branch gets a CANCEL, the caller a 487.
px_register dave "sip:dave@127.0.0.1:$P5"
px_register dave "sip:dave@127.0.0.1:$P6"
px_uas c1-uas proxy_uas_cancel.xml u1 "$P5"
A=$PX_PID
px_uas c2-uas proxy_uas_cancel.xml u1 "$P6"
B=$PX_PID
it_sipp_ok cancel-uac proxy_uac_cancel.xml u1 4 -s dave &&
	it_pass "caller CANCEL: 200 for the CANCEL, 487 for the INVITE"
if px_wait "$A" c1-uas && px_wait "$B" c2-uas; then
	it_pass "caller CANCEL: both branches CANCELled"
fi
it_sipd_stop

# Sequential by q-value.
px_config "proxy:
  enabled: true
  fork: sequential
  branch_timeout_ms: 1000"
it_sipd_start
read -r Q1 Q2 <<<"$(px_ports 2)"
px_register carol "sip:carol@127.0.0.1:$Q2" 0.5
px_register carol "sip:carol@127.0.0.1:$Q1" 1.0
px_uas first-uas proxy_uas_cancel.xml u1 "$Q1"
A=$PX_PID
px_uas second-uas proxy_uas.xml u1 "$Q2"
B=$PX_PID
it_sipp_ok seq-uac proxy_uac.xml u1 4 -s carol
if px_wait "$A" first-uas && px_wait "$B" second-uas; then
	out=$(python3 - "$IT_DIR/first-uas.msg" "$IT_DIR/second-uas.msg" <<'PY'
import sys
from siptest import sipp_log
def first(path, start):
    for ts, d, _, m in sipp_log(path):
        if d == "received" and m.start.startswith(start):
            return ts
a_inv = first(sys.argv[1], "INVITE")
a_cancel = first(sys.argv[1], "CANCEL")
b_inv = first(sys.argv[2], "INVITE")
print("q=1.0 INVITE at 0, its CANCEL at %.2f s, q=0.5 INVITE at %.2f s"
      % (a_cancel - a_inv, b_inv - a_inv))
sys.exit(0 if 0.8 <= a_cancel - a_inv <= 2.5 and b_inv >= a_cancel - 0.05 else 1)
PY
	) && it_pass "sequential: $out" || it_fail "sequential order or timing: $out"
fi
it_end
