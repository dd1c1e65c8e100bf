#!/bin/bash
# sipua_baresip.sh SIPD - interop with baresip (Debian baresip-core), run
# headless from a config directory made here (g711, aufile as the audio
# source playing a WAV made with espeak-ng/sox, aubridge as a null
# player, no audio device), directly on loopback:
#  - sipua calls baresip (answermode=auto): 200, ACK, audio both ways,
#    sipua's BYE answered 200;
#  - baresip calls sipua (-e "/dial ..."): sipua answers (ACK received),
#    records baresip's audio (RMS above silence), and baresip's BYE when
#    it quits (-t) is answered 200.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_baresip "$@"
command -v baresip >/dev/null || it_die "baresip is missing (baresip-core)"

espeak-ng -w "$IT_DIR/speech.wav" "baresip meets sipua" 2>/dev/null || it_die "espeak-ng failed"
sox "$IT_DIR/speech.wav" -r 8000 -c 1 -b 16 "$IT_DIR/play.wav" || it_die "sox failed"
mkdir -p "$IT_DIR/bs"
cat >"$IT_DIR/bs/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:$UA_P1
audio_player		aubridge,nil
audio_source		aufile,$IT_DIR/play.wav
audio_alert		aubridge,nil
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module_app		account.so
module_app		menu.so
rtp_ports		$UA_P4-$((UA_P4 + 3))
EOF
echo "<sip:bs@127.0.0.1:$UA_P1>;regint=0;answermode=auto;audio_codecs=PCMU" >"$IT_DIR/bs/accounts"

# bs_start SECS ARGS...: baresip in the background for SECS seconds
bs_start() {
	local secs=$1
	shift
	timeout -k 2 $((secs + 5)) baresip -f "$IT_DIR/bs" -t "$secs" "$@" \
		>"$IT_DIR/bs.out" 2>&1 </dev/null &
	BS_PID=$!
	IT_PIDS+=("$BS_PID")
}
bs_wait() {
	it_wait_pid "$BS_PID" 15 || it_fail "baresip did not quit"
	wait "$BS_PID"
}

# 1. sipua calls baresip
bs_start 4
sleep 1
ua_start a --local-port "$UA_P2" --duration 1.5 call "sip:bs@127.0.0.1:$UA_P1"
ua_wait a
bs_wait
ua_expect a 0 result=answered code=200 'rtp_rx~^[0-9]{2,}$'
ua_grep a "RESPONSE 200 BYE" "baresip answered sipua's BYE with 200"
if grep -q "Call established" "$IT_DIR/bs.out"; then
	it_pass "baresip established the call (took the ACK)"
else
	it_fail "baresip did not establish the call"
	tail -n 20 "$IT_DIR/bs.out" | sed 's/^/  | /'
fi

# 2. baresip calls sipua and hangs up when it quits
ua_start b --local-port "$UA_P3" --record "$IT_DIR/rec.wav" answer
sleep 0.3
bs_start 3 -e "/dial sip:b@127.0.0.1:$UA_P3"
bs_wait
ua_wait b
ua_expect b 0 result=answered code=200 'rtp_rx~^[0-9]{2,}$'
ua_grep b "ACK received call=1" "sipua got baresip's ACK"
ua_grep b "BYE received call=1" "baresip's BYE reached sipua"
rms=$(sox "$IT_DIR/rec.wav" -n stat 2>&1 | sed -n 's/^RMS *amplitude: *//p')
if python3 -c "import sys; sys.exit(0 if float('${rms:-0}') > 0.01 else 1)"; then
	it_pass "sipua recorded baresip's audio (RMS $rms)"
else
	it_fail "recording of baresip's audio: RMS ${rms:-?}"
fi
it_end
