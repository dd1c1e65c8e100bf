#!/bin/bash
# register.sh SIPD - the registrar with digest authentication over UDP
# (RFC 3261 §10.3, §22.4; RFC 7616; RFC 8760; RFC 5626 instance/reg-id),
# with python3 (regclient.py: hashlib digests) and sipp as the clients:
#   register (200 lists the contact with ;expires= and a Date), refresh,
#   unregister, wildcard unregister (Contact: * + Expires: 0), 423 with
#   Min-Expires, several contacts in one request, +sip.instance/reg-id
#   replacement; SHA-256 and MD5 digests both pass; a wrong password never
#   gets 200; a replayed nonce-count is refused; unknown user and wrong
#   password get the same 401 (bytes compared with the nonces, the To tag
#   and the Via branch masked: those differ per transaction by design);
#   a third-party registration is refused (403); a malformed
#   Authorization gets 400; bindings survive a restart (sqlite); a nonce
#   from before the restart gets stale=true and the retry passes; a
#   password changed in users[] takes effect on SIGHUP.
# Then sipp (MD5 only: sipp answers the first challenge and knows no
# SHA-256) registers and unregisters against a sipd offering MD5 alone.
. "$(dirname "$0")/lib.sh"
it_begin register "$@"
command -v sipp >/dev/null || it_die "sipp is missing (Debian package sip-tester; make deps)"

reg_yaml() {
	cat <<EOF
server:
  domains: [ example.test ]
store:
  backend: sqlite
  path: $IT_DIR/sipd.db
registrar:
  enabled: true
  min_expires: 60
  max_expires: 7200
auth:
  algorithms: [ ${1:-sha-256, md5} ]
users:
  - { name: alice, password: secret }
  - { name: bob, password: ${2:-hunter2} }
EOF
}

it_config 500 4000 "$(reg_yaml)"
it_sipd_start

