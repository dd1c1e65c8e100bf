#!/bin/sh
# Adapter for ../shared/bench/run.sh (contract in ../shared/bench/README.md):
#   sipd.sh start|stop|info
# start: sipd (release build, LTO) on 127.0.0.1:5060 UDP and TCP, pinned to
# $BENCH_CPU, runtime files in /tmp/bench-sipd/, main PID as the last line.
# $BENCH_SCENARIO picks the roles: every scenario has the registrar on
# (SQLite persistence, a fresh file per start); register-auth adds digest
# authentication with the users of $BENCH_USERS (MD5, realm 127.0.0.1,
# as the harness's SIPp scenario answers only MD5). The stateful proxy is
# on in every scenario (record-routing, no proxy authentication): for
# `call`, INVITE sip:uas@127.0.0.1 goes to the contact the harness
# registers for uas, ACK and BYE follow the Record-Route.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUN=/tmp/bench-sipd
BIN=${SIPD_BIN:-$ROOT/build/apps/sipd/sipd}
CPU=${BENCH_CPU:-1}
LOGDIR=${BENCH_LOGDIR:-$RUN}

probe() {
	# one OPTIONS over UDP to the server; true when a 200 comes back
	python3 - "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(0.5)
port = s.getsockname()[1]
msg = ("OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n"
       "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKprobe%d\r\n"
       "Max-Forwards: 70\r\nTo: <sip:127.0.0.1>\r\n"
       "From: <sip:probe@127.0.0.1>;tag=p\r\nCall-ID: probe%d\r\n"
       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n") % (port, port, port)
s.sendto(msg.encode(), ("127.0.0.1", 5060))
try:
    data = s.recv(65535)
except socket.timeout:
    sys.exit(1)
sys.exit(0 if data.startswith(b"SIP/2.0 200") else 1)
PY
}

start() {
	mkdir -p "$RUN"
	if [ ! -x "$BIN" ]; then
		make -C "$ROOT" build >"$RUN/build.log" 2>&1 || {
			echo "sipd.sh: build failed, see $RUN/build.log" >&2; exit 1; }
	fi
	rm -f "$RUN"/sipd.db*
	auth=false
	[ "${BENCH_SCENARIO:-}" = register-auth ] && auth=true
	cat >"$RUN/sipd.yaml" <<YAML
server:
  name: sipd-bench
  domains: [127.0.0.1]
log:
  level: warning
trace:
  enabled: false
listen:
  - { transport: udp, address: 127.0.0.1, port: 5060 }
  - { transport: tcp, address: 127.0.0.1, port: 5060 }
store:
  backend: sqlite
  path: $RUN/sipd.db
registrar:
  enabled: true
  max_expires: 7200
auth:
  register: $auth
  algorithms: [ md5 ]
proxy:
  enabled: true
  record_route: true
  auth: off
YAML
	if [ "$auth" = true ] && [ -n "${BENCH_USERS:-}" ]; then
		# the users CSV ("SEQUENTIAL", then "user;password;..."): HA1s
		# into the store in one batch
		"$BIN" user import "$BENCH_USERS" --domain 127.0.0.1 -c "$RUN/sipd.yaml" \
			>"$RUN/import.log" 2>&1 || {
			echo "sipd.sh: user import failed, see $RUN/import.log" >&2; exit 1; }
	fi
	taskset -c "$CPU" "$BIN" -c "$RUN/sipd.yaml" >"$LOGDIR/sipd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$RUN/sipd.pid"
	i=0
	while ! probe; do
		i=$((i + 1))
		if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 600 ]; then
			echo "sipd.sh: sipd did not start (see $LOGDIR/sipd.log)" >&2
			kill "$pid" 2>/dev/null || true
			exit 1
		fi
		sleep 0.1
	done
	echo "$pid"
}

stop() {
	[ -f "$RUN/sipd.pid" ] || exit 0
	pid=$(cat "$RUN/sipd.pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	fi
	rm -f "$RUN/sipd.pid"
}

case ${1:-} in
start) start ;;
stop) stop ;;
info) [ -f "$RUN/sipd.pid" ] && echo "pid=$(cat "$RUN/sipd.pid")" ;;
*) echo "usage: $0 start|stop|info" >&2; exit 2 ;;
esac
