#!/usr/bin/env python3
"""ua_scenarios.py - writes the sipp scenarios of the sipua tests
(uas_*.xml: sipp answers sipua's calls; uac_*.xml: sipp calls sipua) into
this directory. The XML files are committed; edit this script and run it
again (python3 tests/integration/sipp/ua_scenarios.py) to change them.
uas_100rel.xml and uac_100rel.xml are written by hand.
"""
import os
import textwrap

os.chdir(os.path.dirname(os.path.abspath(__file__)))
HDR = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
def sdp(direction="sendrecv"):
    return f"""      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=sipp 1 [cseq] IN IP4 [local_ip]
      s=-
      c=IN IP4 [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a={direction}
"""
def send(txt, retrans=False):
    r = ' retrans="500"' if retrans else ''
    return f"  <send{r}>\n    <![CDATA[\n\n{txt}\n    ]]>\n  </send>\n"
def resp(code, reason, tag=False, extra="", body=None, via="[last_Via:]", cseq="[last_CSeq:]"):
    to = "[last_To:];tag=[pid]sipp[call_number]" if tag else "[last_To:]"
    t = f"""      SIP/2.0 {code} {reason}
      {via}
      [last_From:]
      {to}
      [last_Call-ID:]
      {cseq}
      Contact: <sip:sipp@[local_ip]:[local_port]>
"""
    for e in extra.split("\n"):
        if e: t += "      " + e + "\n"
    t += body if body else "      Content-Length: 0\n"
    return send(t)
def recv(what, checks=(), optional=False):
    kind = 'response' if what.isdigit() else 'request'
    o = ' optional="true"' if optional else ''
    if not checks:
        return f'  <recv {kind}="{what}"{o}/>\n'
    s = f'  <recv {kind}="{what}"{o}>\n    <action>\n'
    for (where, hdr, rx, var) in checks:
        h = f' header="{hdr}"' if hdr else ''
        s += f'      <ereg regexp="{rx}" search_in="{where}"{h} check_it="true" assign_to="{var}"/>\n'
    s += '    </action>\n  </recv>\n'
    return s
def req(method, cseq, extra="", body=None, first=False):
    to = "To: <sip:b@[remote_ip]:[remote_port]>" if first else "[last_To:]"
    frm = "From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]" if first else "[last_From:]"
    t = f"""      {method} sip:b@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      {frm}
      {to}
      Call-ID: [call_id]
      CSeq: {cseq} {method}
      Contact: <sip:sipp@[local_ip]:[local_port]>
"""
    for e in extra.split("\n"):
        if e: t += "      " + e + "\n"
    t += body if body else "      Content-Length: 0\n"
    return send(t, retrans=method not in ("ACK",))
def ack(cseq):
    return req("ACK", cseq)
def scen(name, comment, parts, refs=()):
    s = HDR + "<!--\n" + textwrap.indent(textwrap.dedent(comment).strip(), "  ") + "\n-->\n"
    s += f'<scenario name="{name}">\n' + "".join(parts)
    if refs:
        s += f'  <Reference variables="{",".join(refs)}"/>\n'
    s += "</scenario>\n"
    open(name + ".xml", "w").write(s)

