#!/bin/bash
# tshark.sh SIPD - an independent decoder agrees with sipd's wire format:
# tshark captures sipd's port on the loopback interface while the other
# scenarios run (OPTIONS over UDP/TCP and IPv4/IPv6; INVITE -> 404 with
# Timer G retransmissions; the retransmitted INVITE; 501, 483, 420 with
# Unsupported, 505 and 400 from sipp/rejects.xml over UDP and TCP; 400s
# for two RFC 4475 messages). Then, with the port forced to decode as SIP
# (-d ...,sip, so nothing falls back to "data"), every packet sipd sent
# that carries bytes must decode as SIP, as a status line, with no
# "Malformed Packet" and no expert info at warning level or above; every
# status above must be among them, and the marker OPTIONS sent last must
# have its 200 in the capture (so the capture was not cut short).
# The capture is bounded (-a duration:, -c) and stopped by its PID.
. "$(dirname "$0")/lib.sh"
it_begin tshark "$@"
command -v tshark >/dev/null || it_die "tshark is missing (Debian package tshark; make deps)"
it_config 100 600
it_sipd_start

cap="$IT_DIR/sipd.pcapng"
tshark -i lo -f "udp port $IT_PORT or tcp port $IT_PORT" -a duration:100 -c 5000 \
	-w "$cap" -q >"$IT_DIR/tshark.out" 2>"$IT_DIR/tshark.err" </dev/null &
TSHARK_PID=$!
IT_PIDS+=("$TSHARK_PID")
for ((i = 0; i < 100; i++)); do
	grep -q "Capturing on" "$IT_DIR/tshark.err" && break
	kill -0 "$TSHARK_PID" 2>/dev/null || it_die "tshark could not capture on lo: $(cat "$IT_DIR/tshark.err")"
	sleep 0.1
done
grep -q "Capturing on" "$IT_DIR/tshark.err" || it_die "tshark did not start capturing within 10 s"

# The traffic; the other tests judge it, here only the decoder does.
for fam in 4 6; do
	[ "$fam" = 6 ] && [ "$IT_V6" = 0 ] && continue
	for tr in u1 t1; do
		it_sipp_ok "options-$tr-v$fam" options.xml "$tr" "$fam"
		it_sipp_ok "rejects-$tr-v$fam" rejects.xml "$tr" "$fam"
	done
done
it_sipp_ok invite404-udp invite404.xml u1 4 -d 1000
it_sipp_ok invite404-tcp invite404.xml t1 4 -d 100
it_sipp_ok retrans-invite retrans_invite.xml u1 4 -nr
TORTURE=$(cd "$IT_SRC/../data/torture" && pwd)
it_py "$TORTURE" >"$IT_DIR/marker.out" <<'PY' || it_fail "torture / marker: $(cat "$IT_DIR/marker.out")"
import os, re, sys, time
import siptest
from siptest import V4, Udp
port = int(os.environ["IT_PORT"])
u = Udp(V4)
for name in ("ltgtruri", "mismatch01"):
    data = open(os.path.join(sys.argv[1], name + ".dat"), "rb").read()
    data = re.sub(rb"(?m)^(Via: SIP/2.0/UDP )[^;\r\n]+", rb"\g<1>127.0.0.1:%d" % u.port, data, 1)
    u.send(data, port)
    u.recv(1.0)
u.send(siptest.request("OPTIONS", V4, port, "UDP", lport=u.port,
                       callid="tshark-marker@itest"), port)
m = u.recv(2.0)
print(m.start if m else "no answer to the marker")
sys.exit(0 if m and m.code == 200 else 1)
PY

# Let dumpcap write what it holds, then stop it (by PID) and wait.
sleep 2
kill -INT "$TSHARK_PID" 2>/dev/null
it_wait_pid "$TSHARK_PID" 10 || { kill -KILL "$TSHARK_PID"; it_fail "tshark did not stop on SIGINT"; }
wait "$TSHARK_PID" 2>/dev/null
[ -s "$cap" ] || it_die "no capture file: $(cat "$IT_DIR/tshark.err")"

tshark -r "$cap" -d "udp.port==$IT_PORT,sip" -d "tcp.port==$IT_PORT,sip" \
	-T fields -E separator='|' -E occurrence=a -E aggregator='~' \
	-e frame.number -e frame.protocols -e udp.srcport -e tcp.srcport -e tcp.len \
	-e sip.Status-Line -e sip.Request-Line -e sip.Call-ID \
	-e _ws.expert.severity -e _ws.expert.message \
	>"$IT_DIR/decoded.txt" 2>"$IT_DIR/decode.err" ||
	it_die "tshark -r failed: $(cat "$IT_DIR/decode.err")"

if out=$(it_py "$IT_DIR/decoded.txt" <<'PY'
import os, re, sys
port = os.environ["IT_PORT"]
WARNING = 6291456          # wireshark's PI_WARN; PI_ERROR is above it
want = {200, 404, 483, 501, 420, 505, 400}
errs, codes, n_sipd, marker = [], set(), 0, False
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    f = line.rstrip("\n").split("|")
    if len(f) < 10:
        continue
    num, protos, usport, tsport, tlen, status, reqline, callid, sev, expert = f[:10]
    if port not in (usport, tsport):
        continue                       # sent to sipd, not by it
    if tsport == port and (tlen in ("", "0")):
        continue                       # a bare TCP segment (SYN, ACK, FIN)
    n_sipd += 1
    names = protos.split(":")
    if "sip" not in names:
        errs.append("frame %s from sipd is not decoded as SIP (%s)" % (num, protos))
    if "_ws.malformed" in names or "Malformed" in expert:
        errs.append("frame %s from sipd: Malformed Packet (%s)" % (num, expert))
    for s, msg in zip(sev.split("~"), expert.split("~")):
        if s.isdigit() and int(s) >= WARNING:
            errs.append("frame %s from sipd: expert %s: %s" % (num, s, msg))
    if reqline:
        errs.append("frame %s: sipd sent a request %r" % (num, reqline))
    if not status:
        errs.append("frame %s from sipd has no SIP status line" % num)
    for s in status.split("~"):
        m = re.match(r"SIP/2\.0 (\d{3}) ", s)
        if m:
            codes.add(int(m.group(1)))
    if "tshark-marker@itest" in callid:
        marker = True
if not marker:
    errs.append("the marker's 200 is not in the capture: capture cut short?")
if want - codes:
    errs.append("statuses missing from the capture: %s" % sorted(want - codes))
print("; ".join(errs[:20]) if errs else
      "%d packets from sipd, all SIP, none malformed or flagged; statuses %s"
      % (n_sipd, sorted(codes)))
sys.exit(1 if errs else 0)
PY
); then
	it_pass "$out"
else
	it_fail "decoder: $out"
fi

it_sipd_alive "after the captured scenarios"
it_end
