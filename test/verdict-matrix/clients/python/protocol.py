"""Shared plumbing for the Python library wirings: the harness's command protocol.

stdin: one JSON unit per line, {"id": 1, "op": "work", "method": "GET", "path": "/...", "body"?: ...}.
stdout: one JSON report per unit, in any order, {"id": 1, "ok": true, "status": 200}, written whole
under a lock and flushed. Everything else goes to stderr. Each unit runs on its own thread (units
are never serialized); at EOF the pending units are finished, then the process exits.

A wiring calls serve(call): call(method, url, headers, data) gets a token through its library,
calls the API and returns the requests.Response the API answered. If it raises, the unit is
reported as failed with the exception (and no status: the API did not answer; with
"needsSignIn": true when it raised SignInNeeded: the person must sign in again). This file holds
no OAuth logic: no cache, no retry, no single flight.

An authorization code wiring also passes the sign-in operations, serve(call, sign_in=...,
callback=..., sign_out=...): {"op": "sign-in"} is answered {"ok": true, "url": sign_in()},
{"op": "callback", "url": ...} {"ok": true, "subject": callback(url)} (no subject when it returns
None), {"op": "sign-out"} {"ok": true, "url": sign_out()} (no url when it returns None); if the
handler raises, {"ok": false, "error": ...}. A wiring that passes none ignores these ops, as before.

Run with Debian's interpreter (/usr/bin/python3), which has the Debian python3-* packages.
"""
import json
import os
import sys
import threading
import traceback

_env = os.environ


class Config:
    """The UNDERSTUDY_* environment, parsed once."""

    token_url = _env.get("UNDERSTUDY_TOKEN_URL")
    issuer = _env.get("UNDERSTUDY_ISSUER")
    jwks_url = _env.get("UNDERSTUDY_JWKS_URL")
    discovery_url = _env.get("UNDERSTUDY_DISCOVERY_URL")
    client_id = _env.get("UNDERSTUDY_CLIENT_ID")
    client_secret = _env.get("UNDERSTUDY_CLIENT_SECRET")
    scope = _env.get("UNDERSTUDY_SCOPE", "")
    api_url = _env.get("UNDERSTUDY_API_URL", "")
    token_headers = json.loads(_env.get("UNDERSTUDY_TOKEN_HEADERS") or "{}")
    api_headers = json.loads(_env.get("UNDERSTUDY_API_HEADERS") or "{}")
    # Request timeout in seconds the client is configured with; None = the library's default.
    timeout = float(_env["UNDERSTUDY_TIMEOUT_MS"]) / 1000 if _env.get("UNDERSTUDY_TIMEOUT_MS") else None
    # Set (with password) when the scenario wants the password grant (+ refresh tokens); with a JWT
    # user assertion client, the user the assertion is for (its sub).
    username = _env.get("UNDERSTUDY_USERNAME") or None
    password = _env.get("UNDERSTUDY_PASSWORD")
    # Authorization code clients: where the browser is sent, and where it comes back.
    authorization_url = _env.get("UNDERSTUDY_AUTHORIZATION_URL") or None
    redirect_uri = _env.get("UNDERSTUDY_REDIRECT_URI") or None
    userinfo_url = _env.get("UNDERSTUDY_USERINFO_URL") or None
    end_session_url = _env.get("UNDERSTUDY_END_SESSION_URL") or None
    post_logout_redirect_uri = _env.get("UNDERSTUDY_POST_LOGOUT_REDIRECT_URI") or None
    # JWT user assertion clients (RFC 7523 §2.1): the PKCS#8 PEM RSA key to sign with (RS256), and its kid.
    assertion_key = _env.get("UNDERSTUDY_ASSERTION_KEY") or None
    assertion_kid = _env.get("UNDERSTUDY_ASSERTION_KID") or None


config = Config()
_out = threading.Lock()


class SignInNeeded(Exception):
    """What call() raises when the unit failed because the person must sign in (again)."""


def log(*parts):
    """Logs to stderr (stdout is for reports only)."""
    print("[wiring]", *parts, file=sys.stderr, flush=True)


def _report(line):
    text = json.dumps(line) + "\n"
    with _out:
        sys.stdout.write(text)
        sys.stdout.flush()


def _request_parts(unit):
    """The unit's URL (path appended verbatim, query included), headers (a fresh dict per call) and body."""
    url = config.api_url.rstrip("/") + unit["path"]
    headers = dict(config.api_headers)
    body = unit.get("body")
    if body is None:
        data = None
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    return unit.get("method", "GET"), url, headers, data


def _describe(error):
    parts = []
    while error is not None and len(parts) < 4:
        parts.append("%s: %s" % (type(error).__name__, error))
        error = error.__cause__ or error.__context__
    return " <- ".join(parts)


def _run(call, unit):
    try:
        response = call(*_request_parts(unit))
        status = response.status_code
        line = {"id": unit["id"], "ok": 200 <= status < 300, "status": status}
        if not line["ok"]:
            line["error"] = "API answered %d %s" % (status, response.headers.get("WWW-Authenticate") or response.text[:200])
        _report(line)
    except SignInNeeded as error:
        log("unit %s needs a sign-in: %s" % (unit.get("id"), _describe(error)))
        _report({"id": unit["id"], "ok": False, "needsSignIn": True, "error": _describe(error)})
    except BaseException as error:  # report every unit, whatever the library raised
        log("unit %s failed:\n%s" % (unit.get("id"), traceback.format_exc()))
        _report({"id": unit["id"], "ok": False, "error": _describe(error)})


_ANSWER_FIELD = {"sign-in": "url", "callback": "subject", "sign-out": "url"}


def _answer(handler, unit):
    """A sign-in operation: the handler's value becomes the report's url or subject field."""
    op = unit["op"]
    try:
        value = handler(unit["url"]) if op == "callback" else handler()
        line = {"id": unit["id"], "ok": True}
        if value is not None:
            line[_ANSWER_FIELD[op]] = str(value)
        _report(line)
    except BaseException as error:  # report every operation, whatever the library raised
        log("%s %s failed:\n%s" % (op, unit.get("id"), traceback.format_exc()))
        _report({"id": unit["id"], "ok": False, "error": _describe(error)})


def serve(call, sign_in=None, callback=None, sign_out=None):
    """Reads units from stdin, runs call() (or a sign-in operation's handler) for each one on its own
    thread, writes one report per unit."""
    handlers = {"sign-in": sign_in, "callback": callback, "sign-out": sign_out}
    threads = []
    for line in iter(sys.stdin.readline, ""):
        if not line.strip():
            continue
        try:
            unit = json.loads(line)
        except ValueError:
            log("ignoring a line that is not JSON:", line.rstrip())
            continue
        op = unit.get("op", "work")
        if op == "work":
            thread = threading.Thread(target=_run, args=(call, unit), daemon=True)
        elif handlers.get(op) is not None and (op != "callback" or isinstance(unit.get("url"), str)):
            thread = threading.Thread(target=_answer, args=(handlers[op], unit), daemon=True)
        else:
            log("ignoring an unknown op:", line.rstrip())
            continue
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
