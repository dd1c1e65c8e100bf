#!/bin/bash
# mgmt_hep.sh SIPD - trace.hep: every traced message goes to the
# collector as one HEPv3 UDP packet. A python listener (heplisten.py)
# decodes the chunks; each packet must be well formed (HEP3, total
# length, chunks filling it), carry IPv4/UDP or TCP, the capture agent id
# of the configuration, SIP as protocol type, time stamps, the Call-ID as
# correlation id, and the message itself, byte for byte the one of the
# same seq in GET /api/trace, with its addresses and ports.
. "$(dirname "$0")/lib.sh"
it_begin mgmt_hep "$@"
command -v sipp >/dev/null || it_die "sipp is missing"
read -r IT_HTTP_PORT HEP_PORT <<<"$(python3 "$IT_PY" ports 2)"
export IT_HTTP_PORT
python3 "$IT_SRC/heplisten.py" "$HEP_PORT" "$IT_DIR/hep.jsonl" 8 40 &
IT_PIDS+=("$!")
HEP_PID=$!
it_config 100 500 "store:
  backend: memory
trace:
  enabled: true
  hep:
    address: 127.0.0.1
    port: $HEP_PORT
    id: 4242
http:
  enabled: true
  port: $IT_HTTP_PORT"
it_sipd_start
it_sipp_ok options-udp options.xml u1 4
it_sipp_ok options-tcp options.xml t1 4
# the start-up probe (2), two OPTIONS and their 200s (4): at least 6
for ((i = 0; i < 50; i++)); do
	[ "$(wc -l <"$IT_DIR/hep.jsonl" 2>/dev/null)" -ge 6 ] && break
	sleep 0.1
done
it_py >"$IT_DIR/check.out" <<'PY' || it_fail "HEP: $(cat "$IT_DIR/check.out")"
import json, os
from mgmttest import get_json, check, done
pk = [json.loads(l) for l in open(os.path.join(os.environ["IT_DIR"], "hep.jsonl"))]
entries = get_json("/api/trace")["entries"]
check(len(pk) >= 6 and len(pk) == len(entries), "%d HEP packets, %d trace entries" % (len(pk), len(entries)))
for p, e in zip(pk, entries):
    check("error" not in p, "malformed HEP packet: %r" % p.get("error"))
    if "error" in p:
        continue
    check(p["payload"] == e["sip"], "seq %d: payload differs" % e["seq"])
    check(p["family"] == 2 and p["proto"] == (6 if e["transport"] == "tcp" else 17), "seq %d: family/proto %r" % (e["seq"], p))
    check(p["agent"] == 4242 and p["ptype"] == 1, "seq %d: agent/ptype" % e["seq"])
    cid = [l.split(":", 1)[1].strip() for l in e["sip"].split("\r\n") if l.lower().startswith("call-id:")][0]
    check(p.get("correlation") == cid, "seq %d: correlation %r, want %r" % (e["seq"], p.get("correlation"), cid))
    src, dst = (e["peer"], e["local"]) if e["dir"] == "recv" else (e["local"], e["peer"])
    check("%s:%d" % (p["src4"], p["sport"]) == src and "%s:%d" % (p["dst4"], p["dport"]) == dst,
          "seq %d: %s:%d -> %s:%d, want %s -> %s" % (e["seq"], p["src4"], p["sport"], p["dst4"], p["dport"], src, dst))
    check(p["tsec"] > 1600000000 and p["tusec"] < 1000000, "seq %d: time stamp" % e["seq"])
done("mgmt_hep (%d packets)" % len(pk))
PY
sed 's/^/  | /' "$IT_DIR/check.out"
it_end
