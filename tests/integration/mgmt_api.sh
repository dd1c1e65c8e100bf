#!/bin/bash
# mgmt_api.sh SIPD - every endpoint of the HTTP API (API.md) over real
# HTTP on a free loopback port, no token (loopback peers only):
#   status; users add (201), again (409), bad body (400), list (no
#   hashes), delete (204), again (404); a registration made by sipp
#   listed, fetched by URI and by bare user name, deleted (204, then
#   404); transactions with the REGISTER's server transaction and its
#   Call-ID; calls; trace with seq/next/after and the call_id, method,
#   user, addr and since filters, limit, a bad filter (400), a message
#   that is not UTF-8; POST trace off (nothing recorded) and on (recorded
#   again, seq continuing); reload (200, then 400 with FILE:LINE for a broken file,
#   the old configuration kept); 404 and 405 with Allow; the status page.
# timeout: 120
. "$(dirname "$0")/lib.sh"
it_begin mgmt_api "$@"
command -v sipp >/dev/null || it_die "sipp is missing"
read -r IT_HTTP_PORT <<<"$(python3 "$IT_PY" ports 1)"
export IT_HTTP_PORT
it_config 100 500 "server:
  domains: [ example.com ]
store:
  backend: memory
registrar:
  enabled: true
auth:
  register: false
trace:
  enabled: true
http:
  enabled: true
  address: 127.0.0.1
  port: $IT_HTTP_PORT"
cp "$IT_CFG" "$IT_DIR/good.yaml"
it_sipd_start

it_sipp_ok reg-alice register_plain.xml u1 4 -s alice
it_sipp_ok options options.xml u1 4

it_py >"$IT_DIR/api.out" <<'PY' || it_fail "HTTP API checks: $(cat "$IT_DIR/api.out")"
import json, os, time
from mgmttest import http, get_json, check, done

cfg = os.path.join(os.environ["IT_DIR"], "sipd.yaml")

# ---- transactions first: the REGISTER's server transaction is in
# Completed for Timer J (64*T1 = 6.4 s), kept as a compact record that
# does not keep the Call-ID (src/txn/done.c): null, or the REGISTER's
t = get_json("/api/transactions")["transactions"]
r0 = get_json("/api/registrations")["registrations"]
reg_callid = r0[0]["contacts"][0]["call_id"] if r0 else None
check(any(x["kind"] == "nist" and x["method"] == "REGISTER" and x["call_id"] in (reg_callid, None)
          and x["state"] == "completed" and x["last_code"] == 200
          and x["branch"].startswith("z9hG4bK") for x in t), "transactions %r" % t)

# ---- status
s = get_json("/api/status")
check(s["version"] == "0.1.0", "status version %r" % s.get("version"))
check(s["roles"] == ["registrar"], "status roles %r" % s.get("roles"))
check({"transport": "udp", "address": "127.0.0.1", "port": int(os.environ["IT_PORT"])} in s["listen"],
      "status listen %r" % s["listen"])
check(s["stats"]["requests_in"] >= 2, "status requests_in %r" % s["stats"])
check(s["registrations"] == 1 and s["calls"] == 0, "status counts %r" % s)
check(isinstance(s["uptime_s"], int) and s["uptime_s"] >= 0, "uptime %r" % s["uptime_s"])

# ---- users
st, hd, body = http("POST", "/api/users", {"user": "bob", "password": "s3cret"})
check(st == 201 and json.loads(body) == {"user": "bob", "domain": "example.com"},
      "POST user: %d %r" % (st, body))
st, hd, body = http("POST", "/api/users", {"user": "bob", "password": "other"})
check(st == 409 and "error" in json.loads(body), "POST existing user: %d %r" % (st, body))
for bad in ('{"user": "x"}', "not json", '{"user": "a@b", "password": "p"}',
            '{"user": "", "password": "p"}', '{"user": 5, "password": "p"}'):
    st, hd, body = http("POST", "/api/users", bad)
    check(st == 400 and "error" in json.loads(body), "POST bad user %r: %d %r" % (bad, st, body))
st, hd, body = http("POST", "/api/users", {"user": "carol", "password": "pw", "realm": "other.example"})
check(st == 201, "POST user with realm: %d" % st)
u = get_json("/api/users")
check({"user": "bob", "domain": "example.com", "realm": "example.com"} in u["users"], "users %r" % u)
check(any(x["user"] == "carol" and x["realm"] == "other.example" for x in u["users"]), "carol %r" % u)
check("ha1" not in json.dumps(u).lower() and "s3cret" not in json.dumps(u), "users list leaks hashes")
st, hd, body = http("DELETE", "/api/users/bob")
check(st == 204 and body == b"", "DELETE user: %d %r" % (st, body))
st, hd, body = http("DELETE", "/api/users/bob")
check(st == 404, "DELETE missing user: %d" % st)
st, hd, body = http("DELETE", "/api/users/carol?realm=other.example")
check(st == 204, "DELETE user in realm: %d" % st)
check(get_json("/api/users")["users"] == [], "users left")