# --- sipua calls sipp (sipp is the UAS) ---
setup_uas = [recv("INVITE"), resp(200, "OK", tag=True, body=sdp()), recv("ACK")]
bye_uas = [recv("BYE"), resp(200, "OK")]
scen("uas_hold", """
  uas_hold.xml - sipua calls sipp and puts it on hold and back with
  re-INVITEs (RFC 3264 8.4): the first re-INVITE offers a=sendonly
  (sipp answers recvonly), the second a=sendrecv, the third a=inactive,
  the fourth a=sendrecv again, each a new version of the o= line (RFC
  3264 8: 2, 3, 4, 5); then sipua's BYE.
""", setup_uas + [
    recv("INVITE", [("body", "", "a=sendonly", "h"), ("body", "", "o=sipua [0-9]+ 2 IN", "v2")]),
    resp(200, "OK", body=sdp("recvonly")), recv("ACK"),
    recv("INVITE", [("body", "", "a=sendrecv", "r"), ("body", "", "o=sipua [0-9]+ 3 IN", "v3")]),
    resp(200, "OK", body=sdp()), recv("ACK"),
    recv("INVITE", [("body", "", "a=inactive", "i"), ("body", "", "o=sipua [0-9]+ 4 IN", "v4")]),
    resp(200, "OK", body=sdp("inactive")), recv("ACK"),
    recv("INVITE", [("body", "", "a=sendrecv", "r2"), ("body", "", "o=sipua [0-9]+ 5 IN", "v5")]),
    resp(200, "OK", body=sdp()), recv("ACK"),
] + bye_uas, ["h", "r", "i", "r2", "v2", "v3", "v4", "v5"])
scen("uas_update", """
  uas_update.xml - sipua calls sipp, then sends an UPDATE (RFC 3311) with
  a new SDP offer in the confirmed dialog; sipp answers with SDP; BYE.
""", setup_uas + [
    recv("UPDATE", [("body", "", "m=audio [0-9]+ RTP/AVP", "m"), ("hdr", "Content-Type:", "application/sdp", "t")]),
    resp(200, "OK", body=sdp()),
] + bye_uas, ["m", "t"])
scen("uas_timer", """
  uas_timer.xml - session timers (RFC 4028) with sipua as the caller:
  sipua's INVITE asks Session-Expires 1; sipp refuses with 422 and
  Min-SE 3; the retry must ask 3; sipp's 200 makes the UAC (sipua) the
  refresher; sipua must refresh by re-INVITE at half the interval (1.5 s)
  carrying Session-Expires; then sipua's BYE.
""", [
    recv("INVITE", [("hdr", "Session-Expires:", "^ *1", "a"), ("hdr", "Supported:", "timer", "b")]),
    resp(422, "Session Interval Too Small", tag=True, extra="Min-SE: 3"),
    recv("ACK"),
    recv("INVITE", [("hdr", "Session-Expires:", "^ *3", "c")]),
    resp(200, "OK", tag=True, extra="Session-Expires: 3;refresher=uac\nRequire: timer", body=sdp()),
    recv("ACK"),
    recv("INVITE", [("hdr", "Session-Expires:", "^ *3", "d")]),
    resp(200, "OK", extra="Session-Expires: 3;refresher=uac\nRequire: timer", body=sdp()),
    recv("ACK"),
] + bye_uas, ["a", "b", "c", "d"])
scen("uas_info", """
  uas_info.xml - sipua calls sipp and sends DTMF as INFO
  application/dtmf-relay (Signal=1, Signal=2), then an INFO text/plain
  "hello" (RFC 6086); sipp checks each body; then sipua's BYE.
""", setup_uas + [
    recv("INFO", [("hdr", "Content-Type:", "application/dtmf-relay", "t1"), ("body", "", "Signal=1", "s1")]), resp(200, "OK"),
    recv("INFO", [("body", "", "Signal=2", "s2")]), resp(200, "OK"),
    recv("INFO", [("hdr", "Content-Type:", "text/plain", "t2"), ("body", "", "hello", "s3")]), resp(200, "OK"),
] + bye_uas, ["t1", "s1", "s2", "t2", "s3"])
scen("uas_cancel", """
  uas_cancel.xml - sipua calls sipp, which rings; sipua hangs up before
  the answer: a CANCEL (RFC 3261 9.1) for the same branch, 200 to it,
  487 to the INVITE, and sipua's ACK for the 487.
""", [
    recv("INVITE", [("hdr", "CSeq:", "[0-9]+", "icseq")]),
    resp(180, "Ringing", tag=True),
    recv("CANCEL"), resp(200, "OK"),
    resp(487, "Request Terminated", tag=True, cseq="CSeq: [$icseq] INVITE"),
    recv("ACK"),
])
for code, reason, name in ((486, "Busy Here", "busy"), (404, "Not Found", "notfound"), (603, "Decline", "decline")):
    scen("uas_" + name, f"""
  uas_{name}.xml - sipp answers sipua's INVITE with {code} {reason} and
  takes the ACK (sipua_exit.sh checks sipua's exit status and summary).
""", [recv("INVITE"), resp(code, reason, tag=True), recv("ACK")])
scen("uas_auth", """
  uas_auth.xml - sipp challenges sipua's INVITE with 407 (RFC 3261 22.3),
  takes the retry with Proxy-Authorization, and refuses it with a fresh
  407 without stale=true: the credentials were wrong.
""", [
    recv("INVITE"),
    resp(407, "Proxy Authentication Required", tag=True,
         extra='Proxy-Authenticate: Digest realm="sipp.test", nonce="n1[pid]", qop="auth", algorithm=MD5'),
    recv("ACK"),
    recv("INVITE", [("hdr", "Proxy-Authorization:", "Digest .*username=.u1.", "pa")]),
    resp(407, "Proxy Authentication Required", tag=True,
         extra='Proxy-Authenticate: Digest realm="sipp.test", nonce="n2[pid]", qop="auth", algorithm=MD5'),
    recv("ACK"),
], ["pa"])
scen("uas_silent", """
  uas_silent.xml - sipp takes sipua's INVITE and never answers: sipua's
  Timer B (64*T1) must end the attempt.
""", [recv("INVITE"), '  <pause milliseconds="6000"/>\n'])

