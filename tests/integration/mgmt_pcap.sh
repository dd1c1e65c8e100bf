#!/bin/bash
# mgmt_pcap.sh SIPD - GET /api/trace.pcap read back by tshark: every
# traced message (OPTIONS over UDP and TCP, IPv4 and, when the host has
# it, IPv6; a REGISTER) is a packet tshark decodes as SIP, in the same
# order, with the same Call-IDs, first lines, directions (addresses and
# ports) as GET /api/trace; a filtered capture (call_id) holds only that
# call; tshark reports no malformed packet.
. "$(dirname "$0")/lib.sh"
it_begin mgmt_pcap "$@"
command -v tshark >/dev/null || it_die "tshark is missing"
command -v sipp >/dev/null || it_die "sipp is missing"
read -r IT_HTTP_PORT <<<"$(python3 "$IT_PY" ports 1)"
export IT_HTTP_PORT
it_config 100 500 "server:
  domains: [ example.com ]
store:
  backend: memory
registrar:
  enabled: true
auth:
  register: false
trace:
  enabled: true
http:
  enabled: true
  port: $IT_HTTP_PORT"
it_sipd_start
for fam in 4 6; do
	[ "$fam" = 6 ] && [ "$IT_V6" = 0 ] && continue
	for tr in u1 t1; do
		it_sipp_ok "options-$tr-v$fam" options.xml "$tr" "$fam"
	done
done
it_sipp_ok reg register_plain.xml t1 4 -s erin

it_py >"$IT_DIR/fetch.out" <<'PY' || it_fail "fetch: $(cat "$IT_DIR/fetch.out")"
import json, os
from mgmttest import http, check, done
d = os.environ["IT_DIR"]
st, hd, body = http("GET", "/api/trace.pcap")
check(st == 200 and hd.get("content-type") == "application/vnd.tcpdump.pcap", "pcap: %d %r" % (st, hd))
open(os.path.join(d, "all.pcap"), "wb").write(body)
st, hd, body = http("GET", "/api/trace")
open(os.path.join(d, "all.json"), "wb").write(body)
reg = [e for e in json.loads(body)["entries"] if e["sip"].startswith("REGISTER")][0]
cid = [l.split(":", 1)[1].strip() for l in reg["sip"].split("\r\n") if l.lower().startswith("call-id:")][0]
open(os.path.join(d, "reg.callid"), "w").write(cid)
st, hd, body = http("GET", "/api/trace.pcap?call_id=" + cid)
open(os.path.join(d, "reg.pcap"), "wb").write(body)
done("fetch")
PY

decode() {
	tshark -r "$1" -d "udp.port==$IT_PORT,sip" -d "tcp.port==$IT_PORT,sip" \
		-T fields -E separator='|' -e frame.number -e ip.src -e ipv6.src \
		-e udp.srcport -e tcp.srcport -e ip.dst -e ipv6.dst -e udp.dstport \
		-e tcp.dstport -e sip.Call-ID -e sip.Request-Line -e sip.Status-Line \
		-e _ws.malformed -e _ws.expert.severity 2>"$IT_DIR/tshark.err"
}
decode "$IT_DIR/all.pcap" >"$IT_DIR/all.tsv" || it_fail "tshark could not read the capture: $(cat "$IT_DIR/tshark.err")"
decode "$IT_DIR/reg.pcap" >"$IT_DIR/reg.tsv" || it_fail "tshark could not read the filtered capture"

it_py "$IT_DIR" >"$IT_DIR/compare.out" <<'PY' || it_fail "pcap vs trace: $(cat "$IT_DIR/compare.out")"
import json, os, sys
from mgmttest import check, done
d = sys.argv[1]
entries = json.load(open(os.path.join(d, "all.json")))["entries"]
rows = [l.split("|") for l in open(os.path.join(d, "all.tsv")).read().splitlines()]
check(len(rows) == len(entries), "tshark saw %d packets, the trace holds %d" % (len(rows), len(entries)))

def hostport(a):
    h, p = a.rsplit(":", 1)
    return h.strip("[]"), p

for e, r in zip(entries, rows):
    (num, s4, s6, su, st, d4, d6, du, dt, callid, reqline, statline, malformed, sev) = r
    want_cid = [l.split(":", 1)[1].strip() for l in e["sip"].split("\r\n")
                if l.lower().startswith(("call-id:", "i:"))][0]
    check(callid == want_cid, "packet %s: Call-ID %r, want %r" % (num, callid, want_cid))
    first = e["sip"].split("\r\n", 1)[0]
    check(first in (reqline, statline), "packet %s: first line %r / %r, want %r" % (num, reqline, statline, first))
    src, dst = (e["peer"], e["local"]) if e["dir"] == "recv" else (e["local"], e["peer"])
    got_src = (s4 or s6, su or st)
    got_dst = (d4 or d6, du or dt)
    check(got_src == hostport(src) and got_dst == hostport(dst),
          "packet %s: %r -> %r, want %s -> %s" % (num, got_src, got_dst, src, dst))
    check((e["transport"] == "tcp") == bool(st), "packet %s: transport" % num)
    check(not malformed and sev not in ("error", "8388608"), "packet %s: malformed=%r expert=%r" % (num, malformed, sev))
cid = open(os.path.join(d, "reg.callid")).read()
reg = [l.split("|") for l in open(os.path.join(d, "reg.tsv")).read().splitlines()]
check(len(reg) == 2 and all(r[9] == cid for r in reg), "filtered capture: %r" % reg)
check(sum(1 for r in rows if r[3]) >= 4 and sum(1 for r in rows if r[4]) >= 4, "udp and tcp packets")
done("mgmt_pcap (%d packets)" % len(rows))
PY
sed 's/^/  | /' "$IT_DIR/compare.out"
it_end
