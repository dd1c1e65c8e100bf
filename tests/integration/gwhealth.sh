#!/bin/bash
# gwhealth.sh SIPD - gateway health: sipd probes every gateway of its dial
# plan with OPTIONS (non-INVITE client transactions). Two simulated
# gateways (gwsim.py) on loopback UDP, A named "localhost" (looked up
# before each probe), B by address, and C over TCP where nothing listens
# (connection refused: down after 2 probes): A stops answering -> "gateway down"
# after 2 failed probes (Timer F each) within a bounded time, answers
# again -> "gateway up"; B answers 503 -> down after 2 probes. A SIGHUP
# with a changed plan keeps B's health (no second "down", and B comes up
# only after 2 successes); a SIGHUP with a bad regex is refused with its
# FILE:LINE and the probes go on. The OPTIONS on the wire is checked too.
# timeout: 90
. "$(dirname "$0")/lib.sh"
it_begin gwhealth "$@"
read -r GWA GWB GWC <<<"$(python3 "$IT_PY" ports 3)"
[ -n "$GWC" ] || it_die "no free ports for the gateways"

# T1 50 ms: Timer F (64*T1) is 3.2 s, so a silent gateway fails a probe
# in 3.2 s; probes every 200 ms while up or down; 2 to go down or up.
plan() {
	cat <<YAML
dialplan:
  rules:
    - name: ${1:-out}
      match: { prefix: "0" }
      destination: { group: carriers }
  gateways:
    - name: carriers
      members:
        - { uri: "sip:localhost:$GWA", priority: 1 }
        - { uri: "sip:127.0.0.1:$GWB", priority: 2 }
        - { uri: "sip:127.0.0.1:$GWC;transport=tcp", priority: 3 }
  health:
    interval_ms: 200
    down_interval_ms: 200
    failures: 2
    successes: 2
YAML
}
it_config 50 500 "$(plan)"

python3 "$IT_SRC/gwsim.py" "$IT_DIR" 80 "$GWA" "$GWB" >"$IT_DIR/gwsim.out" 2>&1 &
IT_PIDS+=("$!")
sleep 0.3
it_sipd_start

# wait_log COUNT SECONDS PATTERN: until sipd's log has COUNT lines
# matching PATTERN; prints the seconds waited; 1 on timeout.
wait_log() {
	local want=$1 secs=$2 pat=$3 t0 i
	t0=$(date +%s.%N)
	for ((i = 0; i < secs * 10; i++)); do
		if [ "$(grep -cE -- "$pat" "$IT_DIR/sipd.err")" -ge "$want" ]; then
			echo "$(date +%s.%N) - $t0" | bc | sed 's/^\./0./'
			return 0
		fi
		sleep 0.1
	done
	return 1
}
count_log() { grep -cE -- "$1" "$IT_DIR/sipd.err"; }
probes() { [ -f "$IT_DIR/gw-$1.log" ] && wc -l <"$IT_DIR/gw-$1.log" || echo 0; }
DOWN_A="warning gateway down group=carriers gateway=sip:localhost:$GWA "
DOWN_B="warning gateway down group=carriers gateway=sip:127.0.0.1:$GWB "
UP_A="notice gateway up group=carriers gateway=sip:localhost:$GWA "
UP_B="notice gateway up group=carriers gateway=sip:127.0.0.1:$GWB "

# 1. A and B answer 200: probes flow every ~200 ms, neither goes down.
# Nothing listens on C's TCP port: connection refused, a transport error
# per probe, down after two.
sleep 1.5
na=$(probes "$GWA")
nb=$(probes "$GWB")
if [ "$na" -ge 4 ] && [ "$nb" -ge 4 ] && [ "$(count_log "gateway down group=carriers gateway=sip:")" -eq 0 ]; then
	it_pass "answering gateways probed ($na and $nb OPTIONS in 1.5 s), neither down"
else
	it_fail "in 1.5 s: $na and $nb probes, $(count_log "gateway down") down lines"
