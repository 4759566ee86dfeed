"""Shared plumbing for the Python library wirings: the harness's command protocol.

stdin: one JSON unit per line, {"id": 1, "op": "work", "method": "GET", "path": "/...", "body"?: ...}.
stdout: one JSON report per unit, in any order, {"id": 1, "ok": true, "status": 200}, written whole
under a lock and flushed. Everything else goes to stderr. Each unit runs on its own thread (units
are never serialized); at EOF the pending units are finished, then the process exits.

A wiring calls serve(call): call(method, url, headers, data) gets a token through its library,
calls the API and returns the requests.Response the API answered. If it raises, the unit is
reported as failed with the exception (and no status: the API did not answer). This file holds
no OAuth logic: no cache, no retry, no single flight.

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
    # Set (with password) when the scenario wants the password grant (+ refresh tokens).
    username = _env.get("UNDERSTUDY_USERNAME") or None
    password = _env.get("UNDERSTUDY_PASSWORD")


config = Config()
_out = threading.Lock()


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
    except BaseException as error:  # report every unit, whatever the library raised
        log("unit %s failed:\n%s" % (unit.get("id"), traceback.format_exc()))
        _report({"id": unit["id"], "ok": False, "error": _describe(error)})


def serve(call):
    """Reads units from stdin, runs call() for each one on its own thread, writes one report per unit."""
    threads = []
    for line in iter(sys.stdin.readline, ""):
        if not line.strip():
            continue
        try:
            unit = json.loads(line)
        except ValueError:
            log("ignoring a line that is not JSON:", line.rstrip())
            continue
        if unit.get("op", "work") != "work":
            log("ignoring an unknown op:", line.rstrip())
            continue
        thread = threading.Thread(target=_run, args=(call, unit), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
