#!/bin/bash
# sipctl_call.sh SIPD - sipctl on a whole call through sipd's proxy: a
# sipp caller (sipp/mgmt_uac_call.xml, stays 3 s in the call) calls bob,
# a sipp callee registered with sipd (sipp/proxy_uas.xml); sipd record-
# routes, traces (JSON log lines on stderr) and serves the HTTP API on a
# free loopback port.
#  - while the call is up, `sipctl calls` lists it answered (carl -> bob)
#    and `sipctl --json status` counts one call; after the BYE it is
#    listed ended;
#  - `sipctl ladder CALL-ID --ascii`: three columns, caller | sipd |
#    callee, in that order; INVITE, 180, 200 (INVITE), ACK, BYE and
#    200 (BYE) each drawn on both legs in the right direction;
#  - the same drawing from sipd's own JSON trace lines (--file);
#  - `--html`: the page's SVG is XML with one arrow and one raw message
#    per row of the text drawing;
#  - `sipctl trace --call-id --pcap` read back by tshark: as many SIP
#    packets as arrows, INVITE and BYE twice each, all with the Call-ID.
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
SIPCTL=$(cd "$(dirname "${1:-.}")/../sipctl" 2>/dev/null && pwd)/sipctl
it_begin sipctl_call "$@"
[ -x "$SIPCTL" ] || it_die "no sipctl binary at $SIPCTL"
command -v sipp >/dev/null || it_die "sipp is missing (make deps)"
command -v tshark >/dev/null || it_die "tshark is missing (make deps)"

read -r HTTP_PORT PU PC <<<"$(px_ports 3)"
px_config "proxy:
  enabled: true
trace:
  enabled: true
http:
  enabled: true
  address: \"127.0.0.1\"
  port: $HTTP_PORT"
sed -i 's/^log:$/log:\n  format: json/' "$IT_CFG"
it_sipd_start
export SIPCTL_URL="http://127.0.0.1:$HTTP_PORT"
unset SIPCTL_TOKEN NO_COLOR
CID="sipctl-call-$$@127.0.0.1"

check() { # check WHAT COMMAND...
	local what=$1
	shift
	if "$@"; then it_pass "$what"; else it_fail "$what"; fi
}
py() { # py WHAT SCRIPT ARGS...: a python check, its output as the reason
	local what=$1 script=$2 out
	shift 2
	if out=$(python3 -c "$script" "$@" 2>&1); then
		it_pass "$what${out:+: $out}"
	else
		it_fail "$what: $out"
	fi
}

px_register bob "sip:bob@127.0.0.1:$PU"
px_uas callee proxy_uas.xml u1 "$PU"
UAS_PID=$PX_PID
px_uas caller mgmt_uac_call.xml u1 "$PC" -s bob -d 3000 -cid_str "$CID" "127.0.0.1:$IT_PORT"
UAC_PID=$PX_PID

# ---- while the call is up ------------------------------------------------
up=0
for _ in $(seq 50); do
	"$SIPCTL" calls >"$IT_DIR/calls.out" 2>"$IT_DIR/calls.err"
	if grep -qE "^$CID +sip:carl@127\.0\.0\.1:$PC +sip:bob@127\.0\.0\.1:$IT_PORT +answered +" "$IT_DIR/calls.out"; then
		up=1
		break
	fi
	sleep 0.1
done
if [ "$up" = 1 ]; then
	it_pass "sipctl calls: the call listed answered, carl -> bob"
else
	it_fail "sipctl calls never listed the call answered: $(cat "$IT_DIR/calls.out" "$IT_DIR/calls.err")"
fi
check "sipctl calls: the table's header" grep -qE "^CALL-ID +FROM +TO +STATE +STARTED +ANSWERED$" "$IT_DIR/calls.out"
"$SIPCTL" --json status >"$IT_DIR/status.json" 2>&1
py "sipctl --json status: one call, proxy role" '
import json, sys
o = json.load(open(sys.argv[1]))
print("calls %s, roles %s" % (o["calls"], o["roles"]))
sys.exit(0 if o["calls"] == 1 and "proxy" in o["roles"] else 1)' "$IT_DIR/status.json"

px_wait "$UAC_PID" caller
px_wait "$UAS_PID" callee
"$SIPCTL" calls >"$IT_DIR/calls_end.out" 2>&1
check "sipctl calls after the BYE: ended" grep -qE "^$CID .* ended " "$IT_DIR/calls_end.out"