fi
if [ "$(count_log "warning gateway down group=carriers gateway=\"sip:127.0.0.1:$GWC;transport=tcp\" failures=2 last=\"transport error\"")" -eq 1 ]; then
	it_pass "TCP gateway refusing connections marked down"
else
	it_fail "TCP gateway: $(grep "$GWC" "$IT_DIR/sipd.err")"
fi
grep -q "info dial plan loaded rules=1 gateway_groups=1 probes=on" "$IT_DIR/sipd.err" ||
	it_fail "no 'dial plan loaded' line"

# The probe on the wire (RFC 3261 §8.1.1, §11); A's went to the address
# localhost has first, from sipd's listener of that family.
if out=$(it_py "$IT_DIR/gw-$GWA.first" "$GWA" "$IT_PORT" <<'PY'
import re, sys
from siptest import Msg
m = Msg(open(sys.argv[1], "rb").read())
gw, port = sys.argv[2], sys.argv[3]
errs = []
if m.start != "OPTIONS sip:localhost:%s SIP/2.0" % gw:
    errs.append("request line %r" % m.start)
via = m.get("Via") or ""
me = r"(127\.0\.0\.1|\[::1\]):%s" % port
if not re.match(r"SIP/2\.0/UDP %s;branch=z9hG4bK[0-9a-f]+;rport$" % me, via):
    errs.append("Via %r" % via)
if m.get("Max-Forwards") != "70": errs.append("Max-Forwards %r" % m.get("Max-Forwards"))
if not re.match(r"<sip:sipd@%s>;tag=\w+$" % me, m.get("From") or ""):
    errs.append("From %r" % m.get("From"))
if m.get("To") != "<sip:localhost:%s>" % gw: errs.append("To %r" % m.get("To"))
if not re.match(r"\d+ OPTIONS$", m.get("CSeq") or ""): errs.append("CSeq %r" % m.get("CSeq"))
if not m.get("Call-ID"): errs.append("no Call-ID")
if m.get("Content-Length") != "0": errs.append("Content-Length %r" % m.get("Content-Length"))
print("; ".join(errs) if errs else "OPTIONS %s, Via %s" % (m.start.split()[1], via))
sys.exit(1 if errs else 0)
PY
); then
	it_pass "probe on the wire: $out"
else
	it_fail "probe on the wire: $out"
fi

# 2. A goes silent: two probes time out (Timer F, 3.2 s each, plus the
# 200 ms interval) -> down within 2 * 3.4 s, bounded here by 10 s.
echo silent >"$IT_DIR/gw-$GWA.mode"
# 3. B answers 503: down after 2 probes, about 0.4 s.
echo 503 >"$IT_DIR/gw-$GWB.mode"
if t=$(wait_log 1 5 "$DOWN_B"); then
	it_pass "503 gateway marked down after ${t}s"
	grep -q "${DOWN_B}failures=2 last=503" "$IT_DIR/sipd.err" || it_fail "B's down line: $(grep "$DOWN_B" "$IT_DIR/sipd.err")"
else
	it_fail "503 gateway not marked down within 5 s"
fi
if t=$(wait_log 1 10 "$DOWN_A"); then
	it_pass "silent gateway marked down after ${t}s"
	grep -q "${DOWN_A}failures=2 last=timeout" "$IT_DIR/sipd.err" || it_fail "A's down line: $(grep "$DOWN_A" "$IT_DIR/sipd.err")"
	awk -v t="$t" 'BEGIN { exit !(t >= 5.5) }' || it_fail "down after ${t}s: sooner than 2 Timer F"
else
	it_fail "silent gateway not marked down within 10 s"
fi

# 4. A answers again: up after 2 successful probes (a probe still in
# flight is answered on its next retransmission).
echo 200 >"$IT_DIR/gw-$GWA.mode"
if t=$(wait_log 1 5 "$UP_A"); then
	it_pass "gateway answering again marked up after ${t}s"
	grep -q "${UP_A}successes=2 last=200" "$IT_DIR/sipd.err" || it_fail "A's up line: $(grep "$UP_A" "$IT_DIR/sipd.err")"
