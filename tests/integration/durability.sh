#!/bin/bash
# durability.sh SIPD - a binding answered 200 survives kill -9 (store
# backend sqlite: every change is committed before the 200 leaves):
# 1,000 users register over UDP (python3, pipelined), sipd is killed with
# SIGKILL, restarted on the same database, and a query (REGISTER without
# Contact, RFC 3261 §10.2.3) per user must list its one binding with its
# remaining expiry (not more than registered, not less than registered
# minus the time elapsed). Authentication is off here: register.sh
# covers it, this test covers the store.
. "$(dirname "$0")/lib.sh"
it_begin durability "$@"
N=${IT_DURABILITY_USERS:-1000}

it_config 500 4000 "$(cat <<EOF
server:
  domains: [ example.test ]
store:
  path: $IT_DIR/durable.db
registrar:
  enabled: true
  max_expires: 7200
auth:
  register: false
EOF
)"
it_sipd_start

# it_reg MODE: register (MODE=add) or query (MODE=check) the N users,
# printing OK or the problems.
it_reg() {
	it_py "$1" "$N" <<'PY'
import os
import random
import re
import sys
import time
from siptest import Udp

mode, n = sys.argv[1], int(sys.argv[2])
port = int(os.environ["IT_PORT"])
stamp = os.path.join(os.environ["IT_DIR"], "registered_at")
u = Udp()

def req(i, contact):
    lines = [
        "REGISTER sip:example.test SIP/2.0",
        "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-d%d-%08x;rport" % (u.port, i, random.getrandbits(32)),
        "Max-Forwards: 70",
        "From: <sip:user%d@example.test>;tag=f%d" % (i, i),
        "To: <sip:user%d@example.test>" % i,
        "Call-ID: dur-%d@itest" % i,
        "CSeq: %d REGISTER" % (1 if contact else 2),
    ]
    if contact:
        lines += ["Contact: <sip:user%d@127.0.0.1:%d>" % (i, 10000 + i), "Expires: 600"]
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()

def run(contact):
    """Send every request (windows of 50, resending what is unanswered);
    returns {i: response}."""
    got = {}
    todo = list(range(n))
    for _ in range(5):
        for k in range(0, len(todo), 50):
            win = [i for i in todo[k:k + 50] if i not in got]
            for i in win:
                u.send(req(i, contact), port)
            deadline = time.monotonic() + 2
            while any(i not in got for i in win) and time.monotonic() < deadline:
                m = u.recv(0.5)
                if m is None or m.code is None or m.code < 200:
                    continue
                cid = m.get("Call-ID") or ""
                mm = re.match(r"dur-(\d+)@itest", cid)
                if mm:
                    got[int(mm.group(1))] = m
        todo = [i for i in range(n) if i not in got]
        if not todo:
            break
    return got

errs = []
if mode == "add":
    with open(stamp, "w") as f:
        f.write("%f" % time.time())
    got = run(True)
    bad = [i for i in range(n) if i not in got or got[i].code != 200]
    if bad:
        errs.append("%d REGISTERs not answered 200 (first: user%d: %r)"
                    % (len(bad), bad[0], got.get(bad[0])))
else:
    elapsed = time.time() - float(open(stamp).read())
    got = run(False)
    for i in range(n):
        m = got.get(i)
        if m is None or m.code != 200:
            errs.append("user%d: query answered %r" % (i, m))
            continue
        cs = m.all("Contact")
        want = "<sip:user%d@127.0.0.1:%d>" % (i, 10000 + i)
        mm = re.match(r"(<[^>]*>);expires=(\d+)$", cs[0]) if len(cs) == 1 else None
        if not mm or mm.group(1) != want:
            errs.append("user%d: contacts %r" % (i, cs))
        elif not (600 - elapsed - 2 <= int(mm.group(2)) <= 600):
            errs.append("user%d: expires=%s after %.1f s" % (i, mm.group(2), elapsed))
print("OK" if not errs else "%d problems; first: %s" % (len(errs), "; ".join(errs[:5])))
PY
}

out=$(it_reg add)
[ "$out" = OK ] && it_pass "$N users registered" || it_fail "register: $out"

# kill -9: no chance to flush anything
pid=$IT_SIPD_PID
IT_SIPD_PID=
{ it_kill_tree "$pid"; wait "$pid"; } 2>/dev/null
it_pass "sipd killed with SIGKILL"

it_sipd_start
out=$(it_reg check)
[ "$out" = OK ] && it_pass "all $N bindings back with their remaining expiry" ||
	it_fail "after restart: $out"
it_end
