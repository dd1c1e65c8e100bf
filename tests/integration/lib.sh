# lib.sh - shell helpers shared by the integration tests (bash, sourced).
#
# A test script:
#
#   . "$(dirname "$0")/lib.sh"
#   it_begin name "$@"       # $1 of the test is the sipd binary
#   it_config 100 600        # T1 and T2 in ms; listens on $IT_PORT
#   it_sipd_start --trace
#   it_sipp NAME SCENARIO.xml u1 4 -d 1000   # or it_sipp_ok
#   ...
#   it_end                   # stops sipd; exit 0 if nothing failed
#
# Everything runs against loopback only (127.0.0.1 and ::1): sipd's
# listeners, sipp's -i/-mi/-ci, the python sockets (siptest.py refuses
# anything else). Processes are stopped by the PIDs this file recorded,
# never by name, and an EXIT trap stops them and removes the temporary
# directory on every way out (set IT_KEEP=1 to keep it for debugging).

IT_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IT_PY="$IT_SRC/siptest.py"
IT_FAILS=0
IT_SIPD_PID=
IT_PIDS=()
IT_DIR=
IT_NAME=

# ---- reporting ---------------------------------------------------------

it_note() { echo "  $*"; }
it_pass() { echo "ok   $IT_NAME: $*"; }
it_fail() {
	echo "FAIL $IT_NAME: $*"
	IT_FAILS=$((IT_FAILS + 1))
}
# it_die MSG: fail and end the test now (the trap cleans up).
it_die() {
	it_fail "$*"
	it_show_sipd_log
	exit 1
}

# The end of sipd's stderr, for a failure message.
it_show_sipd_log() {
	[ -n "$IT_DIR" ] && [ -s "$IT_DIR/sipd.err" ] || return 0
	echo "  --- last lines of sipd's stderr ($IT_DIR/sipd.err):"
	tail -n "${1:-25}" "$IT_DIR/sipd.err" | sed 's/^/  | /'
}

# ---- start and end -----------------------------------------------------

# it_begin NAME SIPD: temp dir, ports, trap. Needs python3 (and sipp or
# tshark, checked by the tests that use them).
it_begin() {
	IT_NAME=$1
	SIPD=${2:-${SIPD:-}}
	[ -n "$SIPD" ] || { echo "usage: $0 path/to/sipd" >&2; exit 2; }
	[ -x "$SIPD" ] || { echo "FAIL $IT_NAME: $SIPD is not an executable" >&2; exit 1; }
	command -v python3 >/dev/null || { echo "FAIL $IT_NAME: python3 is missing (make deps)"; exit 1; }
	IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sipd-it-$IT_NAME.XXXXXX") || exit 1
	trap it_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	cd "$IT_DIR" || exit 1
	# sipd's port, and sipp's control port (its other ports are drawn
	# for each run: see it_sipp).
	read -r IT_PORT IT_SIPP_CPORT <<<"$(python3 "$IT_PY" ports 2)" || it_die "no free ports"
	[ -n "$IT_SIPP_CPORT" ] || it_die "no free ports"
	if python3 "$IT_PY" v6; then IT_V6=1; else IT_V6=0; fi
	export IT_PORT IT_DIR IT_SRC IT_V6
	export PYTHONPATH="$IT_SRC${PYTHONPATH:+:$PYTHONPATH}"
	# Sanitizer reports go to sipd's stderr; make a leak or UB fatal.
	export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
}

# The EXIT trap: stop what this test started, by PID, and clean up.
it_cleanup() {
	local rc=$? pid
	trap - EXIT
	for pid in "${IT_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
	done
	if [ -n "$IT_SIPD_PID" ] && kill -0 "$IT_SIPD_PID" 2>/dev/null; then
		kill -TERM "$IT_SIPD_PID" 2>/dev/null
		it_wait_pid "$IT_SIPD_PID" 6 || it_kill_tree "$IT_SIPD_PID"
	fi
	for pid in "${IT_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && { sleep 0.5; it_kill_tree "$pid"; }
	done
	wait 2>/dev/null
	cd / || true
	if [ -n "$IT_DIR" ] && [ -d "$IT_DIR" ]; then
		if [ -n "${IT_KEEP:-}" ]; then
			echo "  (kept $IT_DIR)"
		else
			rm -rf "$IT_DIR"
		fi
	fi
	exit "$rc"
}

