#!/bin/bash
# mgmt_metrics.sh SIPD - GET /metrics is valid Prometheus text format
# 0.0.4 for a strict parser (promparse.py; first shown to reject broken
# texts), names the families of API.md with their types, and its
# counters move as sipp runs: OPTIONS x3 and a REGISTER (by method),
# their 200s (by code), transport messages and bytes (udp in/out); no
# counter ever goes down between scrapes; uptime grows.
. "$(dirname "$0")/lib.sh"
it_begin mgmt_metrics "$@"
command -v sipp >/dev/null || it_die "sipp is missing"
read -r IT_HTTP_PORT <<<"$(python3 "$IT_PY" ports 1)"
export IT_HTTP_PORT

# The parser must be able to fail: known-bad texts are refused.
it_py >"$IT_DIR/selftest.out" <<'PY' || it_fail "promparse self-test: $(cat "$IT_DIR/selftest.out")"
import promparse
bad = [
    "x 1",                                               # no final newline
    "# TYPE x counter\n# TYPE x counter\nx 1\n",         # two TYPEs
    "# TYPE x countr\nx 1\n",                            # unknown type
    "1x 1\n",                                            # bad name
    'x{a="1",a="2"} 1\n',                                # label twice
    'x{a="\\q"} 1\n',                                    # bad escape
    'x{__a="1"} 1\n',                                    # reserved label
    'x{a="1"} one\n',                                    # bad value
    "x 1\ny 2\nx 3\n",                                   # family not together
    "x 1\nx 2\n",                                        # sample twice
    "# TYPE x counter\nx -1\n",                          # negative counter
    "x 1\n# TYPE x gauge\n",                             # TYPE after samples
    "x 1\r\n",                                           # CR
]
for t in bad:
    try:
        promparse.parse(t)
    except ValueError:
        continue
    raise SystemExit("accepted a broken text: %r" % t)
good = '# HELP a_total h \\\\ \\n\n# TYPE a_total counter\na_total{l="x\\"y\\\\z\\n"} 1\na_total 2 1700000000\nb +Inf\n'
p = promparse.parse(good)
assert promparse.value(p, "a_total", l='x"y\\z\n') == 1.0, p
print("self-test ok")
PY

it_config 100 500 "server:
  domains: [ example.com ]
store:
  backend: memory
registrar:
  enabled: true
auth:
  register: false
http:
  enabled: true
  port: $IT_HTTP_PORT"
it_sipd_start

scrape() {
	python3 - "$1" <<'PY' || it_fail "scrape $1 failed"
import sys
from mgmttest import http
st, hd, body = http("GET", "/metrics")
if st != 200 or not hd.get("content-type", "").startswith("text/plain; version=0.0.4"):
    raise SystemExit("status %d type %r" % (st, hd.get("content-type")))
open(sys.argv[1], "wb").write(body)
PY
}
scrape "$IT_DIR/m0.txt"
for i in 1 2 3; do it_sipp_ok "options$i" options.xml u1 4; done
it_sipp_ok reg register_plain.xml u1 4 -s dave
sleep 1.1
scrape "$IT_DIR/m1.txt"

it_py "$IT_DIR/m0.txt" "$IT_DIR/m1.txt" >"$IT_DIR/check.out" <<'PY' || it_fail "metrics: $(cat "$IT_DIR/check.out")"
import sys
import promparse
from mgmttest import check, done
a = promparse.parse(open(sys.argv[1]).read())
b = promparse.parse(open(sys.argv[2]).read())
want = {
    "sipd_requests_total": "counter", "sipd_responses_total": "counter",
    "sipd_transactions": "gauge", "sipd_registrations": "gauge",
    "sipd_auth_failures_total": "counter", "sipd_parse_errors_total": "counter",
    "sipd_retransmissions_total": "counter", "sipd_transport_messages_total": "counter",
    "sipd_transport_bytes_total": "counter", "sipd_loop_latency_seconds": "gauge",
    "sipd_uptime_seconds": "gauge", "sipd_calls": "gauge",
}
for name, t in want.items():
    check(b["types"].get(name) == t, "family %s type %r, want %s" % (name, b["types"].get(name), t))
for name, t in b["types"].items():
    if t == "counter":
        check(name.endswith("_total"), "counter %s does not end in _total" % name)
for kind in ("ict", "nict", "ist", "nist"):
    check(promparse.value(b, "sipd_transactions", kind=kind) is not None, "transactions{kind=%s}" % kind)
v = lambda p, n, **l: promparse.value(p, n, **l) or 0.0
d = lambda n, **l: v(b, n, **l) - v(a, n, **l)
check(d("sipd_requests_total", method="OPTIONS") == 3, "OPTIONS counted %r" % d("sipd_requests_total", method="OPTIONS"))
check(d("sipd_requests_total", method="REGISTER") == 1, "REGISTER counted %r" % d("sipd_requests_total", method="REGISTER"))
check(d("sipd_responses_total", code="200") == 4, "200s counted %r" % d("sipd_responses_total", code="200"))
check(d("sipd_transport_messages_total", transport="udp", dir="in") == 4, "udp in %r" % d("sipd_transport_messages_total", transport="udp", dir="in"))
check(d("sipd_transport_messages_total", transport="udp", dir="out") == 4, "udp out")
check(d("sipd_transport_bytes_total", transport="udp", dir="in") > 4 * 200, "udp bytes in")
for name, want_d in (("sipd_registrar_requests_total", 1), ("sipd_registrar_ok_total", 1),
                     ("sipd_registrar_bindings_added_total", 1), ("sipd_stateless_responses_total", 3),
                     ("sipd_auth_failures_total", 0)):
    check(d(name) == want_d, "%s moved by %r, want %d" % (name, d(name), want_d))
check(v(b, "sipd_registrations") == 1, "registrations gauge %r" % v(b, "sipd_registrations"))
check(d("sipd_uptime_seconds") > 1.0, "uptime grew %r" % d("sipd_uptime_seconds"))
lat = v(b, "sipd_loop_latency_seconds")
check(0 <= lat < 1.0, "loop latency %r" % lat)
for problem in promparse.counters_grew(a, b):
    check(False, problem)
done("mgmt_metrics")
PY
sed 's/^/  | /' "$IT_DIR/check.out"
it_end
