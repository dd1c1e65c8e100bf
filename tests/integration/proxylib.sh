# proxylib.sh - shell helpers of the proxy tests (sourced after lib.sh):
# a sipd config with registrar and proxy, sipp UASs in the background,
# REGISTERs without authentication, the messages a sipp saw.

# px_config [MORE_YAML]: T1 100 ms, memory store, registrar without
# auth, proxy on; MORE_YAML replaces nothing, it is appended.
px_config() {
	it_config 100 600 "store:
  backend: memory
registrar:
  enabled: true
auth:
  register: false
${1:-proxy:
  enabled: true}"
}

# px_ports N: N free ports on stdout.
px_ports() { python3 "$IT_PY" ports "$1"; }

# px_register USER CONTACT [Q] [DOMAIN]: bind CONTACT for USER@DOMAIN
# (default 127.0.0.1); fails the test unless 200.
px_register() {
	local out
	out=$(python3 "$IT_SRC/proxytest.py" register "$IT_PORT" "$1" "${4:-127.0.0.1}" "$2" "${3:-}") ||
		it_die "REGISTER $1 -> $2 got '$out', want 200"
}

# px_uas NAME SCENARIO TRANSPORT PORT [SIPP ARGS...]: a sipp (a UAS, or
# a UAC when the arguments end with the remote address) on
# 127.0.0.1:PORT for one call, in the background; its PID in PX_PID
# (also recorded for the cleanup). SCENARIO: a file of sipp/ or a path.
px_uas() {
	local name=$1 sf=$2 tr=$3 port=$4 cport mport
	shift 4
	read -r cport mport <<<"$(px_ports 2)"
	rm -f "$IT_DIR/$name".*
	case $sf in /*) ;; *) sf=$IT_SRC/sipp/$sf ;; esac
	timeout -k 3 40 sipp -sf "$sf" -t "$tr" \
		-i 127.0.0.1 -mi 127.0.0.1 -ci 127.0.0.1 -p "$port" -cp "$cport" \
		-mp "$mport" -m 1 -timeout 30s -timeout_error -nostdin \
		-trace_msg -message_file "$IT_DIR/$name.msg" \
		-trace_err -error_file "$IT_DIR/$name.err" \
		"$@" >"$IT_DIR/$name.out" 2>&1 </dev/null &
	PX_PID=$!
	IT_PIDS+=("$PX_PID")
	px_listening "$tr" "$port"
}

# px_listening TRANSPORT PORT: wait (at most 5 s) until a socket listens
# on 127.0.0.1:PORT (u1: UDP, t1: TCP).
px_listening() {
	local i opt=-Hlun
	[ "$1" = t1 ] && opt=-Hltn
	for ((i = 0; i < 50; i++)); do
		[ -n "$(ss $opt "sport = :$2" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	it_note "nothing listens on port $2 ($1) after 5 s"
}

# px_wait PID NAME: wait for a background sipp; fail the test (with its
# reasons) unless it exited 0.
px_wait() {
	local rc
	wait "$1"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		it_fail "sipp $2 exited $rc"
		it_sipp_explain "$2"
		return 1
	fi
	return 0
}

# px_received NAME METHOD_OR_CODE HEADER: the values of HEADER in the
# first message starting with METHOD_OR_CODE that sipp NAME received,
# one per line (comma-separated values split).
px_received() {
	python3 - "$IT_DIR/$1.msg" "$2" "$3" <<'PY'
import re, sys
from siptest import sipp_log
path, what, hdr = sys.argv[1:4]
for ts, d, _, m in sipp_log(path):
    if d != "received":
        continue
    if m.start.startswith(what + " ") or m.start.startswith("SIP/2.0 " + what + " "):
        for v in m.all(hdr):
            for part in re.split(r",\s*(?=<)", v):
                print(part.strip())
        break
PY
}

# px_count NAME DIR START: how many messages starting with START sipp
# NAME sent or received (DIR).
px_count() {
	python3 - "$IT_DIR/$1.msg" "$2" "$3" <<'PY'
import sys
from siptest import sipp_log
path, d0, start = sys.argv[1:4]
print(sum(1 for ts, d, _, m in sipp_log(path) if d == d0 and m.start.startswith(start)))
PY
}