# --- sipp calls sipua (sipp is the UAC) ---
setup_uac = [req("INVITE", 1, extra="Supported: timer", body=sdp(), first=True),
             recv("100", optional=True), recv("180", optional=True),
             recv("200", [("hdr", "To:", "[^ ].*", "to200")]), ack(1)]
bye_uac = ['  <pause milliseconds="300"/>\n', send("""      BYE sip:b@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      To: [$to200]
      Call-ID: [call_id]
      CSeq: 9 BYE
      Content-Length: 0
""", retrans=True), recv("200")]
scen("uac_hold", """
  uac_hold.xml - sipp calls sipua, then holds it with a re-INVITE
  a=sendonly: sipua must answer a=recvonly (RFC 3264 8.4); then resumes
  with a=sendrecv: sipua answers sendrecv; then sipp's BYE.
""", setup_uac + [
    req("INVITE", 2, body=sdp("sendonly")), recv("200", [("body", "", "a=recvonly", "h")]), ack(2),
    '  <pause milliseconds="300"/>\n',
    req("INVITE", 3, body=sdp("sendrecv")), recv("200", [("body", "", "a=sendrecv", "r")]), ack(3),
] + bye_uac, ["h", "r"])
scen("uac_update", """
  uac_update.xml - sipp calls sipua, then sends UPDATE (RFC 3311) with a
  new offer: sipua must answer 200 with an SDP answer; then BYE.
""", setup_uac + [
    req("UPDATE", 2, body=sdp()), recv("200", [("body", "", "m=audio [0-9]+ RTP/AVP", "m"), ("hdr", "CSeq:", "UPDATE", "u")]),
] + bye_uac, ["m", "u"])
scen("uac_timer", """
  uac_timer.xml - session timers (RFC 4028) with sipua answering: an
  INVITE asking Session-Expires 1 gets 422 with Min-SE 2 (sipua runs with
  --min-se 2); the retry asks 3 with refresher=uas: sipua's 200 must say
  Session-Expires 3;refresher=uas with Require: timer, and sipua must
  refresh by UPDATE (--refresh-update) at 1.5 s; then sipp's BYE.
""", [
    req("INVITE", 1, extra="Supported: timer\nSession-Expires: 1", body=sdp(), first=True),
    recv("100", optional=True),
    recv("422", [("hdr", "Min-SE:", "^ *2", "m")]),
    send("""      ACK sip:b@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      Max-Forwards: 70
      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Content-Length: 0
"""),
    req("INVITE", 2, extra="Supported: timer\nSession-Expires: 3;refresher=uas", body=sdp(), first=True),
    recv("100", optional=True), recv("180", optional=True),
    recv("200", [("hdr", "Session-Expires:", "^ *3;refresher=uas", "se"), ("hdr", "Require:", "timer", "rq"), ("hdr", "To:", "[^ ].*", "to200")]),
    ack(2),
    recv("UPDATE", [("hdr", "Session-Expires:", "^ *3", "up")]),
    resp(200, "OK", extra="Session-Expires: 3;refresher=uac\nRequire: timer"),
] + bye_uac, ["m", "se", "rq", "up"])
scen("uac_info", """
  uac_info.xml - sipp calls sipua and sends DTMF as INFO
  application/dtmf-relay (Signal=5, then Signal=#): sipua must answer 200
  and report both digits; then sipp's BYE.
""", setup_uac + [
    req("INFO", 2, body="""      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=5
      Duration=160
"""), recv("200"),
    req("INFO", 3, body="""      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=#
      Duration=160
"""), recv("200"),
] + bye_uac)
scen("uac_cancel", """
  uac_cancel.xml - sipp calls sipua (ringing for a while) and cancels:
  sipua must answer the CANCEL 200 and the INVITE 487 (RFC 3261 9.2);
  sipp ACKs the 487.
""", [
    req("INVITE", 1, body=sdp(), first=True),
    recv("100", optional=True), recv("180"),
    '  <pause milliseconds="300"/>\n',
    send("""      CANCEL sip:b@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      Max-Forwards: 70
      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      To: <sip:b@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 CANCEL
      Content-Length: 0
"""),
    recv("200"), recv("487"),
    send("""      ACK sip:b@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      Max-Forwards: 70
      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Content-Length: 0
"""),
])