out=$(it_py <<'PY'
import os
import re
from regclient import Client

port = int(os.environ["IT_PORT"])
errs = []
def check(cond, what):
    if not cond:
        errs.append(what)

def contacts(rsp):
    out = []
    for v in rsp.all("Contact"):
        out += [x.strip() for x in re.split(r",(?=\s*<)", v)]
    return out

# register, SHA-256
a = Client(port, "alice", "example.test", "secret")
r, c401, _ = a.register(["<sip:alice@127.0.0.1:5001>"], 600)
check(c401 is not None and c401.code == 401, "first REGISTER: want 401, got %r" % c401)
algs = [re.search(r"algorithm=([A-Za-z0-9-]+)", v).group(1)
        for v in (c401.all("WWW-Authenticate") if c401 else [])]
check(algs == ["SHA-256", "MD5"], "challenges %r, want SHA-256 then MD5" % algs)
check(r is not None and r.code == 200, "SHA-256 REGISTER: %r" % r)
if r is not None and r.code == 200:
    cs = contacts(r)
    check(len(cs) == 1 and "<sip:alice@127.0.0.1:5001>;expires=600" == cs[0],
          "200 contacts %r" % cs)
    check((r.get("Date") or "").endswith("GMT"), "no Date in 200: %r" % r.get("Date"))

# refresh: same contact, new expiry, still one binding
r, _, _ = a.register(["<sip:alice@127.0.0.1:5001>"], 1200)
check(r is not None and r.code == 200 and contacts(r) == ["<sip:alice@127.0.0.1:5001>;expires=1200"],
      "refresh: %r %r" % (r, r and contacts(r)))

# several contacts in one request
r, _, _ = a.register(["<sip:alice@127.0.0.1:5002>;expires=300",
                      "<sip:alice@127.0.0.1:5003>;q=0.5"], 900)
cs = r and contacts(r) or []
check(r is not None and r.code == 200 and len(cs) == 3, "several contacts: %r %r" % (r, cs))
check(any("5002" in c and "expires=300" in c for c in cs), "5002 expires=300 missing: %r" % cs)

# 423 + Min-Expires
r, _, _ = a.register(["<sip:alice@127.0.0.1:5004>"], 10)
check(r is not None and r.code == 423 and r.get("Min-Expires") == "60",
      "expires 10: want 423 + Min-Expires 60, got %r %r" % (r, r and r.get("Min-Expires")))

# unregister one contact
r, _, _ = a.register(["<sip:alice@127.0.0.1:5002>"], 0)
cs = r and contacts(r) or []
check(r is not None and r.code == 200 and len(cs) == 2 and not any("5002" in c for c in cs),
      "unregister 5002: %r %r" % (r, cs))

# wildcard unregister
r, _, _ = a.register(["*"], 0)
check(r is not None and r.code == 200 and contacts(r) == [], "Contact: *: %r %r" % (r, r and contacts(r)))

# +sip.instance / reg-id: the device's new address replaces its binding
inst = '+sip.instance="<urn:uuid:00000000-0000-1000-8000-000a95a0e128>";reg-id=1'
r, _, _ = a.register(["<sip:alice@127.0.0.1:5010>;" + inst], 600)
check(r is not None and r.code == 200, "instance REGISTER: %r" % r)
r, _, _ = a.register(["<sip:alice@127.0.0.1:5011>;" + inst], 600)
cs = r and contacts(r) or []
check(r is not None and r.code == 200 and len(cs) == 1 and "5011" in cs[0] and "urn:uuid" in cs[0],
      "instance replacement: %r %r" % (r, cs))

# MD5 digest
b = Client(port, "bob", "example.test", "hunter2")
r, _, _ = b.register(["<sip:bob@127.0.0.1:6001>"], 600, algo="MD5")
check(r is not None and r.code == 200, "MD5 REGISTER: %r" % r)

# a wrong password never gets 200, in either algorithm
for algo in ("SHA-256", "MD5"):
    r, _, _ = b.register(["<sip:bob@127.0.0.1:6002>"], 600, algo=algo, password="wrong")
    check(r is not None and r.code == 401, "wrong password (%s): want 401, got %r" % (algo, r))

# a replayed nonce-count is refused
r1 = b.send(b.build(["<sip:bob@127.0.0.1:6003>"], 600))
chal = b.challenges(r1)["SHA-256"]
auth = b.answer(chal, "SHA-256", nc=1)
r = b.send(b.build(["<sip:bob@127.0.0.1:6003>"], 600, auth=auth))
check(r is not None and r.code == 200, "nc=1: %r" % r)
r = b.send(b.build(["<sip:bob@127.0.0.1:6003>"], 600, auth=auth))
check(r is not None and r.code != 200, "replayed nc=1 accepted: %r" % r)
auth2 = b.answer(chal, "SHA-256", nc=2)
r = b.send(b.build(["<sip:bob@127.0.0.1:6003>"], 600, auth=auth2))
check(r is not None and r.code == 200, "nc=2 after nc=1: %r" % r)

# unknown user and wrong password: the same 401
def masked(rsp):
    raw = rsp.raw.decode("latin-1")
    raw = re.sub(r'nonce="[^"]*"', 'nonce="N"', raw)
    raw = re.sub(r"(To: [^\r]*;tag=)[^\r;]*", r"\1T", raw)
    raw = re.sub(r"branch=[^;\r]*", "branch=B", raw)
    return raw
m = Client(port, "alice", "example.test", "secret")
r1 = m.send(m.build(["<sip:alice@127.0.0.1:5020>"], 600))
chal = m.challenges(r1)["SHA-256"]
wrong = m.send(m.build(["<sip:alice@127.0.0.1:5020>"], 600,
                       auth=m.answer(chal, "SHA-256", password="nope"), cseq=7))
r1 = m.send(m.build(["<sip:alice@127.0.0.1:5020>"], 600))
chal = m.challenges(r1)["SHA-256"]
unknown = m.send(m.build(["<sip:alice@127.0.0.1:5020>"], 600,
                         auth=m.answer(chal, "SHA-256", user="mallory", password="nope"), cseq=7))
check(wrong is not None and unknown is not None and wrong.code == 401 and unknown.code == 401,
      "wrong/unknown: %r %r" % (wrong, unknown))
if wrong is not None and unknown is not None:
    check(masked(wrong) == masked(unknown),
          "unknown user and wrong password differ:\n%s\n---\n%s" % (masked(wrong), masked(unknown)))

# third party: bob's credentials for alice's AOR
t = Client(port, "alice", "example.test")
r1 = t.send(t.build(["<sip:bob@127.0.0.1:6009>"], 600))
chal = t.challenges(r1)["SHA-256"]
r = t.send(t.build(["<sip:bob@127.0.0.1:6009>"], 600,
                   auth=t.answer(chal, "SHA-256", user="bob", password="hunter2")))
check(r is not None and r.code == 403, "third-party REGISTER: want 403, got %r" % r)

# malformed Authorization
r = a.send(a.build(["<sip:alice@127.0.0.1:5001>"], 600, auth='Digest username="alice", realm='))
check(r is not None and r.code == 400, "malformed Authorization: want 400, got %r" % r)

# a query (no Contact) lists bob's bindings
r, _, _ = b.register([], None)
cs = r and contacts(r) or []
check(r is not None and r.code == 200 and len(cs) == 2, "query: %r %r" % (r, cs))

# a challenge kept for after the restart (stale nonce)
import json
r1 = b.send(b.build([], None))
json.dump(b.challenges(r1)["MD5"], open(os.path.join(os.environ["IT_DIR"], "oldchal.json"), "w"))

print("\n".join(errs) if errs else "OK")
PY
)
if [ "$out" = OK ]; then
	it_pass "register, refresh, unregister, *, 423, several contacts, instance, SHA-256, MD5, wrong password, replay, no enumeration, third party, 400"