else
	it_fail "gateway answering again not marked up within 5 s"
fi

# 5. SIGHUP with a changed plan (another rule name), B still 503: the
# plan is swapped, B's health kept: no second "down" for B.
plan renamed >"$IT_DIR/plan.yaml"
sed -n '/^dialplan:/q;p' "$IT_CFG" >"$IT_DIR/head.yaml"
cat "$IT_DIR/head.yaml" "$IT_DIR/plan.yaml" >"$IT_CFG"
kill -HUP "$IT_SIPD_PID"
if wait_log 1 5 "info dial plan reloaded rules=1 gateway_groups=1 probes=on" >/dev/null; then
	it_pass "SIGHUP: dial plan reloaded"
else
	it_fail "SIGHUP: no 'dial plan reloaded' line"
fi
nb=$(probes "$GWB")
sleep 1.5
if [ "$(count_log "$DOWN_B")" -eq 1 ] && [ "$(probes "$GWB")" -gt "$nb" ]; then
	it_pass "B stays down across the reload ($(( $(probes "$GWB") - nb )) more probes, no second down)"
else
	it_fail "after reload: $(count_log "$DOWN_B") down lines for B, probes $nb -> $(probes "$GWB")"
fi

# 6. SIGHUP with a bad regex: refused with FILE:LINE, the running plan
# and its probes go on.
cp "$IT_CFG" "$IT_DIR/good.yaml"
sed -i 's/prefix: "0"/regex: "(0"/' "$IT_CFG"
line=$(grep -n 'regex: "(0"' "$IT_CFG" | cut -d: -f1)
kill -HUP "$IT_SIPD_PID"
want="error reload refused, running configuration kept error=\"$IT_CFG:$line: dialplan.rules\\[0\\].match.regex: bad regex '\\(0': missing closing parenthesis at offset 2\""
if wait_log 1 5 "$want" >/dev/null; then
	it_pass "bad plan refused with its FILE:LINE"
else
	it_fail "bad plan: no refusal line; got: $(grep reload "$IT_DIR/sipd.err" | tail -n 2)"
fi
cp "$IT_DIR/good.yaml" "$IT_CFG"

# 7. B answers again: up after 2 successes (its health went on through
# both reloads).
echo 200 >"$IT_DIR/gw-$GWB.mode"
if t=$(wait_log 1 5 "$UP_B"); then
	it_pass "B marked up after ${t}s"
	grep -q "${UP_B}successes=2 last=200" "$IT_DIR/sipd.err" || it_fail "B's up line: $(grep "$UP_B" "$IT_DIR/sipd.err")"
else
	it_fail "B not marked up within 5 s"
fi
[ "$(count_log "gateway (down|up)")" -eq 5 ] ||
	it_fail "want 5 transitions, got: $(grep -E "gateway (down|up)" "$IT_DIR/sipd.err")"

it_sipd_alive "after the probes"
# The counters, logged at the stop.
it_sipd_stop
if out=$(it_py "$IT_DIR/sipd.err" <<'PY'
import sys
from siptest import log_fields
f = log_fields(sys.argv[1], "dial plan stopped")
if not f:
    print("no 'dial plan stopped' line"); sys.exit(1)
errs = []
if f.get("gateways_down") != "3" or f.get("gateways_up") != "2":
    errs.append("transitions %s down, %s up, want 3 and 2" % (f.get("gateways_down"), f.get("gateways_up")))
if f.get("reloads") != "1":
    errs.append("reloads %s, want 1 (the bad file is refused)" % f.get("reloads"))
if int(f.get("probes", 0)) < 20 or not 4 <= int(f.get("probe_failures", 0)) < int(f.get("probes", 0)):
    errs.append("probes %s, failures %s" % (f.get("probes"), f.get("probe_failures")))
print("; ".join(errs) if errs else " ".join("%s=%s" % kv for kv in sorted(f.items())))
sys.exit(1 if errs else 0)
PY
); then
	it_pass "counters at the stop: $out"
else
	it_fail "counters at the stop: $out"
fi
it_end
