#!/bin/bash
# sipctl_canned.sh SIPD - sipctl's CLIENT side against canned answers:
# sipctl_fakeapi.py serves fixed JSON in the shape of API.md. This checks
# only what sipctl does with answers and what it sends: the tables and
# key/value output, --json passthrough, exit statuses (0/1/2/3), request
# paths, query strings, the bearer token and JSON bodies, chunked
# answers, --follow polling with after=next, colours (only on a
# terminal, NO_COLOR respected), --pcap, trace --on/--off, and the
# ladder drawn from the API and from files (text equal to
# tests/data/ladder/retrans-call.txt and proxy-call.txt, SVG and the HTML
# page's SVG parsed as XML, the page's script run in chromium).
# It proves nothing about sipd's API: sipctl.sh and sipctl_call.sh run
# sipctl against the real daemon.
. "$(dirname "$0")/lib.sh"
SIPCTL=$(cd "$(dirname "${1:-.}")/../sipctl" 2>/dev/null && pwd)/sipctl
it_begin sipctl_canned "$@"
[ -x "$SIPCTL" ] || it_die "no sipctl binary at $SIPCTL"
DATA=$(cd "$IT_SRC/../data/ladder" && pwd)
CID=a84b4c76e66710@pc33.example.com
TOKEN=t0k-123

python3 "$IT_SRC/sipctl_fakeapi.py" "$IT_DIR/port" "$IT_DIR/req.log" \
	"$DATA/retrans-call.jsonl" "$TOKEN" 2>"$IT_DIR/fake.err" &
IT_PIDS+=("$!")
for _ in $(seq 50); do [ -s "$IT_DIR/port" ] && break; sleep 0.1; done
[ -s "$IT_DIR/port" ] || it_die "the fake API did not start: $(cat "$IT_DIR/fake.err")"
export SIPCTL_URL="http://127.0.0.1:$(cat "$IT_DIR/port")"
export SIPCTL_TOKEN=$TOKEN
unset NO_COLOR

# run NAME ARGS...: sipctl with stdout in NAME.out, stderr in NAME.err;
# sets RC.
run() {
	local name=$1
	shift
	"$SIPCTL" "$@" >"$IT_DIR/$name.out" 2>"$IT_DIR/$name.err" </dev/null
	RC=$?
}
# expect NAME WANT_RC: the status of the last run.
expect_rc() {
	if [ "$RC" -eq "$2" ]; then
		it_pass "$1: exit $RC"
	else
		it_fail "$1: exit $RC, want $2; stderr: $(cat "$IT_DIR/$1.err")"
	fi
}
# same NAME: NAME.out equals stdin.
same() {
	if diff -u - "$IT_DIR/$1.out" >"$IT_DIR/$1.diff"; then
		it_pass "$1: output as expected"
	else
		it_fail "$1: output differs:"
		sed 's/^/  | /' "$IT_DIR/$1.diff"
	fi
}
# last_req FIELD: that field of the last request the fake API got.
last_req() {
	tail -n 1 "$IT_DIR/req.log" | python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v if isinstance(v,str) else json.dumps(v))' "$1"
}
check() { # check WHAT COMMAND...: pass if the command succeeds
	local what=$1
	shift
	if "$@"; then it_pass "$what"; else it_fail "$what"; fi
}

# ---- status, token ------------------------------------------------------
run status status
expect_rc status 0
same status <<'EOF'
sipd 0.1.0, up 1h 02m 05s
roles:         registrar, proxy
listen:        udp 127.0.0.1:5060, tcp [::1]:5060
transactions:  2
registrations: 3
calls:         1
stats:         requests_in 12, responses_in 3, malformed 1
EOF
check "status sent the bearer token" [ "$(last_req auth)" = "Bearer $TOKEN" ]
run json_status --json status
expect_rc json_status 0
check "--json status prints the API's JSON" python3 -c '
import json,sys; o=json.load(open(sys.argv[1])); sys.exit(0 if o["uptime_s"]==3725 and o["roles"]==["registrar","proxy"] else 1)' "$IT_DIR/json_status.out"
SIPCTL_TOKEN= run notoken status
expect_rc notoken 1
check "401 explained" grep -q "401 missing or wrong bearer token (give the API token with --token or SIPCTL_TOKEN)" "$IT_DIR/notoken.err"
SIPCTL_TOKEN= run flagtoken --token "$TOKEN" status
expect_rc flagtoken 0

