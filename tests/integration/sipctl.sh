#!/bin/bash
# sipctl.sh SIPD - sipctl against the real sipd and its HTTP API (API.md):
# sipd with the registrar (digest, MD5), tracing on, JSON log lines on
# stderr, and the API on a free loopback port with a bearer token.
#  - the token: without it 401 and exit 1; with it (SIPCTL_TOKEN) served;
#  - sipp registers alice: `sipctl reg list` shows her binding,
#    `reg show alice` (bare name: the first local domain) its fields,
#    `reg rm` removes it (then 404: exit 1);
#  - `sipctl --json status`: JSON naming sipd's version, its listener and
#    the registration;
#  - `sipctl user add carol`, then sipp registers as carol with that
#    password (200: the user really works), `user list` shows her, a
#    second add is 409 (exit 1), `user rm` (again: exit 1);
#  - a traced call (sipp retrans_invite.xml: INVITE, 404, the same INVITE
#    again, the same 404 again, ACK): `sipctl ladder CALL-ID` draws those
#    five arrows between sipp's column and sipd's, the copies marked as
#    retransmissions, and the same text from the API and from sipd's own
#    JSON trace lines (--file); `--svg` is valid XML with five arrows;
#    `sipctl trace --call-id --pcap` read back by tshark: the five
#    messages with that Call-ID;
#  - `sipctl trace --follow` prints an OPTIONS sent while it runs and
#    stops with 0 on SIGINT;
#  - `sipctl trace --off`: an OPTIONS is not traced; `--on`: it is again;
#  - `sipctl calls`: exit 0, none (no proxy role in this configuration);
#  - `sipctl reload`: 0, then a broken file: exit 1 with its FILE:LINE.
. "$(dirname "$0")/lib.sh"
SIPCTL=$(cd "$(dirname "${1:-.}")/../sipctl" 2>/dev/null && pwd)/sipctl
it_begin sipctl "$@"
[ -x "$SIPCTL" ] || it_die "no sipctl binary at $SIPCTL"
command -v sipp >/dev/null || it_die "sipp is missing (Debian package sip-tester; make deps)"
command -v tshark >/dev/null || it_die "tshark is missing (make deps)"

TOKEN=sipctl-test-token
read -r HTTP_PORT <<<"$(python3 "$IT_PY" ports 1)"
[ -n "$HTTP_PORT" ] || it_die "no free port for the API"
it_config 500 4000 "$(cat <<EOF
server:
  domains: [ example.test ]
store:
  backend: sqlite
  path: $IT_DIR/sipd.db
registrar:
  enabled: true
auth:
  algorithms: [ md5 ]
users:
  - { name: alice, password: secret }
trace:
  enabled: true
http:
  enabled: true
  address: "127.0.0.1"
  port: $HTTP_PORT
  token: "$TOKEN"
EOF
)"
# sipd's trace as JSON lines on its stderr, for ladder --file
sed -i 's/^log:$/log:\n  format: json/' "$IT_CFG"
cp "$IT_CFG" "$IT_DIR/good.yaml"
it_sipd_start
export SIPCTL_URL="http://127.0.0.1:$HTTP_PORT"
export SIPCTL_TOKEN=$TOKEN
unset NO_COLOR

run() { # run NAME ARGS...: sipctl, stdout/stderr in NAME.out/.err, RC
	local name=$1
	shift
	"$SIPCTL" "$@" >"$IT_DIR/$name.out" 2>"$IT_DIR/$name.err" </dev/null
	RC=$?
}
expect_rc() {
	if [ "$RC" -eq "$2" ]; then
		it_pass "$1: exit $RC"
	else
		it_fail "$1: exit $RC, want $2; stdout: $(head -c 600 "$IT_DIR/$1.out"); stderr: $(cat "$IT_DIR/$1.err")"
	fi
}
check() { # check WHAT COMMAND...
	local what=$1
	shift
	if "$@"; then it_pass "$what"; else it_fail "$what"; fi
}
# py NAME SCRIPT ARGS...: a python check on files; prints its reason
py() {
	local what=$1 script=$2 out
	shift 2
	if out=$(python3 -c "$script" "$@" 2>&1); then
		it_pass "$what${out:+: $out}"
	else
		it_fail "$what: $out"
	fi
}

# ---- the token -------------------------------------------------------------
SIPCTL_TOKEN= run notoken status
expect_rc notoken 1
check "no token: 401 reported" grep -q "401" "$IT_DIR/notoken.err"

