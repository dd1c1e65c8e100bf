"""regclient.py - a REGISTER client for the integration tests: builds
REGISTER requests and answers digest challenges (RFC 7616: MD5 and
SHA-256, qop=auth) with hashlib. Loopback only (siptest.Udp)."""
import hashlib
import random
import re

from siptest import Udp

ALGOS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def h(algo, s):
    return ALGOS[algo](s.encode()).hexdigest()


def parse_challenge(value):
    """Params of one 'Digest k=v, k="v"' value, keys lower-cased."""
    assert value.startswith("Digest ")
    out = {}
    for m in re.finditer(r'([A-Za-z-]+)=("([^"]*)"|[^,\s]+)', value[7:]):
        out[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    return out


class Client:
    """One UA: an AOR user@domain registering at 127.0.0.1:port."""

    def __init__(self, port, user, domain, password=None, udp=None):
        self.port = port
        self.user = user
        self.domain = domain
        self.password = password
        self.udp = udp or Udp()
        self.callid = "reg-%08x@itest" % random.getrandbits(32)
        self.cseq = 0
        self.tag = "t%08x" % random.getrandbits(32)

    def build(self, contacts=(), expires=None, extra=(), auth=None, cseq=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        lines = [
            "REGISTER sip:%s SIP/2.0" % self.domain,
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-r%08x;rport"
            % (self.udp.port, random.getrandbits(32)),
            "Max-Forwards: 70",
            "From: <sip:%s@%s>;tag=%s" % (self.user, self.domain, self.tag),
            "To: <sip:%s@%s>" % (self.user, self.domain),
            "Call-ID: %s" % self.callid,
            "CSeq: %d REGISTER" % cseq,
        ]
        lines += ["Contact: %s" % c for c in contacts]
        if expires is not None:
            lines.append("Expires: %d" % expires)
        if auth:
            lines.append("Authorization: %s" % auth)
        lines += list(extra)
        lines.append("Content-Length: 0")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def send(self, data, timeout=3.0):
        """Send, return the final response (Msg) or None."""
        self.udp.send(data, self.port)
        while True:
            m = self.udp.recv(timeout)
            if m is None or m.code is None or m.code >= 200:
                return m

    def answer(self, chal, algo=None, nc=1, cnonce=None, password=None,
               user=None, uri=None):
        """Authorization value answering challenge params chal."""
        algo = algo or chal.get("algorithm", "MD5")
        user = user or self.user
        password = self.password if password is None else password
        uri = uri or "sip:%s" % self.domain
        cnonce = cnonce or "%016x" % random.getrandbits(64)
        ha1 = h(algo, "%s:%s:%s" % (user, chal["realm"], password))
        ha2 = h(algo, "REGISTER:%s" % uri)
        ncs = "%08x" % nc
        resp = h(algo, "%s:%s:%s:%s:auth:%s" % (ha1, chal["nonce"], ncs, cnonce, ha2))
        return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                'response="%s", algorithm=%s, cnonce="%s", qop=auth, nc=%s'
                % (user, chal["realm"], chal["nonce"], uri, resp, algo, cnonce, ncs))

    def challenges(self, rsp):
        """{algorithm: params} of a 401."""
        out = {}
        for v in rsp.all("WWW-Authenticate"):
            p = parse_challenge(v)
            out[p.get("algorithm", "MD5")] = p
        return out

    def register(self, contacts=(), expires=None, extra=(), algo="SHA-256",
                 password=None):
        """REGISTER, answer the 401 with algo; returns (final, 401, auth)."""
        r1 = self.send(self.build(contacts, expires, extra))
        if r1 is None or r1.code != 401:
            return r1, r1, None
        chal = self.challenges(r1)[algo]
        auth = self.answer(chal, algo, password=password)
        return self.send(self.build(contacts, expires, extra, auth=auth)), r1, auth
