#!/bin/sh
# regmem.sh - bytes per registration of sipd, split between live REGISTER
# transactions and bindings (see regmem.py):
#   bench/regmem.sh [USERS] [RATE] [T1_MS]
# Starts build/apps/sipd/sipd (or $SIPD_BIN) with the bench adapter's
# configuration (SQLite store, no auth) on a free loopback port with
# transaction.t1_ms T1_MS (default 100: Timer J = 6.4 s), registers USERS
# (default 100000) users at RATE/s (default 2000), reads PSS before,
# 3 s after the last REGISTER and after Timer J. Stops the sipd it started.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SIPD_BIN:-$ROOT/build/apps/sipd/sipd}
USERS=${1:-100000}
RATE=${2:-2000}
T1=${3:-100}
DIR=$(mktemp -d /tmp/regmem.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$DIR/sipd.yaml" <<YAML
server:
  name: sipd-bench
  domains: [127.0.0.1]
log:
  level: warning
trace:
  enabled: false
listen:
  - { transport: udp, address: 127.0.0.1, port: $PORT }
transaction:
  t1_ms: $T1
store:
  backend: ${REGMEM_STORE:-sqlite}
  path: $DIR/sipd.db
registrar:
  enabled: true
  max_expires: 7200
auth:
  register: false
YAML
"$BIN" -c "$DIR/sipd.yaml" 2>"$DIR/sipd.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
sleep 1
WAIT=$(( 64 * T1 / 1000 + 2 ))
python3 "$ROOT/bench/regmem.py" "$PID" "$PORT" --users "$USERS" --rate "$RATE" --wait-j "$WAIT"
