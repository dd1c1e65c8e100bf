#!/bin/bash
# auth_limit.sh SIPD - the failed-authentication limit end to end (RFC
# 3261 §22 digest; DESIGN.md "rate limits on failed auth"): one source
# (127.0.0.1) sends REGISTERs with a wrong password until it has failed
# SIP_AUTH_MAX_FAILURES (10) times (the tenth answer is already 403);
# then
#   - its next REGISTER, with the right password, gets 403 (blocked);
#   - another source (127.0.0.2, same user) still gets 401 and then 200;
#   - sipd logs the block (warning, with the peer and the count) and, at
#     stop, the counters: failures 10, blocked 1, forbidden 1.
# timeout: 60
. "$(dirname "$0")/lib.sh"
it_begin auth_limit "$@"
it_config 500 4000 "server:
  domains: [ example.test ]
store:
  backend: memory
registrar:
  enabled: true
auth:
  algorithms: [ md5 ]
users:
  - { name: alice, password: secret }"
it_sipd_start

python3 - "$IT_PORT" >"$IT_DIR/py.out" 2>&1 <<'PY'
import select, socket, sys
import siptest as st
from regclient import Client

port = int(sys.argv[1])
errs = []

class Udp2:
    """siptest.Udp on 127.0.0.2 (another loopback source)."""
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.2", 0))
        self.port = self.sock.getsockname()[1]
    def send(self, data, port):
        self.sock.sendto(data, ("127.0.0.1", port))
    def recv(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        return st.Msg(self.sock.recvfrom(70000)[0])

a = Client(port, "alice", "example.test", "secret")
contact = ["<sip:alice@127.0.0.1:%d>" % a.udp.port]
for i in range(10):
    final, r1, _ = a.register(contact, algo="MD5", password="wrong%d" % i)
    # the tenth failure reaches the limit: answered 403 at once
    want = 401 if i < 9 else 403
    if r1 is None or r1.code != 401 or final is None or final.code != want:
        errs.append("wrong password %d: got %s then %s, want 401 then %d"
                    % (i + 1, r1, final, want))
        break
# blocked now: even the right password gets 403, and no challenge
final, r1, _ = a.register(contact, algo="MD5")
if r1 is None or r1.code != 403:
    errs.append("blocked source: want 403, got %s" % r1)
elif r1.has("WWW-Authenticate"):
    errs.append("403 to a blocked source carries a challenge")
b = Client(port, "alice", "example.test", "secret", udp=Udp2())
final, r1, _ = b.register(["<sip:alice@127.0.0.2:%d>" % b.udp.port], algo="MD5")
if r1 is None or r1.code != 401 or final is None or final.code != 200:
    errs.append("other source: want 401 then 200, got %s then %s" % (r1, final))
for e in errs:
    print(e)
sys.exit(1 if errs else 0)
PY
if [ $? -eq 0 ]; then
	it_pass "10 failures block the source (403), another source registers"
else
	it_fail "$(cat "$IT_DIR/py.out")"
fi
it_sipd_alive "after the burst"
it_sipd_stop
if grep -Eq "source blocked after failed authentication.*peer=?\"?127\.0\.0\.1:[0-9]+.*failures=?\"?10\b" "$IT_DIR/sipd.err"; then
	it_pass "the block is logged with the peer and the count"
else
	it_fail "no 'source blocked' warning naming 127.0.0.1 and 10 failures in sipd's log"
fi
if grep -Eq "info authentication .*failures=10 blocked=1 forbidden=1$" "$IT_DIR/sipd.err"; then
	it_pass "the counters at stop: 10 failures, 1 source blocked, 1 request refused"
else
	it_fail "counters at stop: $(grep authentication "$IT_DIR/sipd.err" | tail -1)"
fi
it_end