# ---- registrations ----------------------------------------------------------
run reglist reg list
expect_rc reglist 0
same reglist <<'EOF'
AOR                    CONTACT                             EXPIRES  Q    SOURCE
sip:alice@example.com  sip:alice@127.0.0.1:5070            3590     1    udp:127.0.0.1:5070
sip:alice@example.com  sip:alice@[::1]:5071;transport=tcp  60       0.5  tcp:[::1]:40000
sip:bob@example.com    sip:bob@127.0.0.1:5080              120      1    udp:127.0.0.1:5080
EOF
run regshow reg show sip:alice@example.com
expect_rc regshow 0
check "reg show: AOR percent-encoded in the path" [ "$(last_req path)" = "/api/registrations/sip%3Aalice%40example.com" ]
same regshow <<'EOF'
sip:alice@example.com: 2 contacts
  sip:alice@127.0.0.1:5070
    expires:     3590
    q:           1
    instance:    -
    reg_id:      -
    path:        -
    call_id:     c1
    cseq:        2
    source:      udp:127.0.0.1:5070
    user_agent:  sipp
  sip:alice@[::1]:5071;transport=tcp
    expires:     60
    q:           0.5
    instance:    <urn:uuid:00000000-0000-0000-0000-000000000001>
    reg_id:      1
    path:        <sip:edge.example.com;lr>
    call_id:     c2
    cseq:        7
    source:      tcp:[::1]:40000
    user_agent:  -
EOF
run regrm reg rm bob
expect_rc regrm 0
check "reg rm: DELETE /api/registrations/bob" [ "$(last_req method) $(last_req path)" = "DELETE /api/registrations/bob" ]
run regrm404 reg rm sip:nobody@example.com
expect_rc regrm404 1
check "reg rm unknown: the API's reason on stderr" grep -q "404 no registrations for sip:nobody@example.com" "$IT_DIR/regrm404.err"
run regrm404json --json reg rm sip:nobody@example.com
expect_rc regrm404json 1
check "--json: the error body on stdout" grep -q '"error": "no registrations for sip:nobody@example.com"' "$IT_DIR/regrm404json.out"

# ---- users ---------------------------------------------------------------------
run useradd user add carol --password 's3 "cret' --realm example.org
expect_rc useradd 0
check "user add: JSON body" [ "$(last_req body)" = '{"user":"carol","password":"s3 \"cret","realm":"example.org"}' ]
check "user add: Content-Type" [ "$(last_req ctype)" = "application/json" ]
same useradd <<<"added user carol"
echo "pw-from-stdin" | "$SIPCTL" user add dave --password-stdin >"$IT_DIR/stdin.out" 2>&1
RC=$?
expect_rc stdin 0
check "user add --password-stdin: password read from stdin" [ "$(last_req body)" = '{"user":"dave","password":"pw-from-stdin"}' ]
run useradd409 user add alice --password x
expect_rc useradd409 1
check "user add existing: 409 reported" grep -q "409 user alice exists" "$IT_DIR/useradd409.err"
run nopw user add eve
expect_rc nopw 2
run userlist user list
expect_rc userlist 0
same userlist <<'EOF'
USER   REALM
alice  example.com
bob    example.com
EOF
run userrm user rm bob
expect_rc userrm 0
run userrm404 user rm zed
expect_rc userrm404 1

# ---- calls (a chunked answer), reload ----------------------------------------
run calls calls
expect_rc calls 0
same calls <<'EOF'
CALL-ID                          FROM                   TO                    STATE     STARTED                   ANSWERED
a84b4c76e66710@pc33.example.com  sip:alice@example.com  sip:bob@example.com   answered  2026-11-24T06:00:00.123Z  2026-11-24T06:00:01.853Z
x2                               sip:carol@example.com  sip:dave@example.com  ringing   2026-11-24T06:01:00.000Z  -
EOF
run reload reload
expect_rc reload 1
check "reload refused: FILE:LINE shown" grep -q "400 /etc/sipd.yaml:12: unknown key 'lisen'" "$IT_DIR/reload.err"

