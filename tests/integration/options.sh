#!/bin/bash
# options.sh SIPD - OPTIONS to sipd itself, with sipp as the peer, over
# UDP and TCP, IPv4 (127.0.0.1) and IPv6 (::1): each must get a 200 with
# Allow (naming OPTIONS) and Accept (sipp/options.xml checks both); the
# test then reads the exchange from sipp's log: the 200 carries Supported
# too, Allow names OPTIONS and ACK, Via/From/Call-ID/CSeq are the
# request's (8.2.6.2; received/rport may be added to Via, 18.2.1), To is
# the request's plus a tag, and Content-Length matches the body.
# sipp 3.6 speaks IPv6 (-i ::1, remote [::1]:port), so no fallback.
. "$(dirname "$0")/lib.sh"
it_begin options "$@"
it_config 500 4000
it_sipd_start

for fam in 4 6; do
	if [ "$fam" = 6 ] && [ "$IT_V6" = 0 ]; then
		it_note "no ::1 on this host: IPv6 cases skipped"
		continue
	fi
	for tr in u1 t1; do
		name="options-$tr-v$fam"
		it_sipp_ok "$name" options.xml "$tr" "$fam" || continue
		# The exchange, read back from sipp's log.
		if ! out=$(it_py "$IT_DIR/$name.msg" "$tr" "$fam" <<'PY'
import re
import sys
from siptest import sipp_log
path, tr, fam = sys.argv[1:]
msgs = sipp_log(path)
sent = [m for _, d, _, m in msgs if d == "sent"]
got = [m for _, d, _, m in msgs if d == "received"]
errs = []
if len(sent) != 1 or len(got) != 1:
    errs.append("want 1 request and 1 response, got %d and %d" % (len(sent), len(got)))
else:
    req, rsp = sent[0], got[0]
    if rsp.code != 200:
        errs.append("status line %r" % rsp.start)
    # 18.2.1: sipd may add received/rport to the Via; nothing else.
    via = re.sub(r";(received|rport)=[^;,]*", "", rsp.get("Via") or "")
    if via != req.get("Via").replace(";rport", ""):
        errs.append("Via not copied: sent %r, got %r" % (req.get("Via"), rsp.get("Via")))
    for h in ("From", "Call-ID", "CSeq"):
        if rsp.get(h) != req.get(h):
            errs.append("%s not copied: sent %r, got %r" % (h, req.get(h), rsp.get(h)))
    to = rsp.get("To") or ""
    if not to.startswith(req.get("To")) or ";tag=" not in to:
        errs.append("To must be the request's plus a tag: %r" % to)
    for h in ("Allow", "Accept", "Supported", "Content-Length"):
        if not rsp.has(h):
            errs.append("no %s header" % h)
    allow = [x.strip() for x in (rsp.get("Allow") or "").split(",")]
    for meth in ("OPTIONS", "ACK"):
        if meth not in allow:
            errs.append("Allow %r lacks %s" % (rsp.get("Allow"), meth))
    cl = rsp.get("Content-Length")
    if cl is not None and int(cl) != len(rsp.body):
        errs.append("Content-Length %s but %d body bytes" % (cl, len(rsp.body)))
    want = "SIP/2.0/%s" % ("UDP" if tr == "u1" else "TCP")
    if not (rsp.get("Via") or "").startswith(want):
        errs.append("Via %r is not %s" % (rsp.get("Via"), want))
print("; ".join(errs) if errs else "200 %s, Allow: %s" % (rsp.reason, rsp.get("Allow")))
sys.exit(1 if errs else 0)
PY
		); then
			it_fail "$name: $out"
		else
			it_pass "$name: $out"
		fi
	done
done

it_sipd_alive "after the OPTIONS runs"
it_end