# it_end: stop sipd (it must exit 0 on SIGTERM, without sanitizer
# reports) and exit with the verdict.
it_end() {
	[ -n "$IT_SIPD_PID" ] && it_sipd_stop
	if [ "$IT_FAILS" -ne 0 ]; then
		echo "FAIL $IT_NAME: $IT_FAILS check(s) failed"
		exit 1
	fi
	echo "PASS $IT_NAME"
	exit 0
}

# it_kill_tree PID: SIGKILL PID and its children (sipd and sipp run
# under timeout(1), which would leave its child behind), found by parent
# PID, never by name.
it_kill_tree() {
	local kids
	kids=$(pgrep -P "$1" 2>/dev/null)
	# shellcheck disable=SC2086 # one PID per word
	kill -KILL "$1" $kids 2>/dev/null
}

# it_wait_pid PID SECONDS: wait until PID is gone; 1 on timeout.
it_wait_pid() {
	local i n=$(($2 * 10))
	for ((i = 0; i < n; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	! kill -0 "$1" 2>/dev/null
}

# ---- sipd --------------------------------------------------------------

# it_config [T1_MS [T2_MS [MORE_YAML]]]: write $IT_CFG listening on UDP
# and TCP, 127.0.0.1 and (when the host has it) ::1, port $IT_PORT, with
# those timers; MORE_YAML (whole sections) is appended as it is.
it_config() {
	local t1=${1:-500} t2=${2:-4000} more=${3:-} a tr
	IT_CFG="$IT_DIR/sipd.yaml"
	{
		echo "# written by tests/integration/lib.sh for $IT_NAME"
		echo "log:"
		echo "  level: ${IT_LOG_LEVEL:-info}"
		echo "listen:"
		for a in 127.0.0.1 ::1; do
			[ "$a" = ::1 ] && [ "$IT_V6" = 0 ] && continue
			for tr in udp tcp; do
				echo "  - transport: $tr"
				echo "    address: \"$a\""
				echo "    port: $IT_PORT"
			done
		done
		echo "transaction:"
		echo "  t1_ms: $t1"
		echo "  t2_ms: $t2"
		[ -n "$more" ] && printf '%s\n' "$more"
	} >"$IT_CFG"
	"$SIPD" --check-config -c "$IT_CFG" >"$IT_DIR/check.out" 2>&1 ||
		it_die "sipd --check-config refused the test's config: $(cat "$IT_DIR/check.out")"
}

# it_sipd_start [SIPD ARGS...]: start sipd in the background (stderr in
# $IT_DIR/sipd.err) and wait until it answers OPTIONS over UDP.
it_sipd_start() {
	local i
	[ -n "${IT_CFG:-}" ] || it_config
	# timeout(1) bounds sipd's life even if this script is killed
	# outright; --foreground passes our SIGTERM to sipd alone, once.
	timeout --foreground -k 5 "${IT_SIPD_LIFETIME:-150}" \
		"$SIPD" -c "$IT_CFG" "$@" >"$IT_DIR/sipd.out" 2>"$IT_DIR/sipd.err" </dev/null &
	IT_SIPD_PID=$!
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$IT_SIPD_PID" 2>/dev/null; then
			wait "$IT_SIPD_PID"
			local rc=$?
			IT_SIPD_PID=
			it_die "sipd exited during start-up with status $rc"
		fi
		python3 "$IT_PY" probe "$IT_PORT" && return 0
	done
	it_die "sipd (pid $IT_SIPD_PID) did not answer OPTIONS on 127.0.0.1:$IT_PORT/udp within ~50 s"
}

# it_sipd_alive WHAT: fail the test if sipd is gone (WHAT says after what).
it_sipd_alive() {
	if [ -z "$IT_SIPD_PID" ] || ! kill -0 "$IT_SIPD_PID" 2>/dev/null; then
		it_die "sipd died ${1:-}"
	fi
}

# it_sipd_stop: SIGTERM, expect exit 0 within 10 s, then look for
# sanitizer reports in its stderr.
it_sipd_stop() {
	local pid=$IT_SIPD_PID rc
	[ -n "$pid" ] || return 0
	IT_SIPD_PID=
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		it_fail "sipd had already exited (status $?) before SIGTERM"
		it_show_sipd_log
		return
	fi
	kill -TERM "$pid"
	if ! it_wait_pid "$pid" 10; then
		it_fail "sipd did not exit within 10 s of SIGTERM"
		it_kill_tree "$pid"
	fi
	wait "$pid"
	rc=$?
	[ "$rc" -eq 0 ] || { it_fail "sipd exited with status $rc after SIGTERM, want 0"; it_show_sipd_log; }
	if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$IT_DIR/sipd.err"; then
		it_fail "sanitizer report in sipd's stderr:"
		grep -E -A15 "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$IT_DIR/sipd.err" |
			head -40 | sed 's/^/  | /'
	fi
}

# ---- sipp --------------------------------------------------------------

# it_sipp NAME SCENARIO TRANSPORT FAMILY [SIPP ARGS...]
#   TRANSPORT u1 or t1; FAMILY 4 (127.0.0.1) or 6 (::1).
# Runs one sipp call (-m 1) against sipd, bounded by -timeout
# (IT_SIPP_TIMEOUT seconds, default 20, with -timeout_error) and by
# timeout(1) on top; all its sockets on loopback (-i, -mi, -ci, -p, -mp,
# -cp). Logs in $IT_DIR/NAME.{msg,err,log,out}; -trace_msg always on.
# Returns sipp's exit status.
it_sipp() {
	local name=$1 sf=$2 tr=$3 fam=$4 ip remote rc pid
	shift 4
	command -v sipp >/dev/null || it_die "sipp is missing (Debian package sip-tester; make deps)"
	case $fam in
	4) ip=127.0.0.1 remote="127.0.0.1:$IT_PORT" ;;
	6) ip=::1 remote="[::1]:$IT_PORT" ;;
	*) it_die "it_sipp: family $fam" ;;
	esac
	local secs=${IT_SIPP_TIMEOUT:-20} lport mport
	# A fresh local port each run: a TCP run leaves the last one's
	# connection in TIME_WAIT. The media port needs port+2 free too.
	read -r lport mport <<<"$(python3 "$IT_PY" ports 2)"
	[ -n "$mport" ] || it_die "no free ports for sipp"
	rm -f "$IT_DIR/$name".*
	timeout -k 3 $((secs + 10)) sipp -sf "$IT_SRC/sipp/$sf" -t "$tr" \
		-i "$ip" -mi "$ip" -ci 127.0.0.1 \
		-p "$lport" -cp "$IT_SIPP_CPORT" -mp "$mport" \
		-m 1 -l 1 -timeout "${secs}s" -timeout_error -nostdin \
		-trace_msg -message_file "$IT_DIR/$name.msg" \
		-trace_err -error_file "$IT_DIR/$name.err" \
		-trace_logs -log_file "$IT_DIR/$name.log" \
		"$@" "$remote" >"$IT_DIR/$name.out" 2>&1 </dev/null &
	pid=$!
	IT_PIDS+=("$pid")
	wait "$pid"
	rc=$?
	return "$rc"
}

