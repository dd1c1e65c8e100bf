#!/bin/bash
# sipua_baresip.sh SIPD - interop with baresip (Debian baresip-core), run
# headless from a config directory made here (g711, aufile as the audio
# source playing a WAV made with espeak-ng/sox, aubridge as a null
# player, no audio device), directly on loopback:
#  - sipua calls baresip (answermode=auto): 200, ACK, audio both ways,
#    sipua's BYE answered 200;
#  - baresip calls sipua (-e "/dial ..."): sipua answers (ACK received),
#    records baresip's audio (RMS above silence), and baresip's BYE when
#    it quits (-t) is answered 200;
# then both again through sipd (registrar + proxy with digest): baresip
# registers as carol (auth_pass; baresip 1.0 answers MD5 only, so sipd
# offers MD5 alone), sipua as bob; sipua calls
# sip:carol@example.test and baresip calls sip:bob@example.test.
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
# 3. through sipd
it_config 100 500 "server:
  domains: [ example.test ]
store:
  backend: memory
registrar:
  enabled: true
  min_expires: 60
proxy:
  enabled: true
auth:
  algorithms: [ md5 ]
users:
  - { name: bob, password: hunter2 }
  - { name: carol, password: s3cret }"
it_sipd_start
echo "<sip:carol@example.test>;auth_pass=s3cret;outbound=\"sip:127.0.0.1:$IT_PORT\";regint=60;answermode=auto;audio_codecs=PCMU" \
	>"$IT_DIR/bs/accounts"
BOB=(--user bob --password hunter2 --domain example.test --proxy "127.0.0.1:$IT_PORT" --register)

# bs_registered: wait until baresip's REGISTER got its 200
bs_registered() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q "200 OK" "$IT_DIR/bs.out" && return 0
		sleep 0.1
	done
	it_fail "baresip did not register with sipd"
	tail -n 15 "$IT_DIR/bs.out" | sed 's/^/  | /'
}

bs_start 5
bs_registered
ua_start a3 "${BOB[@]}" --local-port "$UA_P2" --duration 1.5 call sip:carol@example.test
ua_wait a3
bs_wait
ua_expect a3 0 result=answered code=200 'rtp_rx~^[0-9]{2,}$'
ua_grep a3 "RESPONSE 200 BYE" "through sipd: baresip answered sipua's BYE"

ua_start b4 "${BOB[@]}" --local-port "$UA_P3" answer
ua_wait_for b4 "REGISTERED code=200"
bs_start 4 -e "/dial sip:bob@example.test"
bs_wait
ua_wait b4
ua_expect b4 0 result=answered code=200 'rtp_rx~^[0-9]{2,}$'
ua_grep b4 "INCOMING from sip:carol@example.test" "through sipd: baresip's call reached sipua"
ua_grep b4 "ACK received call=1" "through sipd: sipua got baresip's ACK"
ua_grep b4 "BYE received call=1" "through sipd: baresip's BYE reached sipua"
it_end
