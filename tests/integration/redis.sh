#!/bin/bash
# redis.sh SIPD - several sipd nodes share one Redis (store.backend
# redis): the test starts its own redis-server on a free loopback port
# (no persistence), two sipd on different ports use it, a user registers
# (with digest) through the first and a query (REGISTER without Contact)
# through the second lists the binding; an unregister through the second
# is seen by the first. Everything is stopped by PID.
. "$(dirname "$0")/lib.sh"
it_begin redis "$@"
command -v redis-server >/dev/null || it_die "redis-server is missing (Debian package redis-server; make deps)"

read -r RPORT PORT2 <<<"$(python3 "$IT_PY" ports 2)"
[ -n "$PORT2" ] || it_die "no free ports"
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no \
	--daemonize no >"$IT_DIR/redis.log" 2>&1 </dev/null &
IT_PIDS+=("$!")
for ((i = 0; i < 50; i++)); do
	python3 - "$RPORT" <<'PY' && break
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
    s.sendall(b"PING\r\n")
    sys.exit(0 if s.recv(64).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
	sleep 0.1
done
[ "$i" -lt 50 ] || it_die "redis-server did not answer on 127.0.0.1:$RPORT"

more=$(cat <<EOF
server:
  domains: [ example.test ]
store:
  backend: redis
  redis: { host: 127.0.0.1, port: $RPORT, prefix: "it$$:" }
registrar:
  enabled: true
users:
  - { name: alice, password: secret }
EOF
)
it_config 500 4000 "$more"
it_sipd_start

# The second node: the same configuration on PORT2, UDP on 127.0.0.1 only.
CFG2="$IT_DIR/sipd2.yaml"
{
	echo "listen:"
	echo "  - { transport: udp, address: 127.0.0.1, port: $PORT2 }"
	printf '%s\n' "$more"
} >"$CFG2"
timeout --foreground -k 5 150 "$SIPD" -c "$CFG2" >"$IT_DIR/sipd2.out" 2>"$IT_DIR/sipd2.err" </dev/null &
PID2=$!
IT_PIDS+=("$PID2")
for ((i = 0; i < 100; i++)); do
	python3 "$IT_PY" probe "$PORT2" && break
	kill -0 "$PID2" 2>/dev/null || it_die "second sipd exited: $(tail -3 "$IT_DIR/sipd2.err")"
done

out=$(it_py "$PORT2" <<'PY'
import os
import sys
from regclient import Client
p1, p2 = int(os.environ["IT_PORT"]), int(sys.argv[1])
errs = []
a1 = Client(p1, "alice", "example.test", "secret")
r, _, _ = a1.register(["<sip:alice@127.0.0.1:5301>"], 600)
if r is None or r.code != 200:
    errs.append("REGISTER via node 1: %r" % r)
a2 = Client(p2, "alice", "example.test", "secret")
r, _, _ = a2.register([], None)
cs = r.all("Contact") if r is not None else []
if r is None or r.code != 200 or len(cs) != 1 or not cs[0].startswith("<sip:alice@127.0.0.1:5301>;expires="):
    errs.append("query via node 2: %r %r" % (r, cs))
r, _, _ = a2.register(["*"], 0)
if r is None or r.code != 200:
    errs.append("unregister via node 2: %r" % r)
r, _, _ = a1.register([], None)
if r is None or r.code != 200 or r.all("Contact"):
    errs.append("query via node 1 after unregister: %r %r" % (r, r and r.all("Contact")))
print("OK" if not errs else "; ".join(errs))
PY
)
[ "$out" = OK ] && it_pass "registered via one node, found and removed via the other" || {
	it_fail "$out"
	it_show_sipd_log 10
}

# Stop the second node (SIGTERM, exit 0) before the first; redis last
# (by the cleanup trap, by PID).
kill -TERM "$PID2"
it_wait_pid "$PID2" 10 || it_fail "second sipd did not stop within 10 s"
wait "$PID2"
rc=$?
[ "$rc" -eq 0 ] || it_fail "second sipd exited $rc"
grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$IT_DIR/sipd2.err" &&
	it_fail "sanitizer report in the second sipd's stderr"
it_end