# it_sipp_ok NAME ...: it_sipp, failing the test (with sipp's reasons)
# unless sipp exits 0. Returns sipp's status.
it_sipp_ok() {
	local rc
	it_sipp "$@"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		it_fail "sipp $1 ($2 $3 IPv$4) exited $rc"
		it_sipp_explain "$1"
	fi
	return "$rc"
}

# it_sipp_explain NAME: what sipp said about a failed run: its error
# log (or the end of its screen when there is none) and the messages.
it_sipp_explain() {
	local f="$IT_DIR/$1.err"
	[ -s "$f" ] || f="$IT_DIR/$1.out"
	if [ -s "$f" ]; then
		echo "  --- $f:"
		grep -v '^\s*$' "$f" | grep -vE '^(RTNETLINK|-{5,})' | tail -n 12 | cut -c1-200 | sed 's/^/  | /'
	fi
	if [ -s "$IT_DIR/$1.msg" ]; then
		echo "  --- messages (sipp's view):"
		python3 "$IT_PY" sipplog "$IT_DIR/$1.msg" | tail -n 20 | sed 's/^/  | /'
	fi
	it_show_sipd_log 10
}

# it_py ARGS...: run python3 with siptest importable and the test's
# variables in the environment (IT_PORT, IT_DIR, ...); the script comes
# on stdin, its stderr (a traceback) joins its stdout.
it_py() {
	python3 - "$@" 2>&1
}
