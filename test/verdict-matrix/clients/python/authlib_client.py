# Authlib 1.2.0 (Debian python3-authlib), requests integration, used as its docs show
# (docs/client/oauth2.rst at v1.2.0): "OAuth2Session for Client Credentials"
# (client.fetch_token(token_endpoint)), "OAuth2Session for Password" (client.fetch_token(token_endpoint,
# username=..., password=...)) when UNDERSTUDY_USERNAME is set, "Automatically refreshing tokens"
# (OAuth2Session(..., token_endpoint=...)), then client.request(...) for the API ("Access Protected
# Resources"). In 1.2.0 the session re-fetches an expired client_credentials token only when the session
# itself was built with grant_type='client_credentials' (authlib/oauth2/client.py:264), so it is passed.
# The session never fetches its first token (request() raises MissingTokenError without one,
# oauth2_session.py:106-107): a unit that finds no token calls fetch_token, as the docs do first.
# No lock, no retry, no extra cache: that is the library's (it has no single flight).
# Token-request headers: fetch_token(headers=...) (client.py:160,201); the session's automatic
# re-fetch/refresh does not pass them (client.py:262,266). Timeout: OAuth2Session(default_timeout=...).
from authlib.integrations.requests_client import OAuth2Session
from protocol import config, serve

user = config.username
session = OAuth2Session(
    config.client_id,
    config.client_secret,
    scope=config.scope + " offline_access" if user else config.scope,
    token_endpoint=config.token_url,
    grant_type=None if user else "client_credentials",
    default_timeout=config.timeout,  # None: requests' default, no timeout
)
token_headers = config.token_headers or None  # None: authlib's DEFAULT_HEADERS


def call(method, url, headers, data):
    if not session.token:
        if user:
            session.fetch_token(config.token_url, username=user, password=config.password, headers=token_headers)
        else:
            session.fetch_token(config.token_url, headers=token_headers)
    return session.request(method, url, headers=headers, data=data)


serve(call)
