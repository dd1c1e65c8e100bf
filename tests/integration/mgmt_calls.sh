#!/bin/bash
# mgmt_calls.sh SIPD - /api/calls, the calls gauge and the ladder of a
# real call: a sipp caller calls a sipp callee registered with sipd as a
# record-routing proxy and stays in the call 6 s. While it is up the API
# lists it "answered" (Call-ID, From, To, RFC 3339 started/answered),
# status and /metrics count it, and the page's calls table shows it;
# after the BYE it is "ended" (while it lingers). The trace of
# its Call-ID holds INVITE, 180, 200, ACK, BYE and 200 in both legs, and
# the status page in headless Chromium draws it: an SVG with the caller,
# sipd and the callee as columns and an arrow per message (screenshot
# kept under the build directory).
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/proxylib.sh"
it_begin mgmt_calls "$@"
command -v sipp >/dev/null || it_die "sipp is missing"
CHROME=$(command -v chromium || command -v chromium-browser) || it_die "chromium is missing"
ART_DIR=$(cd "$(dirname "$SIPD")/../.." && pwd)/test-artifacts
mkdir -p "$ART_DIR" || it_die "cannot create $ART_DIR"
chrome() {
	timeout -k 5 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --hide-scrollbars --user-data-dir="$IT_DIR/chrome-profile" \
		--virtual-time-budget=5000 "$@" 2>>"$IT_DIR/chrome.err" </dev/null
}
read -r IT_HTTP_PORT PU PC <<<"$(px_ports 3)"
export IT_HTTP_PORT
px_config "proxy:
  enabled: true
trace:
  enabled: true
http:
  enabled: true
  port: $IT_HTTP_PORT"
it_sipd_start
px_register bob "sip:bob@127.0.0.1:$PU"
px_uas callee proxy_uas.xml u1 "$PU"
UAS_PID=$PX_PID
px_uas caller "$IT_SRC/sipp/mgmt_uac_call.xml" u1 "$PC" -s bob -d 6000 "127.0.0.1:$IT_PORT"
UAC_PID=$PX_PID

it_py >"$IT_DIR/up.out" <<'PY' || it_fail "call up: $(cat "$IT_DIR/up.out")"
import re, time
from mgmttest import get_json, http, check, done
rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
call = None
for _ in range(50):
    calls = get_json("/api/calls")["calls"]
    if calls and calls[0]["state"] == "answered":
        call = calls[0]
        break
    time.sleep(0.1)
check(call is not None, "no answered call listed: %r" % get_json("/api/calls"))
if call:
    check(call["to"].startswith("sip:bob@") and call["from"].startswith("sip:carl@"), "from/to %r" % call)
    check(rfc3339.match(call["started"] or "") and rfc3339.match(call["answered"] or ""), "times %r" % call)
    check(call["answered"] >= call["started"], "answered before started %r" % call)
    open("callid", "w").write(call["call_id"])
check(get_json("/api/status")["calls"] == 1, "status calls")
st, hd, body = http("GET", "/metrics")
check(b"\nsipd_calls 1\n" in body, "sipd_calls gauge")
done("call up")
PY
sed 's/^/  | /' "$IT_DIR/up.out"
# the page while the call is up: the calls table lists it answered
chrome --dump-dom "http://127.0.0.1:$IT_HTTP_PORT/" >"$IT_DIR/dom-up.html" ||
	it_fail "chromium --dump-dom failed"
it_py "$IT_DIR/dom-up.html" >"$IT_DIR/dom-up.out" <<'PY' || it_fail "calls table: $(cat "$IT_DIR/dom-up.out")"
import re, sys
from mgmttest import check, done
dom = open(sys.argv[1]).read()
cid = open("callid").read()
table = re.search(r'<table id="calls">(.*?)</table>', dom, re.S)
rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S) if table else []
cells = [re.findall(r"<td[^>]*>([^<]*)</td>", r) for r in rows]
check(any(c[:1] == [cid] and "answered" in c and c[2].startswith("sip:bob@") for c in cells),
      "calls table during the call: %r" % cells)
done("calls table")
PY
sed 's/^/  | /' "$IT_DIR/dom-up.out"
px_wait "$UAC_PID" caller
px_wait "$UAS_PID" callee

it_py >"$IT_DIR/end.out" <<'PY' || it_fail "call ended: $(cat "$IT_DIR/end.out")"
from mgmttest import get_json, check, done
cid = open("callid").read()
calls = get_json("/api/calls")["calls"]
check(len(calls) == 1 and calls[0]["call_id"] == cid and calls[0]["state"] == "ended", "after BYE: %r" % calls)
firsts = [e["sip"].split("\r\n", 1)[0] for e in get_json("/api/trace?call_id=" + cid)["entries"]]
for want in ("INVITE ", "SIP/2.0 180", "SIP/2.0 200", "ACK ", "BYE "):
    n = sum(f.startswith(want) for f in firsts)
    check(n >= 2, "%r seen %d times in the trace (want both legs): %r" % (want, n, firsts))
done("call ended")
PY
sed 's/^/  | /' "$IT_DIR/end.out"

CALLID=$(cat "$IT_DIR/callid" 2>/dev/null)
URL="http://127.0.0.1:$IT_HTTP_PORT/?call_id=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$CALLID")"
chrome --dump-dom "$URL" >"$IT_DIR/dom.html" || it_fail "chromium --dump-dom failed"
it_py "$IT_DIR/dom.html" "$IT_PORT" "$PU" "$PC" >"$IT_DIR/dom.out" <<'PY' || it_fail "ladder: $(cat "$IT_DIR/dom.out")"
import re, sys
from mgmttest import check, done
dom, sipd, uas, uac = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4]
svg = dom[dom.find("<svg"):dom.find("</svg>")]
hosts = re.findall(r'<text[^>]*class="host"[^>]*>([^<]*)</text>', svg)
check(hosts and set(hosts) == {"127.0.0.1:" + p for p in (sipd, uas, uac)}, "ladder columns %r" % hosts)
labels = re.findall(r'<text[^>]*class="label[^"]*"[^>]*>([^<]*)</text>', svg)
for want in ("INVITE", "180 Ringing (INVITE)", "200 OK (INVITE)", "ACK", "BYE", "200 OK (BYE)"):
    check(labels.count(want) >= 2, "label %r %d times: %r" % (want, labels.count(want), labels))
arrows = len(re.findall(r'<line[^>]*class="arrow', svg))
check(arrows == len(labels) and arrows >= 12, "arrows %d, labels %d" % (arrows, len(labels)))
done("ladder")
PY
sed 's/^/  | /' "$IT_DIR/dom.out"
SHOT="$ART_DIR/mgmt_calls_ladder.png"
rm -f "$SHOT"
chrome --window-size=1200,1400 --screenshot="$SHOT" "$URL" >/dev/null
[ -s "$SHOT" ] && it_note "screenshot: $SHOT" || it_fail "no screenshot at $SHOT"
it_end
