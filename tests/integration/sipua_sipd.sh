#!/bin/bash
# sipua_sipd.sh SIPD - two sipua through sipd (registrar + proxy, digest
# auth): both register (401 answered), A calls B by AOR via the proxy:
#  - A plays a WAV made with espeak-ng/sox and sends DTMF 1234#; B answers
#    and records. Both exit 0 answered; B reports 1234#; the recording
#    lasts within 10% of the sent audio with RMS well above silence;
#    both unregister on exit;
#  - B declining with 486: A exits 3 result=busy;
#  - an AOR nobody registered: A exits 4 result=notfound;
#  - alice over TCP calling bob over UDP;
#  - a wrong password (407 twice): A exits 6 result=authfailed.
# timeout: 90
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sipua.bash"
ua_begin sipua_sipd "$@"
command -v espeak-ng >/dev/null || it_die "espeak-ng is missing"

it_config 100 500 "server:
  domains: [ example.test ]
store:
  backend: memory
registrar:
  enabled: true
  min_expires: 60
proxy:
  enabled: true
users:
  - { name: alice, password: secret }
  - { name: bob, password: hunter2 }"
it_sipd_start

espeak-ng -w "$IT_DIR/speech.wav" "calling bob through the proxy, one two three" 2>/dev/null ||
	it_die "espeak-ng failed"
sox "$IT_DIR/speech.wav" -r 8000 -c 1 -b 16 "$IT_DIR/send.wav" || it_die "sox failed"
sent=$(soxi -D "$IT_DIR/send.wav")

ACC=(--domain example.test --proxy "127.0.0.1:$IT_PORT" --register --expires 120)
ALICE=(--user alice --password secret "${ACC[@]}")
BOB=(--user bob --password hunter2 "${ACC[@]}")

# 1. a call with audio and DTMF
ua_start b1 "${BOB[@]}" --local-port "$UA_P1" --record "$IT_DIR/rec.wav" answer
ua_wait_for b1 "REGISTERED code=200"
ua_start a1 "${ALICE[@]}" --local-port "$UA_P2" --play "$IT_DIR/send.wav" \
	--dtmf '1234#' --dtmf-delay 0.3 --trace call sip:bob@example.test
ua_wait a1
ua_wait b1
ua_expect a1 0 result=answered code=200
ua_expect b1 0 result=answered 'dtmf_rx=1234#' 'rtp_rx~^[0-9]{3}$'
ua_grep a1 "REGISTERED code=200" "alice registered with digest"
ua_grep b1 "INCOMING from sip:alice@example.test" "bob got alice's call through sipd"
ua_grep a1 "UNREGISTERED code=200" "alice unregistered on exit"
ua_grep b1 "UNREGISTERED code=200" "bob unregistered on exit"
# sipd record-routes the INVITE: bob copies Record-Route into his 180
# and 200 (RFC 3261 12.1.1), so alice's ACK and BYE go through sipd with
# a Route header, and bob's own requests too.
if grep -q "^Record-Route: <sip:127.0.0.1:$IT_PORT;lr>" "$IT_DIR/a1.err" &&
	awk '/^(ACK|BYE) /{m=1} m&&/^Route: <sip:127.0.0.1:'"$IT_PORT"';lr>/{n++; m=0} END{exit n>=2?0:1}' "$IT_DIR/a1.err"; then
	it_pass "the dialog is record-routed through sipd: ACK and BYE carry Route"
else
	it_fail "no Record-Route to alice, or ACK/BYE without Route through sipd"
fi
got=$(soxi -D "$IT_DIR/rec.wav" 2>/dev/null)
rms=$(sox "$IT_DIR/rec.wav" -n stat 2>&1 | sed -n 's/^RMS *amplitude: *//p')
if python3 -c "import sys; s,g=float('$sent'),float('${got:-0}'); sys.exit(0 if abs(g-s) <= 0.1*s else 1)"; then
	it_pass "recording lasts $got s for $sent s sent (within 10%)"
else
	it_fail "recording lasts ${got:-?} s for $sent s sent"
fi
if python3 -c "import sys; sys.exit(0 if float('${rms:-0}') > 0.01 else 1)"; then
	it_pass "recording RMS amplitude $rms"
else
	it_fail "recording RMS amplitude ${rms:-?}, want > 0.01"
fi

# 2. busy
ua_start b2 "${BOB[@]}" --local-port "$UA_P1" --decline 486 answer
ua_wait_for b2 "REGISTERED code=200"
ua_start a2 "${ALICE[@]}" --local-port "$UA_P2" call sip:bob@example.test
ua_wait a2
ua_wait b2
ua_expect a2 3 result=busy code=486

# 3. nobody registered as carol
ua_start a3 "${ALICE[@]}" --local-port "$UA_P2" call sip:carol@example.test
ua_wait a3
ua_expect a3 4 result=notfound 'code~^(404|480)$'
# 4. alice over TCP, bob over UDP: sipd bridges the transports
ua_start b5 "${BOB[@]}" --local-port "$UA_P3" --duration 0.5 answer
ua_wait_for b5 "REGISTERED code=200"
ua_start a5 "${ALICE[@]}" --local-port "$UA_P4" --transport tcp --trace call sip:bob@example.test
ua_wait a5
ua_wait b5
ua_expect a5 0 result=answered code=200
ua_expect b5 0 result=answered
if grep -q "^Via: SIP/2.0/TCP " "$IT_DIR/a5.err"; then
	it_pass "alice's side of the call went over TCP"
else
	it_fail "alice's requests did not go over TCP"
fi

# 5. a wrong password: the proxy's 407 cannot be answered
ua_start a4 --user alice --password wrong --domain example.test --proxy "127.0.0.1:$IT_PORT" \
	--local-port "$UA_P2" call sip:bob@example.test
ua_wait a4
ua_expect a4 6 result=authfailed code=407
it_end
