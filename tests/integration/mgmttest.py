"""mgmttest.py - helpers for the HTTP API tests (mgmt_*.sh).

http(method, path, ...) talks to sipd's API on 127.0.0.1:$IT_HTTP_PORT
with http.client (one connection per request, an optional source
address to connect from, an optional bearer token) and returns
(status, headers, body bytes). check(cond, what) records a failure
without stopping, so one run reports every broken endpoint; done()
exits 1 if any check failed.
"""
import http.client as httpclient
import json
import os
import sys

FAILS = []


def port():
    return int(os.environ["IT_HTTP_PORT"])


def http(method, path, body=None, token=None, source=None, host="127.0.0.1",
         headers=None):
    h = {} if headers is None else dict(headers)
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        h["Content-Type"] = "application/json"
    c = httpclient.HTTPConnection(host, port(), timeout=10,
                                   source_address=(source, 0) if source else None)
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def get_json(path, want=200, **kw):
    st, hd, data = http("GET", path, **kw)
    check(st == want, "GET %s: status %d, want %d (%r)" % (path, st, want, data[:200]))
    if st == want and want < 300:
        check(hd.get("content-type", "").startswith("application/json"),
              "GET %s: Content-Type %r" % (path, hd.get("content-type")))
    try:
        return json.loads(data) if data else None
    except ValueError:
        check(False, "GET %s: body is not JSON: %r" % (path, data[:200]))
        return None


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("  check failed: " + what)
    return cond


def done(name):
    if FAILS:
        print("%s: %d check(s) failed" % (name, len(FAILS)))
        sys.exit(1)
    print("%s: all checks passed" % name)
    sys.exit(0)
