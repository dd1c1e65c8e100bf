#!/bin/bash
# mgmt_page.sh SIPD - the status page in headless Chromium: after the
# page's JavaScript has run (--virtual-time-budget), the DOM shows the
# registration this test made with sipp (AOR, contact, user agent) and
# the statistics; with ?call_id= the ladder diagram of that REGISTER is
# an SVG with one column per host and arrows labelled REGISTER and
# "200 OK (REGISTER)". A screenshot is kept as a test artifact under the
# build directory (path printed).
# timeout: 150
. "$(dirname "$0")/lib.sh"
it_begin mgmt_page "$@"
command -v sipp >/dev/null || it_die "sipp is missing"
CHROME=$(command -v chromium || command -v chromium-browser) || it_die "chromium is missing (make deps)"
ART_DIR=$(cd "$(dirname "$SIPD")/../.." && pwd)/test-artifacts
mkdir -p "$ART_DIR" || it_die "cannot create $ART_DIR"
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
it_sipp_ok reg register_plain.xml u1 4 -s frank
CALLID=$(python3 - <<'PY'
from mgmttest import get_json
print(get_json("/api/registrations/frank")["contacts"][0]["call_id"])
PY
)
[ -n "$CALLID" ] || it_die "no Call-ID for the registration"

chrome() {
	# a private profile in the test's directory; bounded in time
	timeout -k 5 60 "$CHROME" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-extensions --hide-scrollbars \
		--user-data-dir="$IT_DIR/chrome-profile" \
		--virtual-time-budget=5000 "$@" 2>>"$IT_DIR/chrome.err" </dev/null
}
URL="http://127.0.0.1:$IT_HTTP_PORT/?call_id=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$CALLID")"
chrome --dump-dom "$URL" >"$IT_DIR/dom.html" || it_fail "chromium --dump-dom failed: $(tail -3 "$IT_DIR/chrome.err")"
it_py "$IT_DIR/dom.html" "$CALLID" >"$IT_DIR/dom.out" <<'PY' || it_fail "page DOM: $(cat "$IT_DIR/dom.out")"
import sys
from html.parser import HTMLParser
from mgmttest import check, done

class Cells(HTMLParser):
    """Text of each table row by table id, and the SVG's texts/lines."""
    def __init__(self):
        super().__init__()
        self.table, self.rows, self.row, self.cell = None, {}, None, None
        self.svg_texts, self.svg_lines, self.in_svg_text = [], 0, False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr" and self.table:
            self.row = []
            self.rows.setdefault(self.table, []).append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.row.append(self.cell)
        elif tag == "text":
            self.in_svg_text = True
            self.svg_texts.append("")
        elif tag == "line" and "arrow" in a.get("class", ""):
            self.svg_lines += 1
    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None
        elif tag in ("td", "th"):
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "text":
            self.in_svg_text = False
    def handle_data(self, data):
        if self.in_svg_text:
            self.svg_texts[-1] += data
        elif self.cell is not None:
            self.cell.append(data)

dom = open(sys.argv[1]).read()
p = Cells()
p.feed(dom)
text = lambda row: ["".join(c).strip() for c in row]
regs = [text(r) for r in p.rows.get("registrations", []) if r and not any("AOR" in "".join(c) for c in r)]
check(any(r[0] == "sip:frank@example.com" and r[1].startswith("sip:frank@127.0.0.1:")
          and r[4] == "sipp-itest" and r[3].startswith("udp:127.0.0.1:") for r in regs),
      "registrations table: %r" % regs)
stats = {}
for r in p.rows.get("stats", []):
    t = text(r)
    for i in range(0, len(t) - 1, 2):
        stats[t[i]] = t[i + 1]
check(stats.get("registrations") == "1" and int(stats.get("requests in", "0")) >= 2, "stats: %r" % stats)
check("127.0.0.1:" in " ".join(p.svg_texts) and "REGISTER" in p.svg_texts
      and "200 OK (REGISTER)" in p.svg_texts, "ladder texts: %r" % p.svg_texts)
check(p.svg_lines == 2, "ladder arrows: %d" % p.svg_lines)
check(sys.argv[2] in dom, "Call-ID on the page")
done("mgmt_page")
PY
sed 's/^/  | /' "$IT_DIR/dom.out"
SHOT="$ART_DIR/mgmt_page.png"
rm -f "$SHOT"
chrome --window-size=1200,1000 --screenshot="$SHOT" "$URL" >/dev/null
if [ -s "$SHOT" ] && [ "$(head -c 8 "$SHOT" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	it_note "screenshot: $SHOT"
else
	it_fail "no PNG screenshot at $SHOT: $(tail -3 "$IT_DIR/chrome.err")"
fi
it_end