# ---- registrations
r = get_json("/api/registrations")["registrations"]
check(len(r) == 1 and r[0]["aor"] == "sip:alice@example.com", "registrations %r" % r)
c = r[0]["contacts"][0] if r and r[0]["contacts"] else {}
check(c.get("uri", "").startswith("sip:alice@127.0.0.1:"), "contact uri %r" % c)
check(0 < c.get("expires", 0) <= 600 and c.get("q") == 1.0 and c.get("cseq") == 1, "contact %r" % c)
check(c.get("source", "").startswith("udp:127.0.0.1:") and c.get("user_agent") == "sipp-itest",
      "contact source/ua %r" % c)
check(c.get("instance") is None and c.get("reg_id") is None and c.get("path") == [], "contact %r" % c)
reg_callid = c.get("call_id")
one = get_json("/api/registrations/sip%3Aalice%40example.com")
check(one and one["aor"] == "sip:alice@example.com" and one["contacts"] == r[0]["contacts"]
      or (one and one["contacts"][0]["uri"] == c["uri"]), "by URI %r" % one)
check(get_json("/api/registrations/alice")["aor"] == "sip:alice@example.com", "by bare name")
get_json("/api/registrations/nobody", want=404)
get_json("/api/registrations/sip%3A%25zz", want=400)

# ---- calls (none: no role keeps calls in this build)
check(get_json("/api/calls") == {"calls": []}, "calls")

# ---- trace
tr = get_json("/api/trace")
e = tr["entries"]
check(tr["enabled"] is True and len(e) >= 4, "trace %r" % tr)
check(all(e[i]["seq"] < e[i + 1]["seq"] for i in range(len(e) - 1)), "seq order")
check(tr["next"] == e[-1]["seq"], "next %r" % tr["next"])
for x in e:
    check(set(x) == {"seq", "time", "dir", "transport", "local", "peer", "bytes", "sip"}, "entry keys %r" % x.keys())
    check(x["bytes"] == len(x["sip"].encode()) and x["time"].endswith("Z") and len(x["time"]) == 24,
          "entry %r" % {k: x[k] for k in ("bytes", "time")})
regs = get_json("/api/trace?call_id=" + reg_callid)["entries"]
check([x["dir"] for x in regs] == ["recv", "send"] and regs[0]["sip"].startswith("REGISTER ")
      and regs[1]["sip"].startswith("SIP/2.0 200"), "call_id filter %r" % [x["sip"][:20] for x in regs])
opts = get_json("/api/trace?method=OPTIONS")["entries"]
import re
cseqs = [re.search(r"(?im)^CSeq:\s*\d+\s+(\S+)", x["sip"]).group(1) for x in opts]
check(len(opts) >= 2 and set(cseqs) == {"OPTIONS"}
      and sum(x["sip"].startswith("SIP/2.0 200") for x in opts) == len(opts) // 2
      and len(opts) == sum(c == "OPTIONS" for c in
                           [re.search(r"(?im)^CSeq:\s*\d+\s+(\S+)", x["sip"]).group(1) for x in e]),
      "method filter (responses by their CSeq) %r" % cseqs)
check(len(get_json("/api/trace?user=alic")["entries"]) == 2, "user filter")
peer = regs[0]["peer"]
check(len(get_json("/api/trace?addr=" + peer)["entries"]) == 2, "addr ip:port filter")
check(len(get_json("/api/trace?addr=127.0.0.1")["entries"]) == len(e), "addr ip filter")
check(get_json("/api/trace?since=2999-01-01T00:00:00Z")["entries"] == [], "since in the future")
check(len(get_json("/api/trace?since=2000-01-01T00:00:00.000Z")["entries"]) == len(e), "since in the past")
lim = get_json("/api/trace?limit=1")
check(len(lim["entries"]) == 1 and lim["entries"][0]["seq"] == e[-1]["seq"], "limit keeps the newest")
first = get_json("/api/trace?after=0&limit=1")
check(first["entries"][0]["seq"] == e[0]["seq"] and first["next"] == e[0]["seq"], "after+limit from the oldest")
last = get_json("/api/trace?after=%d" % tr["next"])
check(last["entries"] == [] and last["next"] == tr["next"], "after=next: nothing new %r" % last)
get_json("/api/trace?since=yesterday", want=400)
get_json("/api/trace?limit=0", want=400)