# ---- usage and connection errors ------------------------------------------------
run usage1 frobnicate
expect_rc usage1 2
run usage2 trace --follow --pcap x
expect_rc usage2 2
run noconn --url "http://127.0.0.1:$(python3 "$IT_PY" ports 1)" status
expect_rc noconn 3
check "no connection explained" grep -q "cannot connect to http://127.0.0.1:" "$IT_DIR/noconn.err"

# ---- trace ------------------------------------------------------------------------
run trace_brief trace --call-id "$CID" --brief --since 10m
expect_rc trace_brief 0
check "trace: filters in the query" python3 -c '
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); q = dict(u.parse_qsl(p.query))
sys.exit(0 if p.path == "/api/trace" and q["call_id"] == sys.argv[2] and
         len(q["since"]) == 20 and q["since"].endswith("Z") else 1)' "$(last_req path)" "$CID"
check "trace --brief: one line per message" [ "$(wc -l <"$IT_DIR/trace_brief.out")" -eq 16 ]
check "trace --brief: first line" grep -qx "06:00:00.123 recv 127.0.0.1:5060 <- 127.0.0.1:5071  INVITE sip:bob@example.com SIP/2.0  $CID" "$IT_DIR/trace_brief.out"
check "trace: no colour into a pipe" sh -c "! grep -q $'\033' '$IT_DIR/trace_brief.out'"
run trace_full trace --method BYE --user bob --addr 127.0.0.1:5072
expect_rc trace_full 0
check "trace: message text without CR, header line first" python3 -c '
import sys; t = open(sys.argv[1], "rb").read()
sys.exit(0 if t.startswith(b"2026-11-24T06:00:00.123Z recv UDP 127.0.0.1:5060 <- 127.0.0.1:5071 (") and b"\r" not in t and b"\nCall-ID: " in t else 1)' "$IT_DIR/trace_full.out"
run trace_color trace --brief --color
check "trace --color: ANSI colours" grep -q $'\033\\[36m' "$IT_DIR/trace_color.out"
if script -qefc "true" /dev/null >/dev/null 2>&1; then
	script -qefc "$SIPCTL trace --brief" /dev/null >"$IT_DIR/tty.out" 2>&1 </dev/null
	check "trace on a terminal: coloured" grep -q $'\033\\[' "$IT_DIR/tty.out"
	NO_COLOR=1 script -qefc "$SIPCTL trace --brief" /dev/null >"$IT_DIR/tty_nc.out" 2>&1 </dev/null
	check "trace on a terminal with NO_COLOR: plain" sh -c "! grep -q $'\033\\[' '$IT_DIR/tty_nc.out' && grep -q INVITE '$IT_DIR/tty_nc.out'"
else
	it_note "script(1) cannot make a terminal here: tty colour checks skipped"
fi

# --follow: the fake hands out --limit 5 entries per poll; every message
# must come once, in order, through after=next polls; SIGINT ends it with 0.
: >"$IT_DIR/req.log"
"$SIPCTL" trace --follow --brief --interval 100 --limit 5 >"$IT_DIR/follow.out" 2>"$IT_DIR/follow.err" &
FPID=$!
IT_PIDS+=("$FPID")
for _ in $(seq 50); do
	[ "$(wc -l <"$IT_DIR/follow.out")" -ge 16 ] && break
	sleep 0.1
