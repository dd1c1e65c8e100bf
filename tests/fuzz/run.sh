#!/bin/sh
# Run every libFuzzer target for a bounded time, seeded from the test data.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
set -e
build=$1; secs=${2:-60}; shift 2 || true
targets=${*:-"fuzz_msg fuzz_uri fuzz_frame fuzz_sdp"}
root=$(cd "$(dirname "$0")/../.." && pwd)
status=0
for t in $targets; do
	corpus=$build/corpus-$t
	mkdir -p "$corpus"
	case $t in
	fuzz_msg|fuzz_frame) cp "$root"/tests/data/torture/*.dat "$root"/tests/data/msg/*.sip "$corpus"/ 2>/dev/null || true ;;
	fuzz_uri) cp "$root"/tests/data/uri/* "$corpus"/ 2>/dev/null || true ;;
	fuzz_sdp) cp "$root"/tests/data/sdp/* "$corpus"/ 2>/dev/null || true ;;
	esac
	echo "== $t for ${secs}s"
	if ! "$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$build/$t-" "$corpus" \
		>"$build/$t.log" 2>&1; then
		echo "FINDING in $t: see $build/$t.log"; status=1
	fi
	tail -n 2 "$build/$t.log"
done
exit $status
