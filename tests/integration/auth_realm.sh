#!/bin/bash
# auth_realm.sh SIPD - a digest realm per domain (auth.realms): the 401
# for a REGISTER carries the realm of the request's domain (the To host),
# the user's HA1s are computed for it, and the answer for that realm
# passes (RFC 3261 §22.1: the realm names the protection domain):
#   alice@a.test -> 401 realm="Alpha Inc" -> 200;
#   bob@b.test   -> 401 realm="beta"      -> 200;
#   carol@c.test (not listed) -> realm of auth.realm ("corp") -> 200;
#   bob@b.test answering with realm "Alpha Inc" -> 401 again, never 200.
# timeout: 60
. "$(dirname "$0")/lib.sh"
it_begin auth_realm "$@"
it_config 500 4000 "server:
  domains: [ a.test, b.test, c.test ]
store:
  backend: memory
registrar:
  enabled: true
auth:
  algorithms: [ md5 ]
  realm: corp
  realms:
    - { domain: a.test, realm: \"Alpha Inc\" }
    - { domain: b.test, realm: beta }
users:
  - { name: alice, password: pa, domain: a.test }
  - { name: bob, password: pb, domain: b.test }
  - { name: carol, password: pc, domain: c.test }"
it_sipd_start

python3 - "$IT_PORT" >"$IT_DIR/py.out" 2>&1 <<'PY'
import sys
from regclient import Client

port = int(sys.argv[1])
errs = []
for user, dom, pw, realm in (("alice", "a.test", "pa", "Alpha Inc"),
                             ("bob", "b.test", "pb", "beta"),
                             ("carol", "c.test", "pc", "corp")):
    c = Client(port, user, dom, pw)
    final, r1, _ = c.register(["<sip:%s@127.0.0.1:%d>" % (user, c.udp.port)],
                              algo="MD5")
    if r1 is None or r1.code != 401:
        errs.append("%s@%s: want 401, got %s" % (user, dom, r1))
        continue
    got = c.challenges(r1)["MD5"]["realm"]
    if got != realm:
        errs.append("%s@%s: challenge realm %r, want %r" % (user, dom, got, realm))
    if final is None or final.code != 200:
        errs.append("%s@%s: answer for realm %r got %s" % (user, dom, got, final))
# credentials for another domain's realm do not pass
c = Client(port, "bob", "b.test", "pb")
r1 = c.send(c.build(["<sip:bob@127.0.0.1:%d>" % c.udp.port]))
chal = dict(c.challenges(r1)["MD5"], realm="Alpha Inc")
final = c.send(c.build(["<sip:bob@127.0.0.1:%d>" % c.udp.port],
                       auth=c.answer(chal, "MD5")))
if final is None or final.code == 200:
    errs.append("bob@b.test answering for realm 'Alpha Inc' got %s" % final)
for e in errs:
    print(e)
sys.exit(1 if errs else 0)
PY
if [ $? -eq 0 ]; then
	it_pass "each domain challenged with its own realm; answers pass only for it"
else
	it_fail "$(cat "$IT_DIR/py.out")"
fi
it_end