# ---- registrations -----------------------------------------------------------
it_sipp_ok reg-alice sipctl_register.xml u1 4 -s alice -au alice -ap secret
run reglist reg list
expect_rc reglist 0
py "reg list: alice's binding in the table" '
import re, sys
ls = open(sys.argv[1]).read().splitlines()
ok = ls and ls[0].split() == ["AOR", "CONTACT", "EXPIRES", "Q", "SOURCE"] and any(
    re.match(r"sip:alice@example\.test +<?sip:alice@127\.0\.0\.1:\d+\S* +(\d+) ", l) and
    0 < int(re.match(r"\S+ +\S+ +(\d+)", l).group(1)) <= 600 for l in ls[1:])
print(ls[1] if len(ls) > 1 else "")
sys.exit(0 if ok else 1)' "$IT_DIR/reglist.out"
run regshow reg show alice
expect_rc regshow 0
check "reg show alice: one contact of sip:alice@example.test" grep -q "^sip:alice@example.test: 1 contact$" "$IT_DIR/regshow.out"
check "reg show alice: the contact's User-Agent" grep -q "sipp-for-sipctl" "$IT_DIR/regshow.out"
run json_status --json status
expect_rc json_status 0
py "--json status: version, our listener, one registration" '
import json, sys
o = json.load(open(sys.argv[1])); port = int(sys.argv[2])
ok = (isinstance(o.get("version"), str) and o.get("registrations", 0) >= 1 and
      any(l.get("port") == port for l in o.get("listen", [])))
print("version %s, registrations %s" % (o.get("version"), o.get("registrations")))
sys.exit(0 if ok else 1)' "$IT_DIR/json_status.out" "$IT_PORT"
run status status
expect_rc status 0
check "status: human output" grep -q "^sipd .*, up " "$IT_DIR/status.out"
run regrm reg rm sip:alice@example.test
expect_rc regrm 0
run reglist2 reg list
expect_rc reglist2 0
check "reg list after rm: none" grep -qx "no registrations" "$IT_DIR/reglist2.out"
run regrm2 reg rm sip:alice@example.test
expect_rc regrm2 1

# ---- users -----------------------------------------------------------------------
run useradd user add carol --password 'c4rol pw'
expect_rc useradd 0
run useradd2 user add carol --password other
expect_rc useradd2 1
run userlist user list
expect_rc userlist 0
check "user list: carol in example.test" grep -qE "^carol +example.test$" "$IT_DIR/userlist.out"
check "user list: no hashes" sh -c "! grep -qiE '[0-9a-f]{32}' '$IT_DIR/userlist.out'"
if it_sipp_ok reg-carol sipctl_register.xml u1 4 -s carol -au carol -ap 'c4rol pw'; then
	it_pass "carol (added through the API) registers with her password"
fi
run userrm user rm carol
expect_rc userrm 0
run userrm2 user rm carol
expect_rc userrm2 1

# ---- a traced call: ladder, SVG, pcap ------------------------------------------
CID="sipctl-$$@127.0.0.1"
it_sipp_ok call retrans_invite.xml u1 4 -nr -cid_str "$CID"
sleep 0.3
run ladder ladder "$CID" --ascii
expect_rc ladder 0
py "ladder: sipp | sipd, INVITE/404 and their retransmissions, ACK" '
import re, sys
t = open(sys.argv[1]).read().splitlines()
rows = [l for l in t if re.match(r" +\d+\.\d{3} ", l)]
labels = [re.search(r"[-~<>] (.*?) [-~<>]", r).group(1) for r in rows]
want = [r"INVITE", r"404 .* \(INVITE\)", r"INVITE \(retransmission\)",
        r"404 .* \(INVITE\) \(retransmission\)", r"ACK"]