done
sleep 0.3
kill -INT "$FPID"
wait "$FPID"
RC=$?
expect_rc follow 0
check "trace --follow: 16 messages, each once, in order" python3 -c '
import sys
ls = open(sys.argv[1]).read().splitlines()
ts = [l.split()[0] for l in ls]
sys.exit(0 if len(ls) == 16 and ts == sorted(ts) else 1)' "$IT_DIR/follow.out"
check "trace --follow: polls with after=5, 10, 15, 16" python3 -c '
import json, sys, urllib.parse as u
afters = [dict(u.parse_qsl(u.urlsplit(json.loads(l)["path"]).query)).get("after") for l in open(sys.argv[1])]
want = [None, "5", "10", "15", "16"]
sys.exit(0 if afters[:5] == want and set(afters[4:]) == {"16"} else 1)' "$IT_DIR/req.log"

run trace_off trace --off
expect_rc trace_off 0
check "trace --off: POST /api/trace {\"enabled\": false}" [ "$(last_req method) $(last_req path) $(last_req body)" = 'POST /api/trace {"enabled":false}' ]
same trace_off <<<"tracing off"
run trace_on trace --on
same trace_on <<<"tracing on"

run pcap trace --pcap "$IT_DIR/t.pcap" --call-id "$CID"
expect_rc pcap 0
check "trace --pcap: the answer's bytes in the file" [ "$(head -c 4 "$IT_DIR/t.pcap" | od -An -tx1 | tr -d ' ')" = d4c3b2a1 ]
check "trace --pcap: /api/trace.pcap with the filters" [ "$(last_req path)" = "/api/trace.pcap?call_id=a84b4c76e66710%40pc33.example.com" ]

# ---- ladder -------------------------------------------------------------------------
run ladder ladder "$CID"
expect_rc ladder 0
same ladder <"$DATA/retrans-call.txt"
run ladder_file ladder "$CID" --file "$DATA/retrans-call.jsonl"
expect_rc ladder_file 0
same ladder_file <"$DATA/retrans-call.txt"
# a recorded proxied call among other messages in sipd's stderr
run ladder_rec ladder 1-10508@127.0.0.1 --file "$DATA/proxy-call.jsonl"
expect_rc ladder_rec 0
same ladder_rec <"$DATA/proxy-call.txt"
run ladder_svg ladder "$CID" --svg "$IT_DIR/call.svg"
expect_rc ladder_svg 0
check "ladder --svg: valid XML, 16 arrows, 3 hosts" python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
r = ET.parse(sys.argv[1]).getroot()
gs = [g for g in r.iter(ns + "g") if "msg" in g.get("class", "").split()]
hs = [g for g in r.iter(ns + "g") if g.get("class") == "host"]
sys.exit(0 if r.tag == ns + "svg" and len(gs) == 16 and len(hs) == 3 else 1)' "$IT_DIR/call.svg"
check "ladder --svg: xmllint agrees" xmllint --noout "$IT_DIR/call.svg"
run ladder_html ladder "$CID" --html "$IT_DIR/call.html"
expect_rc ladder_html 0
check "ladder --html: embedded SVG is XML, 16 messages, no external assets" python3 -c '
import re, sys, xml.etree.ElementTree as ET
t = open(sys.argv[1]).read()
svg = t[t.index("<svg"):t.index("</svg>") + 6]
ET.fromstring(svg)
n = len(re.findall(r"<details id=\"raw\d+\">", t))
ext = re.findall(r"(src|href)=", t)
sys.exit(0 if n == 16 and not ext and "addEventListener" in t else 1)' "$IT_DIR/call.html"
# the page's script, run by a real browser: a link to arrow 9 opens
# message 9 (the click handler calls the same function)
if command -v chromium >/dev/null; then
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$IT_DIR/chromium" --dump-dom \
		"file://$IT_DIR/call.html#m9" >"$IT_DIR/dom.html" 2>"$IT_DIR/chromium.err"
	check "ladder --html in chromium: #m9 opens message 9 only" python3 -c '
import re, sys
t = open(sys.argv[1]).read()
opened = re.findall(r"<details id=\"raw(\d+)\" open=\"\" class=\"sel\">", t)
sys.exit(0 if opened == ["9"] and t.count("<details id=") == 16 else 1)' "$IT_DIR/dom.html"
else
	it_note "chromium is missing: the page's script was not run"
fi
run ladder_none ladder nosuchcall
expect_rc ladder_none 1

it_end