# ---- the ladder -------------------------------------------------------------
"$SIPCTL" ladder "$CID" --ascii >"$IT_DIR/ladder.out" 2>"$IT_DIR/ladder.err" ||
	it_fail "sipctl ladder exited $?: $(cat "$IT_DIR/ladder.err")"
py "ladder: caller | sipd | callee; each message on both legs, the right way" '
import re, sys
t = open(sys.argv[1]).read().splitlines()
pc, pu = sys.argv[2], sys.argv[3]
cols = t[3].split()
if cols != ["127.0.0.1:" + pc, "sipd", "127.0.0.1:" + pu]:
    print("columns %r" % cols); sys.exit(1)
life = [i for i, ch in enumerate(t[5]) if ch == "|"]
rows = [l for l in t if re.match(r" +\d+\.\d{3} ", l)]
got = []
for r in rows:
    r = r.ljust(life[-1] + 1)
    left = min(i for i, x in enumerate(life) if i + 1 < len(life) and r[x + 1] != " ")
    right = max(i for i, x in enumerate(life) if i > 0 and r[x - 1] != " ")
    label = re.search(r"[-~<>] (.*?) [-~<>]", r).group(1)
    frm, to = (left, right) if r[life[right] - 1] == ">" else (right, left)
    got.append((label, frm, to))
legs = {"INVITE": [(0, 1), (1, 2)], "180 Ringing (INVITE)": [(2, 1), (1, 0)],
        "200 OK (INVITE)": [(2, 1), (1, 0)], "ACK": [(0, 1), (1, 2)],
        "BYE": [(0, 1), (1, 2)], "200 OK (BYE)": [(2, 1), (1, 0)]}
bad = [(l, sorted((f, to) for x, f, to in got if x == l)) for l in legs
       if sorted((f, to) for x, f, to in got if x == l) != sorted(legs[l])]
print("%d arrows: %s" % (len(got), " / ".join(g[0] for g in got)))
if bad:
    print("wrong legs: %r" % bad)
sys.exit(1 if bad else 0)' "$IT_DIR/ladder.out" "$PC" "$PU"
"$SIPCTL" ladder "$CID" --ascii --file "$IT_DIR/sipd.err" >"$IT_DIR/ladder_file.out" 2>&1
check "ladder --file sipd's JSON trace: the same drawing as from the API" cmp -s "$IT_DIR/ladder.out" "$IT_DIR/ladder_file.out"
NROWS=$(grep -cE '^ +[0-9]+\.[0-9]{3} ' "$IT_DIR/ladder.out")
"$SIPCTL" ladder "$CID" --html "$IT_DIR/call.html" 2>"$IT_DIR/html.err" ||
	it_fail "ladder --html exited $?: $(cat "$IT_DIR/html.err")"
py "ladder --html: SVG is XML, $NROWS arrows and raw messages" '
import re, sys, xml.etree.ElementTree as ET
t = open(sys.argv[1]).read(); n = int(sys.argv[2])
svg = ET.fromstring(t[t.index("<svg"):t.index("</svg>") + 6])
ns = "{http://www.w3.org/2000/svg}"
arrows = sum(1 for g in svg.iter(ns + "g") if "msg" in g.get("class", "").split())
raws = len(re.findall(r"<details id=\"raw\d+\">", t))
sys.exit(0 if arrows == raws == n and n >= 12 else 1)' "$IT_DIR/call.html" "$NROWS"

# ---- pcap -----------------------------------------------------------------------
"$SIPCTL" trace --call-id "$CID" --pcap "$IT_DIR/call.pcap" >"$IT_DIR/pcap.out" 2>&1 ||
	it_fail "trace --pcap exited $?: $(cat "$IT_DIR/pcap.out")"
tshark -r "$IT_DIR/call.pcap" -d "udp.port==$IT_PORT,sip" -Y sip \
	-T fields -e sip.Method -e sip.Status-Code -e sip.Call-ID \
	>"$IT_DIR/tshark.out" 2>"$IT_DIR/tshark.err"
py "trace --pcap read by tshark: one SIP packet per arrow, INVITE and BYE twice" '
import sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
seen = [r[0] or r[1] for r in rows]
print(" ".join(seen))
sys.exit(0 if len(rows) == int(sys.argv[3]) and seen.count("INVITE") == 2 and
         seen.count("BYE") == 2 and all(r[2] == sys.argv[2] for r in rows) else 1)' \
	"$IT_DIR/tshark.out" "$CID" "$NROWS"

it_sipd_alive "after the call"
it_end