# --- glare: crossing re-INVITEs (RFC 3261 14.1, 14.2) ---
scen("uas_glare", """
  uas_glare.xml - crossing re-INVITEs (RFC 3261 14): sipua calls sipp and
  holds it; sipp leaves that re-INVITE pending and sends its own
  re-INVITE, which sipua must refuse with 491 (its offer is pending,
  14.2); sipp then answers sipua's re-INVITE with 491 too, and sipua must
  try again after 2.1-4 s (it placed the call, 14.1): 200, ACK, BYE.
""", setup_uas + [
    recv("INVITE", [("body", "", "a=sendonly", "h"),
                    ("hdr", "Via:", "[^ ].*", "ivia"),
                    ("hdr", "From:", "[^ ].*", "ufrom"),
                    ("hdr", "To:", "[^ ].*", "uto"),
                    ("hdr", "CSeq:", "[0-9]+", "icseq"),
                    ("hdr", "Contact:", "sip:[^>;]*", "ucontact")]),
    send("""      INVITE [$ucontact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: [$uto]
      To: [$ufrom]
      [last_Call-ID:]
      CSeq: 1 INVITE
      Contact: <sip:sipp@[local_ip]:[local_port]>
""" + sdp(), retrans=True),
    recv("491"),
    send("""      ACK [$ucontact] SIP/2.0
      [last_Via:]
      Max-Forwards: 70
      From: [$uto]
      To: [$ufrom]
      [last_Call-ID:]
      CSeq: 1 ACK
      Content-Length: 0
"""),
    send("""      SIP/2.0 491 Request Pending
      Via: [$ivia]
      From: [$ufrom]
      To: [$uto]
      [last_Call-ID:]
      CSeq: [$icseq] INVITE
      Content-Length: 0
"""),
    recv("ACK"),
    recv("INVITE", [("body", "", "a=sendonly", "h2")]),
    resp(200, "OK", body=sdp("recvonly")), recv("ACK"),
] + bye_uas, ["h", "h2"])

# --- an INVITE without SDP (offer in the 200, answer in the ACK) ---
scen("uac_lateoffer", """
  uac_lateoffer.xml - sipp calls sipua with an INVITE without a body:
  sipua must put its offer in the 200 (RFC 3261 13.2.1, RFC 3264) and
  take the answer from the ACK; then sipp's BYE.
""", [
    req("INVITE", 1, first=True),
    recv("100", optional=True), recv("180", optional=True),
    recv("200", [("body", "", "m=audio [0-9]+ RTP/AVP 0 8 101", "o"), ("hdr", "To:", "[^ ].*", "to200")]),
    send("""      ACK sip:b@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
""" + sdp()),
] + bye_uac, ["o"])

# --- early media: an SDP answer in a 183 ---
scen("uas_early", """
  uas_early.xml - sipp answers sipua's INVITE with 183 Session Progress
  carrying the SDP answer (early media, RFC 3264 with RFC 3261 13.2.1),
  then after 0.8 s the 200; ACK; sipua's BYE. Run with -rtp_echo, so the
  audio sipua sends during the 183 comes back to it.
""", [
    recv("INVITE"),
    resp(183, "Session Progress", tag=True, body=sdp()),
    '  <pause milliseconds="800"/>\n',
    resp(200, "OK", tag=True, body=sdp()),
    recv("ACK"),
] + bye_uas)
