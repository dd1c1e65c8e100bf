#!/bin/bash
# mgmt_access.sh SIPD - who the HTTP API serves (API.md "Access").
#
# 1. With http.token: no Authorization, a wrong token, a token of another
#    length, another scheme all get 401 with "WWW-Authenticate: Bearer"
#    and a JSON error, on every kind of endpoint (API, /metrics, pcap);
#    the right token gets 200. The page's static files load without it
#    (a browser cannot add the header), and the page given the token in
#    its URL (#token=...) shows the status in headless Chromium.
# 2. Without a token, only loopback peers are served. All of 127.0.0.0/8
#    (and ::1) is loopback, and a test may use nothing else, so a peer
#    that is *not* loopback cannot be made honestly here; the rule's
#    definition of loopback is unit-tested with non-loopback addresses
#    (src/mgmt/mgmt_access_test.c). What is tested over real sockets is
#    the refusal path itself: with `http.allow: [127.0.0.1]` (the same
#    network rule, narrowed to one address) a client connecting from
#    127.0.0.2 gets 403 while 127.0.0.1 gets 200; and with the default
#    rule a client from 127.0.0.2 is served (it is loopback).
# 3. The API's port taken by another socket: sipd exits 1 and says why.
. "$(dirname "$0")/lib.sh"
it_begin mgmt_access "$@"
read -r IT_HTTP_PORT <<<"$(python3 "$IT_PY" ports 1)"
export IT_HTTP_PORT

# ---- 1. bearer token
it_config 100 500 "store:
  backend: memory
http:
  enabled: true
  port: $IT_HTTP_PORT
  token: \"t0k-en.42\""
it_sipd_start
it_py >"$IT_DIR/token.out" <<'PY' || it_fail "token: $(cat "$IT_DIR/token.out")"
import json
from mgmttest import http, check, done
for path in ("/api/status", "/api/registrations", "/metrics", "/api/trace.pcap", "/api/nothing",
             "/nothing"):
    for hdrs in ({}, {"Authorization": "Bearer t0k-en.41"}, {"Authorization": "Bearer t0k-en.42x"},
                 {"Authorization": "Basic dDBrLWVuLjQy"}, {"Authorization": "Bearer"}):
        st, hd, body = http("GET", path, headers=hdrs)
        check(st == 401 and hd.get("www-authenticate", "").startswith("Bearer")
              and "error" in json.loads(body), "%s %r: %d %r" % (path, hdrs, st, hd))
st, hd, body = http("GET", "/api/status", token="t0k-en.42")
check(st == 200 and json.loads(body)["version"], "right token: %d" % st)
# the page's static files hold no data: a browser loads them without the
# header (its script then sends the token)
for path in ("/", "/index.html", "/app.js", "/style.css"):
    st, hd, body = http("GET", path)
    check(st == 200 and b"sipd" in body, "page file %s without token: %d" % (path, st))
st, hd, body = http("POST", "/", "x")
check(st == 401, "POST / without token: %d" % st)
st, hd, body = http("GET", "/metrics", token="t0k-en.42")
check(st == 200, "right token /metrics: %d" % st)
# with a token the network rule does not apply: 127.0.0.2 is served too
st, hd, body = http("GET", "/api/status", token="t0k-en.42", source="127.0.0.2")
check(st == 200, "right token from 127.0.0.2: %d" % st)
done("token")
PY
sed 's/^/  | /' "$IT_DIR/token.out"
# the page given the token in its URL fragment shows the server's data
CHROME=$(command -v chromium || command -v chromium-browser) || it_die "chromium is missing"
timeout -k 5 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$IT_DIR/chrome-profile" --virtual-time-budget=4000 \
	--dump-dom "http://127.0.0.1:$IT_HTTP_PORT/#token=t0k-en.42" \
	>"$IT_DIR/dom.html" 2>"$IT_DIR/chrome.err" </dev/null
grep -q '<h1 id="title">sipd 0.1.0</h1>' "$IT_DIR/dom.html" ||
	it_fail "page with #token did not show the status: $(grep -o '<h1[^<]*<' "$IT_DIR/dom.html")"
grep -q 'class="error" hidden' "$IT_DIR/dom.html" ||
	it_fail "page with #token shows an error: $(grep -o 'id="error"[^<]*<' "$IT_DIR/dom.html")"
it_sipd_stop

# ---- 2. no token: the network rule
it_config 100 500 "store:
  backend: memory
http:
  enabled: true
  port: $IT_HTTP_PORT
  allow: [ 127.0.0.1 ]"
it_sipd_start
it_py >"$IT_DIR/allow.out" <<'PY' || it_fail "allow: $(cat "$IT_DIR/allow.out")"
import json
from mgmttest import http, check, done
st, hd, body = http("GET", "/api/status", source="127.0.0.1")
check(st == 200, "from 127.0.0.1: %d" % st)
for path in ("/api/status", "/metrics", "/"):
    st, hd, body = http("GET", path, source="127.0.0.2")
    check(st == 403 and "error" in json.loads(body), "%s from 127.0.0.2: %d %r" % (path, st, body))
done("allow")
PY
sed 's/^/  | /' "$IT_DIR/allow.out"
it_sipd_stop

it_config 100 500 "store:
  backend: memory
http:
  enabled: true
  port: $IT_HTTP_PORT"
it_sipd_start
it_py >"$IT_DIR/loop.out" <<'PY' || it_fail "loopback: $(cat "$IT_DIR/loop.out")"
from mgmttest import http, check, done
for src in ("127.0.0.1", "127.0.0.2", "127.1.2.3"):
    st, hd, body = http("GET", "/api/status", source=src)
    check(st == 200, "default rule, from %s: %d" % (src, st))
done("loopback")
PY
sed 's/^/  | /' "$IT_DIR/loop.out"
grep -q 'HTTP API.*access="loopback only"\|HTTP API.*loopback only' "$IT_DIR/sipd.err" ||
	it_fail "sipd did not log the access rule"
it_sipd_stop

# ---- 3. the API's port taken: sipd does not start (exit 1, logged)
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(20)' "$IT_HTTP_PORT" &
IT_PIDS+=("$!")
sleep 0.5
timeout -k 3 15 "$SIPD" -c "$IT_CFG" >"$IT_DIR/busy.out" 2>"$IT_DIR/busy.err" </dev/null
rc=$?
[ "$rc" = 1 ] || it_fail "sipd with its HTTP port taken exited $rc, want 1"
grep -q "cannot start HTTP API" "$IT_DIR/busy.err" ||
	it_fail "no 'cannot start HTTP API' in the log: $(tail -2 "$IT_DIR/busy.err")"
grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$IT_DIR/busy.err" &&
	it_fail "sanitizer report after the failed start: $(grep -A5 -m1 Sanitizer "$IT_DIR/busy.err")"
it_end