ok = len(labels) == 5 and all(re.fullmatch(w, l) for w, l in zip(want, labels))
# sipp first (it spoke first), then sipd; requests point right
cols = t[3].split()
ok = ok and len(cols) == 2 and cols[0].startswith("127.0.0.1:") and cols[1] == "sipd"
ok = ok and all(r.rstrip().endswith(">|") for r in (rows[0], rows[2], rows[4]))
ok = ok and all("|<" in r for r in (rows[1], rows[3]))
print(" / ".join(labels))
sys.exit(0 if ok else 1)' "$IT_DIR/ladder.out"
run ladder_file ladder "$CID" --ascii --file "$IT_DIR/sipd.err"
expect_rc ladder_file 0
check "ladder --file sipd's JSON trace: the same drawing as from the API" cmp -s "$IT_DIR/ladder.out" "$IT_DIR/ladder_file.out"
run ladder_svg ladder "$CID" --svg "$IT_DIR/call.svg"
expect_rc ladder_svg 0
py "ladder --svg: valid XML, 5 arrows" '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
r = ET.parse(sys.argv[1]).getroot()
n = sum(1 for g in r.iter(ns + "g") if "msg" in g.get("class", "").split())
sys.exit(0 if r.tag == ns + "svg" and n == 5 else 1)' "$IT_DIR/call.svg"
check "ladder --svg: xmllint agrees" xmllint --noout "$IT_DIR/call.svg"
run pcap trace --call-id "$CID" --pcap "$IT_DIR/call.pcap"
expect_rc pcap 0
tshark -r "$IT_DIR/call.pcap" -d "udp.port==$IT_PORT,sip" -Y sip \
	-T fields -e sip.Method -e sip.Status-Code -e sip.Call-ID \
	>"$IT_DIR/tshark.out" 2>"$IT_DIR/tshark.err"
py "trace --pcap read by tshark: INVITE, 404, INVITE, 404, ACK of the call" '
import sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
seen = [(r[0] or r[1]) for r in rows]
print(seen)
sys.exit(0 if seen == ["INVITE", "404", "INVITE", "404", "ACK"] and
         all(r[2] == sys.argv[2] for r in rows) else 1)' "$IT_DIR/tshark.out" "$CID"

# ---- trace --follow ---------------------------------------------------------------
# The first poll prints the OPTIONS already in the ring (lib.sh's start-up
# probes); the one sent after it must come through a later poll.
"$SIPCTL" trace --follow --brief --method OPTIONS --interval 100 \
	>"$IT_DIR/follow.out" 2>"$IT_DIR/follow.err" </dev/null &
FPID=$!
IT_PIDS+=("$FPID")
sleep 0.5
n0=$(grep -c 'recv .* OPTIONS sip:' "$IT_DIR/follow.out")
python3 "$IT_PY" probe "$IT_PORT" || it_fail "OPTIONS probe not answered"
for _ in $(seq 30); do
	[ "$(grep -c 'send .* SIP/2.0 200 ' "$IT_DIR/follow.out")" -gt "$n0" ] && break
	sleep 0.1
done
kill -INT "$FPID"
wait "$FPID"
RC=$?
expect_rc follow 0
n1=$(grep -c 'recv .* OPTIONS sip:' "$IT_DIR/follow.out")
n2=$(grep -c 'send .* SIP/2.0 200 ' "$IT_DIR/follow.out")
check "trace --follow: the OPTIONS sent while it ran, and its 200, printed once ($n0 before, $n1 after)" \
	test "$n1" -eq $((n0 + 1)) -a "$n2" -eq "$n1"

# ---- trace --off / --on ------------------------------------------------------------
# count_options: OPTIONS requests in the ring now
count_options() {
	"$SIPCTL" --json trace --method OPTIONS | python3 -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin)["entries"] if e["sip"].startswith("OPTIONS ")))'
}
run trace_off trace --off
expect_rc trace_off 0
n0=$(count_options)
python3 "$IT_PY" probe "$IT_PORT" || it_fail "OPTIONS probe not answered"
n1=$(count_options)
run trace_on trace --on
expect_rc trace_on 0
python3 "$IT_PY" probe "$IT_PORT" || it_fail "OPTIONS probe not answered"
n2=$(count_options)
check "trace --off: an OPTIONS not traced ($n0 -> $n1); --on: traced again ($n1 -> $n2)" \
	test "$n1" -eq "$n0" -a "$n2" -eq $((n1 + 1))

# ---- calls (no proxy role here: none) -------------------------------------------
run calls calls
expect_rc calls 0
check "calls: none without the proxy" grep -qx "no calls" "$IT_DIR/calls.out"

# ---- reload ----------------------------------------------------------------------
run reload reload
expect_rc reload 0
printf 'bogus_section: 1\n' >>"$IT_CFG"
run reload_bad reload
expect_rc reload_bad 1
check "reload refused: FILE:LINE in the message" grep -q "sipd.yaml:[0-9]*" "$IT_DIR/reload_bad.err"
cp "$IT_DIR/good.yaml" "$IT_CFG"

it_sipd_alive "after the sipctl commands"
it_end