else
	it_fail "$out"
	it_show_sipd_log 10
fi

# Restart on the same database: bob's bindings come back.
it_sipd_stop
it_config 500 4000 "$(reg_yaml md5)"
it_sipd_start
out=$(it_py <<'PY'
import os
import re
from regclient import Client
port = int(os.environ["IT_PORT"])
b = Client(port, "bob", "example.test", "hunter2")
r, _, _ = b.register([], None, algo="MD5")
cs = [c for v in (r.all("Contact") if r else []) for c in v.split(",")]
ok = r is not None and r.code == 200 and len(cs) == 2 and all(
    0 < int(re.search(r"expires=(\d+)", c).group(1)) <= 600 for c in cs)
print("OK" if ok else "after restart: %r %r" % (r, cs))
PY
)
[ "$out" = OK ] && it_pass "bindings back after a restart" || it_fail "$out"

# A nonce from before the restart (another secret): the right password
# gets 401 with stale=true, and answering the new challenge passes.
out=$(it_py <<'PY'
import json
import os
from regclient import Client
b = Client(int(os.environ["IT_PORT"]), "bob", "example.test", "hunter2")
old = json.load(open(os.path.join(os.environ["IT_DIR"], "oldchal.json")))
r = b.send(b.build([], None, auth=b.answer(old, "MD5")))
chal = b.challenges(r).get("MD5", {}) if r is not None and r.code == 401 else {}
if chal.get("stale", "").lower() != "true":
    print("old nonce: want 401 with stale=true, got %r %r" % (r, r and r.all("WWW-Authenticate")))
else:
    r = b.send(b.build([], None, auth=b.answer(chal, "MD5")))
    print("OK" if r is not None and r.code == 200 else "retry after stale: %r" % r)
PY
)
[ "$out" = OK ] && it_pass "stale nonce: 401 stale=true, then 200" || it_fail "$out"

# SIGHUP: users[] is live; bob's new password works, the old one no more.
it_config 500 4000 "$(reg_yaml md5 newpass)"
kill -HUP "$(pgrep -P "$IT_SIPD_PID" || echo "$IT_SIPD_PID")"
out=$(it_py <<'PY'
import os
import time
from regclient import Client
port = int(os.environ["IT_PORT"])
for _ in range(30):
    r, _, _ = Client(port, "bob", "example.test", "newpass").register([], None, algo="MD5")
    if r is not None and r.code == 200:
        break
    time.sleep(0.2)
old, _, _ = Client(port, "bob", "example.test", "hunter2").register([], None, algo="MD5")
print("OK" if r is not None and r.code == 200 and old is not None and old.code == 401
      else "after SIGHUP: new password %r, old password %r" % (r, old))
PY
)
[ "$out" = OK ] && it_pass "SIGHUP reloads users" || it_fail "$out"

# sipp: MD5 digest, register then unregister
for tr in u1 t1; do
	it_sipp_ok "register-md5-$tr" register_md5.xml "$tr" 4 -s alice -au alice -ap secret &&
		it_pass "sipp REGISTER with MD5 digest over $tr"
done
it_sipd_alive "after the REGISTERs"
it_end
