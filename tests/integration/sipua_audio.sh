#!/bin/bash
# sipua_audio.sh SIPD - two sipua with real audio, directly (no server):
# B answers and records; A plays a WAV made here with espeak-ng and sox
# (8 kHz mono 16-bit), sends DTMF 1234# (RFC 4733) and hangs up when the
# file and the digits are done. Checked after the hang-up:
#  - both exit 0 with result=answered, A's rtp_tx and B's rtp_rx close;
#  - B received A's RTCP: a first SR after 1 s and the SR+SDES+BYE when
#    A hangs up (rtcp_rx >= 2, "RTCP BYE received");
#  - B reported DTMF 1, 2, 3, 4, # as they came, and dtmf_rx=1234#;
#  - B's recording (sox): duration within 10% of the sent audio, RMS
#    amplitude well above silence (> 0.01, the speech is ~0.08).
# Then the same call with PCMA preferred by both (A playing a 44.1 kHz
# stereo copy, converted by sipua while reading), over TCP, and over
# IPv6 (::1) when the host has it.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_audio "$@"
command -v espeak-ng >/dev/null || it_die "espeak-ng is missing"
command -v sox >/dev/null || it_die "sox is missing"

espeak-ng -w "$IT_DIR/speech.wav" "this is sipua calling, one two three four" 2>/dev/null ||
	it_die "espeak-ng failed"
sox "$IT_DIR/speech.wav" -r 8000 -c 1 -b 16 "$IT_DIR/send.wav" || it_die "sox conversion failed"
sent=$(soxi -D "$IT_DIR/send.wav")
it_note "sent audio: $sent s"

# run_call NAME EXTRA-ARGS: one call A -> B with B recording NAME.wav
run_call() {
	local n=$1
	shift
	ua_start "b$n" --local-port "$UA_P1" --record "$IT_DIR/rec$n.wav" "$@" answer
	sleep 0.3
	ua_start "a$n" --local-port "$UA_P2" --play "${PLAY:-$IT_DIR/send.wav}" --dtmf '1234#' \
		--dtmf-delay 0.3 "$@" call "sip:b@${UA_HOST:-127.0.0.1}:$UA_P1"
	ua_wait "a$n"
	ua_wait "b$n"
	ua_expect "a$n" 0 result=answered code=200 'rtp_tx~^[0-9]{3}$'
	ua_expect "b$n" 0 result=answered 'dtmf_rx=1234#' 'rtp_rx~^[0-9]{3}$' 'rtcp_rx~^[2-9]$'
	ua_grep "b$n" "RTCP BYE received" "B got A's RTCP BYE (RFC 3550 6.6) before the SIP BYE"
	ua_grep "b$n" "DTMF 1 call=1" "B reported digit 1 as it came"
	ua_grep "b$n" "DTMF # call=1" "B reported digit # as it came"
	ua_grep "a$n" "MEDIA pt=$want_pt " "A used payload type $want_pt"
	local got rms
	got=$(soxi -D "$IT_DIR/rec$n.wav" 2>/dev/null)
	rms=$(sox "$IT_DIR/rec$n.wav" -n stat 2>&1 | sed -n 's/^RMS *amplitude: *//p')
	if python3 -c "import sys; s,g=float('$sent'),float('${got:-0}'); sys.exit(0 if abs(g-s) <= 0.1*s else 1)"; then
		it_pass "recording lasts $got s for $sent s sent (within 10%)"
	else
		it_fail "recording lasts ${got:-?} s for $sent s sent (not within 10%)"
	fi
	if python3 -c "import sys; sys.exit(0 if float('${rms:-0}') > 0.01 else 1)"; then
		it_pass "recording RMS amplitude $rms (silence is 0)"
	else
		it_fail "recording RMS amplitude ${rms:-?}, want > 0.01"
	fi
}

want_pt=0 run_call 1
# the second call plays a 44.1 kHz stereo copy: sipua converts it
sox "$IT_DIR/speech.wav" -r 44100 -c 2 -b 16 "$IT_DIR/stereo.wav" || it_die "sox failed"
PLAY="$IT_DIR/stereo.wav" want_pt=8 run_call 2 --pcma
want_pt=0 run_call 3 --transport tcp --trace
if grep -q "^Via: SIP/2.0/TCP " "$IT_DIR/a3.err" && grep -q "^Via: SIP/2.0/TCP " "$IT_DIR/b3.err"; then
	it_pass "the third call's signalling went over TCP"
else
	it_fail "no TCP Via in the third call's trace"
fi
if [ "$IT_V6" = 1 ]; then
	UA_HOST="[::1]" want_pt=0 run_call 4 --local-ip ::1 --trace
	if grep -q "^c=IN IP6 ::1" "$IT_DIR/a4.err"; then
		it_pass "the IPv6 call's SDP has c=IN IP6 ::1"
	else
		it_fail "no c=IN IP6 ::1 in the IPv6 call's SDP"
	fi
fi
it_end
