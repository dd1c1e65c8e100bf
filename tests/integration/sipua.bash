# sipua.bash - helpers for the sipua tests (bash, sourced after lib.sh).
# Not a test itself (the glob registers only *.sh).
#
#   ua_begin NAME "$@"          it_begin, plus $SIPUA and free ports
#   ua_start A ARGS...           sipua ARGS in the background (A.out/A.err)
#   ua_wait A [SECS]             wait for it; $UA_RC[A] its exit status
#   ua_expect A RC key=value...  exit status and summary fields of A
#   ua_sipp_uas NAME SCENARIO PORT [ARGS]   sipp as a UAS on PORT (bg)
#   ua_sipp_uac NAME SCENARIO TARGET [ARGS] sipp as a UAC (fg), rc returned
#   ua_sipp_wait NAME            wait for a background sipp, check exit 0

declare -A UA_PID UA_RC

ua_begin() {
	local name=$1
	shift
	it_begin "$name" "$@"
	SIPUA=$(cd "$(dirname "$SIPD")/../sipua" 2>/dev/null && pwd)/sipua
	[ -x "$SIPUA" ] || it_die "sipua binary not found at $SIPUA"
	command -v sipp >/dev/null || it_die "sipp is missing (sip-tester)"
	read -r UA_P1 UA_P2 UA_P3 UA_P4 UA_P5 <<<"$(python3 "$IT_PY" ports 5)"
	[ -n "$UA_P5" ] || it_die "no free ports"
	export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
}

ua_start() {
	local n=$1
	shift
	timeout -k 2 "${UA_LIFETIME:-30}" "$SIPUA" --t1 100 "$@" \
		>"$IT_DIR/$n.out" 2>"$IT_DIR/$n.err" </dev/null &
	UA_PID[$n]=$!
	IT_PIDS+=("$!")
}

# ua_start_i A ARGS...: interactive, stdin from the fifo $IT_DIR/A.in
ua_start_i() {
	local n=$1
	shift
	mkfifo "$IT_DIR/$n.in"
	timeout -k 2 "${UA_LIFETIME:-30}" "$SIPUA" --t1 100 -i "$@" \
		>"$IT_DIR/$n.out" 2>"$IT_DIR/$n.err" <"$IT_DIR/$n.in" &
	UA_PID[$n]=$!
	IT_PIDS+=("$!")
	exec {UA_FD}>"$IT_DIR/$n.in"
}

ua_wait() {
	local n=$1 secs=${2:-25}
	it_wait_pid "${UA_PID[$n]}" "$secs" || it_fail "sipua $n still running after ${secs}s"
	wait "${UA_PID[$n]}"
	UA_RC[$n]=$?
	if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$IT_DIR/$n.err"; then
		it_fail "sanitizer report in sipua $n's stderr:"
		grep -E -A12 "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$IT_DIR/$n.err" | head -30 | sed 's/^/  | /'
	fi
}

ua_show() {
	echo "  --- sipua $1 stdout:"
	sed 's/^/  | /' "$IT_DIR/$1.out" | tail -n 30
	echo "  --- sipua $1 stderr:"
	tail -n 10 "$IT_DIR/$1.err" | sed 's/^/  | /'
}

# ua_expect A RC [key=value | key~regex ...]: the exit status and the
# last summary line (SIPUA ...) of A.
ua_expect() {
	local n=$1 rc=$2 kv line ok=1 k v got
	shift 2
	line=$(grep '^SIPUA ' "$IT_DIR/$n.out" | tail -n 1)
	if [ "${UA_RC[$n]}" != "$rc" ]; then
		it_fail "sipua $n exited ${UA_RC[$n]}, want $rc (summary: $line)"
		ok=0
	fi
	for kv in "$@"; do
		case $kv in
		*~*) k=${kv%%~*} v=${kv#*~} ;;
		*) k=${kv%%=*} v="^${kv#*=}\$" ;;
		esac
		got=$(sed -n "s/.* $k=\([^ ]*\).*/\1/p" <<<" ${line#SIPUA }")
		if ! [[ $got =~ $v ]]; then
			it_fail "sipua $n: $k=$got, want $v (summary: $line)"
			ok=0
		fi
	done
	[ $ok = 1 ] && it_pass "sipua $n: exit $rc, $line"
	[ $ok = 1 ] || ua_show "$n"
	return $((1 - ok))
}

# ua_grep A REGEX WHAT: A's stdout must have a line matching REGEX.
ua_grep() {
	if grep -qE "$2" "$IT_DIR/$1.out"; then
		it_pass "$3"
	else
		it_fail "$3: no line /$2/ in sipua $1's output"
		ua_show "$1"
	fi
}

ua_sipp_args() {
	echo -i 127.0.0.1 -mi 127.0.0.1 -ci 127.0.0.1 -m 1 -l 1 \
		-timeout "${UA_SIPP_TIMEOUT:-20}s" -timeout_error -nostdin \
		-trace_msg -message_file "$IT_DIR/$1.msg" \
		-trace_err -error_file "$IT_DIR/$1.err"
}

ua_sipp_uas() {
	local n=$1 sf=$2 port=$3 mport cport
	shift 3
	read -r mport cport <<<"$(python3 "$IT_PY" ports 2)"
	# shellcheck disable=SC2046
	timeout -k 3 40 sipp -sf "$IT_SRC/sipp/$sf" -t u1 -p "$port" -mp "$mport" \
		-cp "$cport" $(ua_sipp_args "$n") "$@" >"$IT_DIR/$n.sout" 2>&1 </dev/null &
	UA_PID[$n]=$!
	IT_PIDS+=("$!")
	sleep 0.3
}

ua_sipp_uac() {
	local n=$1 sf=$2 target=$3 port mport cport
	shift 3
	read -r port mport cport <<<"$(python3 "$IT_PY" ports 3)"
	# shellcheck disable=SC2046
	timeout -k 3 40 sipp -sf "$IT_SRC/sipp/$sf" -t u1 -p "$port" -mp "$mport" \
		-cp "$cport" $(ua_sipp_args "$n") "$@" "$target" >"$IT_DIR/$n.sout" 2>&1 </dev/null &
	UA_PID[$n]=$!
	IT_PIDS+=("$!")
}

# ua_sipp_wait NAME: sipp must exit 0 (every message of the scenario seen).
ua_sipp_wait() {
	local n=$1
	it_wait_pid "${UA_PID[$n]}" 40
	wait "${UA_PID[$n]}"
	UA_RC[$n]=$?
	if [ "${UA_RC[$n]}" = 0 ]; then
		it_pass "sipp $n: scenario completed"
		return 0
	fi
	it_fail "sipp $n exited ${UA_RC[$n]}"
	[ -s "$IT_DIR/$n.err" ] && tail -n 12 "$IT_DIR/$n.err" | cut -c1-200 | sed 's/^/  | /'
	[ -s "$IT_DIR/$n.msg" ] && python3 "$IT_PY" sipplog "$IT_DIR/$n.msg" | tail -n 16 | sed 's/^/  | /'
	return 1
}

# ua_wait_for A REGEX [SECS]: until A's stdout has a line matching REGEX
# (5 s by default); fails the test otherwise.
ua_wait_for() {
	local i n=$((${3:-5} * 10))
	for ((i = 0; i < n; i++)); do
		grep -qE "$2" "$IT_DIR/$1.out" && return 0
		sleep 0.1
	done
	it_fail "sipua $1: no line /$2/ after ${3:-5} s"
	ua_show "$1"
	return 1
}
