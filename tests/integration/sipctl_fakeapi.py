"""sipctl_fakeapi.py - canned answers in the shape of API.md, for the
CLIENT-SIDE tests of sipctl only (sipctl_canned.sh): table formatting,
exit statuses, the requests sipctl sends (paths, query strings,
Authorization, JSON bodies), chunked answers, --follow polling.

This is NOT sipd: nothing here proves that sipd's API works. The proof
against the real daemon is sipctl.sh.

    python3 sipctl_fakeapi.py PORTFILE LOGFILE TRACE.jsonl [TOKEN]

Listens on 127.0.0.1 on a free port (written to PORTFILE), appends one
JSON line per request to LOGFILE (method, path, authorization, body) and
serves the entries of TRACE.jsonl (sipd's JSON trace lines) from
/api/trace with seq numbers 1.., filtered by call_id and after.
"""
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

PORTFILE, LOGFILE, TRACEFILE = sys.argv[1:4]
TOKEN = sys.argv[4] if len(sys.argv) > 4 else None

STATUS = {
    "version": "0.1.0", "uptime_s": 3725, "roles": ["registrar", "proxy"],
    "listen": [{"transport": "udp", "address": "127.0.0.1", "port": 5060},
               {"transport": "tcp", "address": "::1", "port": 5060}],
    "stats": {"requests_in": 12, "responses_in": 3, "malformed": 1},
    "transactions": 2, "registrations": 3, "calls": 1,
}
REGS = [
    {"aor": "sip:alice@example.com", "contacts": [
        {"uri": "sip:alice@127.0.0.1:5070", "expires": 3590, "q": 1.0,
         "instance": None, "reg_id": None, "path": [], "call_id": "c1",
         "cseq": 2, "source": "udp:127.0.0.1:5070", "user_agent": "sipp"},
        {"uri": "sip:alice@[::1]:5071;transport=tcp", "expires": 60, "q": 0.5,
         "instance": "<urn:uuid:00000000-0000-0000-0000-000000000001>",
         "reg_id": 1, "path": ["<sip:edge.example.com;lr>"], "call_id": "c2",
         "cseq": 7, "source": "tcp:[::1]:40000", "user_agent": None}]},
    {"aor": "sip:bob@example.com", "contacts": [
        {"uri": "sip:bob@127.0.0.1:5080", "expires": 120, "q": 1.0,
         "instance": None, "reg_id": None, "path": [], "call_id": "c3",
         "cseq": 1, "source": "udp:127.0.0.1:5080", "user_agent": None}]},
]
USERS = [{"user": "alice", "realm": "example.com"},
         {"user": "bob", "realm": "example.com"}]
CALLS = [{"call_id": "a84b4c76e66710@pc33.example.com",
          "from": "sip:alice@example.com", "to": "sip:bob@example.com",
          "state": "answered", "started": "2026-11-24T06:00:00.123Z",
          "answered": "2026-11-24T06:00:01.853Z"},
         {"call_id": "x2", "from": "sip:carol@example.com",
          "to": "sip:dave@example.com", "state": "ringing",
          "started": "2026-11-24T06:01:00.000Z", "answered": None}]

TRACE = []
with open(TRACEFILE) as f:
    for line in f:
        o = json.loads(line)
        if "sip" in o:
            o["seq"] = len(TRACE) + 1
            del o["level"], o["msg"]
            TRACE.append(o)


def call_id_of(sip):
    for line in sip.split("\r\n"):
        k, _, v = line.partition(":")
        if k.strip().lower() in ("call-id", "i"):
            return v.strip()
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, obj=None, chunked=False, raw=None, ctype="application/json"):
        body = raw if raw is not None else (b"" if obj is None else json.dumps(obj).encode())
        self.send_response(code)
        if code == 401:
            self.send_header("WWW-Authenticate", "Bearer")
        self.send_header("Connection", "close")
        if body or code != 204:
            self.send_header("Content-Type", ctype)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 50):
                part = body[i:i + 50]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def handle_one(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else None
        with open(LOGFILE, "a") as log:
            log.write(json.dumps({"method": method, "path": self.path,
                                  "auth": self.headers.get("Authorization"),
                                  "ctype": self.headers.get("Content-Type"),
                                  "body": body}) + "\n")
        if TOKEN and self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"error": "missing or wrong bearer token"})
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        p = url.path
        if (method, p) == ("GET", "/api/status"):
            return self.reply(200, STATUS)
        if (method, p) == ("GET", "/api/registrations"):
            return self.reply(200, {"registrations": REGS})
        if p.startswith("/api/registrations/"):
            aor = urllib.parse.unquote(p[len("/api/registrations/"):])
            if "@" not in aor:
                aor = "sip:%s@example.com" % aor
            reg = [r for r in REGS if r["aor"] == aor]
            if not reg:
                return self.reply(404, {"error": "no registrations for " + aor})
            return self.reply(200, reg[0]) if method == "GET" else self.reply(204)
        if (method, p) == ("GET", "/api/users"):
            return self.reply(200, {"users": USERS})
        if (method, p) == ("POST", "/api/users"):
            try:
                o = json.loads(body or "")
                assert isinstance(o["user"], str) and isinstance(o["password"], str)
            except (ValueError, KeyError, AssertionError, TypeError):
                return self.reply(400, {"error": "bad body"})
            if any(u["user"] == o["user"] for u in USERS):
                return self.reply(409, {"error": "user %s exists" % o["user"]})
            return self.reply(201, {"user": o["user"]})
        if method == "DELETE" and p.startswith("/api/users/"):
            name = urllib.parse.unquote(p[len("/api/users/"):])
            if any(u["user"] == name for u in USERS):
                return self.reply(204)
            return self.reply(404, {"error": "no user " + name})
        if (method, p) == ("GET", "/api/calls"):
            return self.reply(200, {"calls": CALLS}, chunked=True)
        if (method, p) == ("POST", "/api/reload"):
            return self.reply(400, {"error": "/etc/sipd.yaml:12: unknown key 'lisen'"})
        if (method, p) == ("GET", "/api/trace"):
            after = int(q.get("after", 0))
            es = [e for e in TRACE if e["seq"] > after and
                  ("call_id" not in q or call_id_of(e["sip"]) == q["call_id"])]
            # --follow: hand the trace out a few entries per poll
            if "after" in q or "limit" in q:
                es = es[:int(q.get("limit", 5))]
            nxt = es[-1]["seq"] if es else after
            return self.reply(200, {"entries": es, "next": nxt, "dropped": 0},
                              chunked=True)
        if (method, p) == ("POST", "/api/trace"):
            o = json.loads(body or "null")
            if not isinstance(o, dict) or not isinstance(o.get("enabled"), bool):
                return self.reply(400, {"error": "want {\"enabled\": true|false}"})
            return self.reply(200, {"enabled": o["enabled"]})
        if (method, p) == ("GET", "/api/trace.pcap"):
            return self.reply(200, raw=b"\xd4\xc3\xb2\xa1fake-pcap-bytes",
                              ctype="application/vnd.tcpdump.pcap")
        return self.reply(404, {"error": "no such endpoint"})

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def do_DELETE(self):
        self.handle_one("DELETE")


srv = HTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
