#!/bin/bash
# invite404.sh SIPD - an INVITE to a user sipd does not know gets 404, and
# with the ACK withheld sipd's INVITE server transaction must (RFC 3261
# 17.2.1, Completed state):
#   over UDP: resend the same 404 on Timer G, first after T1, then at
#     intervals doubling up to T2 (T1, 2T1, 4T1, ..., T2, T2, ...), and
#     stop when Timer H (64*T1) fires;
#   over TCP: send the 404 once (Timer G is for unreliable transports).
# sipd runs with T1 = 100 ms and T2 = 600 ms, so the 404s are due at
# 0, 100, 300, 700, 1300, 1900, ..., 6100 ms (13 in all) and H fires at
# 6400 ms; sipp (sipp/invite404.xml) stays silent for 9 s after the first
# 404, so a 404 that Timer H should have prevented (6700, 7300, ...)
# would be seen. Each interval must be within 50 ms + 10% of its due
# value; every copy must be the first one, byte for byte.
. "$(dirname "$0")/lib.sh"
it_begin invite404 "$@"
T1=100
T2=600
it_config $T1 $T2
it_sipd_start

# TCP first: one 404, no Timer G. (Its transaction ends on Timer H
# during the UDP run, so sipd has nothing left to drain when stopped.)
if it_sipp_ok invite404-tcp invite404.xml t1 4 -d 1500; then
	if out=$(it_py "$IT_DIR/invite404-tcp.msg" <<'PY'
import sys
from siptest import sipp_log
rs = [m.start for ts, d, _, m in sipp_log(sys.argv[1]) if d == "received"]
n = sum(1 for s in rs if s.startswith("SIP/2.0 404 "))
print("received %s" % rs)
sys.exit(0 if n == 1 and all(s.startswith(("SIP/2.0 404 ", "SIP/2.0 100 ")) for s in rs) else 1)
PY
	); then
		it_pass "TCP: one 404, not retransmitted: $out"
	else
		it_fail "TCP: want exactly one 404 over a reliable transport: $out"
	fi
fi

# UDP: Timer G and H.
if it_sipp_ok invite404-udp invite404.xml u1 4 -d 9000; then
	if out=$(it_py "$IT_DIR/invite404-udp.msg" $T1 $T2 <<'PY'
import sys
from siptest import sipp_log
path, t1, t2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
h = 64 * t1
msgs = sipp_log(path)
rs = [(ts, m) for ts, d, _, m in msgs if d == "received" and m.code == 404]
other = [m.start for ts, d, _, m in msgs if d == "received" and m.code not in (100, 404)]
errs = []
if other:
    errs.append("unexpected responses %s" % other)
# Due times of the 404s, from the first: Timer G doubling from T1, capped
# at T2, while before Timer H.
due, t, iv = [0], 0, t1
while t + iv < h:
    t += iv
    due.append(t)
    iv = min(2 * iv, t2)
if not rs:
    print("no 404 received")
    sys.exit(1)
t0 = rs[0][0]
got = [round((ts - t0) * 1000) for ts, _ in rs]
first = rs[0][1].raw
for i, (_, m) in enumerate(rs[1:], 1):
    if m.raw != first:
        errs.append("404 #%d differs from the first (a retransmission must be the same bytes)" % (i + 1))
        break
for i in range(1, min(len(got), len(due))):
    want = due[i] - due[i - 1]
    have = got[i] - got[i - 1]
    if abs(have - want) > 50 + want // 10:
        errs.append("interval %d (404 #%d after #%d): %d ms, want %d ms (Timer G)"
                    % (i, i + 1, i, have, want))
if len(got) > len(due):
    errs.append("%d 404s, want %d: the ones at %s ms came after Timer H (%d ms)"
                % (len(got), len(due), got[len(due):], h))
elif len(got) < len(due):
    errs.append("%d 404s, want %d: retransmissions stopped at %d ms, Timer H is at %d ms"
                % (len(got), len(due), got[-1], h))
print("404 at %s ms (due %s)" % (got, due))
if errs:
    print("\n".join(errs))
sys.exit(1 if errs else 0)
PY
	); then
		it_pass "UDP: Timer G and H: $out"
	else
		it_fail "UDP: $out"
	fi
fi

it_sipd_alive "after the INVITEs"
it_end
