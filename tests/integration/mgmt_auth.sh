#!/bin/bash
# mgmt_auth.sh SIPD - a user added through POST /api/users can
# authenticate (digest MD5 and SHA-256 over the HA1s the API stored), a
# wrong password cannot; the auth counters of /metrics move accordingly
# (sipd_auth_successes_total, sipd_auth_failures_total,
# sipd_auth_challenges_total); after DELETE /api/users/{user} the
# password no longer works.
. "$(dirname "$0")/lib.sh"
it_begin mgmt_auth "$@"
read -r IT_HTTP_PORT <<<"$(python3 "$IT_PY" ports 1)"
export IT_HTTP_PORT
it_config 100 500 "server:
  domains: [ example.com ]
store:
  backend: memory
registrar:
  enabled: true
http:
  enabled: true
  port: $IT_HTTP_PORT"
it_sipd_start
it_py >"$IT_DIR/auth.out" <<'PY' || it_fail "auth: $(cat "$IT_DIR/auth.out")"
import os
import promparse
from mgmttest import http, check, done
from regclient import Client

def metrics():
    st, hd, body = http("GET", "/metrics")
    return promparse.parse(body.decode())

port = int(os.environ["IT_PORT"])
m0 = metrics()
st, hd, body = http("POST", "/api/users", {"user": "gina", "password": "hunter2"})
check(st == 201, "POST user: %d %r" % (st, body))
for algo in ("SHA-256", "MD5"):
    r, r401, _ = Client(port, "gina", "example.com", "hunter2").register(
        ["<sip:gina@127.0.0.1:5999>"], 300, algo=algo)
    check(r401 is not None and r401.code == 401 and r is not None and r.code == 200,
          "%s with the API's user: %r / %r" % (algo, r401, r))
r, r401, _ = Client(port, "gina", "example.com", "hunter2").register(
    ["<sip:gina@127.0.0.1:5999>"], 300, password="wrong")
check(r is not None and r.code == 401, "wrong password: %r" % r)
m1 = metrics()
d = lambda n: promparse.value(m1, n) - promparse.value(m0, n)
check(d("sipd_auth_successes_total") == 2, "successes +%r" % d("sipd_auth_successes_total"))
check(d("sipd_auth_failures_total") == 1, "failures +%r" % d("sipd_auth_failures_total"))
check(d("sipd_auth_challenges_total") >= 4, "challenges +%r" % d("sipd_auth_challenges_total"))
check(not promparse.counters_grew(m0, m1), "a counter went down")
st, hd, body = http("DELETE", "/api/users/gina")
check(st == 204, "DELETE user: %d" % st)
r, r401, _ = Client(port, "gina", "example.com", "hunter2").register(
    ["<sip:gina@127.0.0.1:5999>"], 300)
check(r is not None and r.code == 401, "after DELETE the password still works: %r" % r)
done("mgmt_auth")
PY
sed 's/^/  | /' "$IT_DIR/auth.out"
it_end