# a message that is not UTF-8 (a Latin-1 subject) is still listed, the
# byte as the code point of the same value
import siptest
u = siptest.Udp(siptest.V4)
raw = siptest.request("OPTIONS", siptest.V4, int(os.environ["IT_PORT"]), "UDP", lport=u.port,
                      callid="latin1@itest").replace(b"Max-Forwards: 70", b"Subject: Ren\xe9\r\nMax-Forwards: 70")
u.send(raw, int(os.environ["IT_PORT"]))
check(u.recv(2.0) is not None, "no answer to the Latin-1 OPTIONS")
lat = get_json("/api/trace?call_id=latin1@itest")["entries"]
check(len(lat) == 2 and "Subject: Ren\u00e9\r\n" in lat[0]["sip"] and lat[0]["bytes"] == len(raw),
      "Latin-1 message in the trace: %r" % [x["sip"][:80] for x in lat])

st, hd, body = http("POST", "/api/trace", {"enabled": False})
check(st == 200 and json.loads(body) == {"enabled": False}, "trace off: %d %r" % (st, body))
check(get_json("/api/status")["trace"] is False, "status shows trace off")
st, hd, body = http("POST", "/api/trace", "{}")
check(st == 400, "trace bad body: %d" % st)
last = get_json("/api/trace?limit=1")["last"]
u.send(siptest.request("OPTIONS", siptest.V4, int(os.environ["IT_PORT"]), "UDP", lport=u.port), int(os.environ["IT_PORT"]))
check(u.recv(2.0) is not None, "no answer to OPTIONS while tracing is off")
check(get_json("/api/trace?after=%d" % last)["entries"] == [], "recorded while off")
st, hd, body = http("POST", "/api/trace", {"enabled": True})
check(st == 200, "trace on: %d" % st)
u.send(siptest.request("OPTIONS", siptest.V4, int(os.environ["IT_PORT"]), "UDP", lport=u.port,
                       callid="back-on@itest"), int(os.environ["IT_PORT"]))
check(u.recv(2.0) is not None, "no answer to OPTIONS after tracing is back on")
new = get_json("/api/trace?after=%d" % last)["entries"]
check(len(new) == 2 and "back-on@itest" in new[0]["sip"] and new[0]["seq"] == last + 1,
      "recorded after POST on: %r" % [(x["seq"], x["sip"][:30]) for x in new])

# ---- reload
st, hd, body = http("POST", "/api/reload")
check(st == 200 and json.loads(body) == {"ok": True}, "reload: %d %r" % (st, body))
good = open(cfg).read()
with open(cfg, "w") as f:
    f.write(good + "limits:\n  max_message_size: 5\n")
st, hd, body = http("POST", "/api/reload")
err = json.loads(body).get("error", "")
bad_line = good.count("\n") + 2
check(st == 400 and err.startswith(cfg + ":%d:" % bad_line) and "max_message_size" in err,
      "reload of a bad file: %d %r (want %s:%d:)" % (st, err, cfg, bad_line))
open(cfg, "w").write(good)
check(get_json("/api/status")["stats"] is not None, "still serving after a refused reload")

# ---- errors, methods, page, metrics type
st, hd, body = http("GET", "/api/nothing")
check(st == 404 and json.loads(body)["error"], "unknown endpoint: %d" % st)
st, hd, body = http("POST", "/api/status")
check(st == 405 and hd.get("allow") == "GET", "POST status: %d allow=%r" % (st, hd.get("allow")))
st, hd, body = http("PUT", "/api/users")
check(st == 405 and hd.get("allow") == "GET, POST", "PUT users: %d %r" % (st, hd.get("allow")))
st, hd, body = http("GET", "/")
check(st == 200 and hd["content-type"].startswith("text/html") and b"/app.js" in body, "page: %d" % st)
st, hd, body = http("GET", "/app.js")
check(st == 200 and b"drawLadder" in body, "app.js: %d" % st)
st, hd, body = http("GET", "/metrics")
check(st == 200 and hd["content-type"].startswith("text/plain; version=0.0.4"), "metrics type %r" % hd.get("content-type"))

# ---- delete the registration last (the trace checks above used it)
st, hd, body = http("DELETE", "/api/registrations/alice")
check(st == 204, "DELETE registration: %d %r" % (st, body))
check(get_json("/api/registrations")["registrations"] == [], "registration gone")
st, hd, body = http("DELETE", "/api/registrations/alice")
check(st == 404, "DELETE registration again: %d" % st)
done("mgmt_api")
PY
sed 's/^/  | /' "$IT_DIR/api.out"
it_sipd_alive "after the API checks"
grep -q "reload refused" "$IT_DIR/sipd.err" || it_fail "the refused reload was not logged"
it_end
