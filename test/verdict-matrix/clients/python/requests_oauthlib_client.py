# requests-oauthlib 1.3.0 + oauthlib 3.2.2 (Debian), used as its docs show (docs/oauth2_workflow.rst at
# v1.3.0): "Backend Application Flow" (BackendApplicationClient, OAuth2Session(client=client),
# oauth.fetch_token(token_url=..., client_id=..., client_secret=...)), or "Legacy Application Flow"
# (LegacyApplicationClient, fetch_token(..., username=, password=)) when UNDERSTUDY_USERNAME is set, with
# "(Third, Recommended) Define automatic token refresh and update" (auto_refresh_url, auto_refresh_kwargs,
# token_updater). Client credentials have no refresh token, so the docs' "(First) Define Try-Catch
# TokenExpiredError on each request" is used: on TokenExpiredError, fetch a new token and send again.
# A unit that finds the session without a token (oauth.authorized false) fetches one first.
# No lock, no retry, no extra cache (the library has no single flight).
# Token-request headers: fetch_token(headers=...) (oauth2_session.py:187,321); the auto refresh does not
# pass them (oauth2_session.py:496). Timeout: requests' per-call timeout= (none by default).
import os

os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # understudy is plain http: oauthlib refuses it otherwise
from oauthlib.oauth2 import BackendApplicationClient, LegacyApplicationClient, TokenExpiredError
from requests_oauthlib import OAuth2Session
from protocol import config, serve

creds = {"client_id": config.client_id, "client_secret": config.client_secret}
if config.username:
    oauth = OAuth2Session(client=LegacyApplicationClient(client_id=config.client_id, scope=config.scope + " offline_access"),
                          auto_refresh_url=config.token_url, auto_refresh_kwargs=creds, token_updater=lambda token: None)
    grant = {"username": config.username, "password": config.password}
else:
    oauth = OAuth2Session(client=BackendApplicationClient(client_id=config.client_id, scope=config.scope))
    grant = {}


def fetch():
    oauth.fetch_token(token_url=config.token_url, headers=config.token_headers, timeout=config.timeout, **grant, **creds)


def call(method, url, headers, data):
    if not oauth.authorized:
        fetch()
    try:
        return oauth.request(method, url, headers=dict(headers), data=data, timeout=config.timeout)
    except TokenExpiredError:
        fetch()
        return oauth.request(method, url, headers=dict(headers), data=data, timeout=config.timeout)


serve(call)
