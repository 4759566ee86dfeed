"""A token client in plain Python (urllib, time.time) speaking understudy's command protocol.

One JSON unit per stdin line in, one JSON report per line out, units handled one at a time. It
caches the token until shortly before expires_in runs out (client clock: time.time()), and
replays a call once with a new token on 401. The faketime tests run it under libfaketime.
"""
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

env = os.environ
TIMEOUT_S = float(env.get("UNDERSTUDY_TIMEOUT_MS", "5000")) / 1000
token = None
expires_at = 0.0


def fetch_token():
    global token, expires_at
    form = {"grant_type": "client_credentials"}
    if env.get("UNDERSTUDY_SCOPE"):
        form["scope"] = env["UNDERSTUDY_SCOPE"]
    basic = base64.b64encode(f"{urllib.parse.quote_plus(env['UNDERSTUDY_CLIENT_ID'])}:{urllib.parse.quote_plus(env['UNDERSTUDY_CLIENT_SECRET'])}".encode()).decode()
    headers = {"authorization": f"Basic {basic}", "content-type": "application/x-www-form-urlencoded", "accept": "application/json"}
    headers.update(json.loads(env.get("UNDERSTUDY_TOKEN_HEADERS") or "{}"))
    request = urllib.request.Request(env["UNDERSTUDY_TOKEN_URL"], data=urllib.parse.urlencode(form).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        body = json.loads(response.read())
    lifetime = float(body.get("expires_in", 60))
    token = body["access_token"]
    # Refresh in the last tenth of the lifetime, at most 30 s early.
    expires_at = time.time() + lifetime - min(30.0, max(1.0, lifetime * 0.1))
    return token


def current_token(force=False):
    if not force and token and time.time() < expires_at:
        return token
    return fetch_token()


def call(unit, bearer):
    headers = {"authorization": f"Bearer {bearer}", "accept": "application/json"}
    headers.update(json.loads(env.get("UNDERSTUDY_API_HEADERS") or "{}"))
    url = urllib.parse.urljoin(env["UNDERSTUDY_API_URL"], unit["path"])
    request = urllib.request.Request(url, headers=headers, method=unit.get("method", "GET"))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def work(unit):
    try:
        status = call(unit, current_token())
        if status == 401:
            status = call(unit, current_token(force=True))
        return {"ok": 200 <= status < 300, "status": status}
    except Exception as error:  # noqa: BLE001 - every failure is reported
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


for line in sys.stdin:
    if not line.strip():
        continue
    unit = json.loads(line)
    if unit.get("op") != "work":
        continue
    print(json.dumps({"id": unit["id"], **work(unit)}), flush=True)
