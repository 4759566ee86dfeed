# Authlib 1.2.0 (Debian python3-authlib), requests integration, signing people in as its docs show for
# a plain script (docs/client/oauth2.rst at v1.2.0; Flask is not installed, so no authorize_redirect):
# - "OAuth2Session for Authorization Code": create_authorization_url(endpoint) returns (uri, state),
#   "you should save the state for later use"; at the callback "create another session yourself",
#   OAuth2Session(client_id, client_secret, state=state), and fetch_token(token_endpoint,
#   authorization_response=...), which "will also verify the state" (oauth2/client.py:177,185-191).
# - PKCE: the same section's "Add PKCE for Authorization Code" step, OAuth2Session(...,
#   code_challenge_method='S256'), code_verifier = generate_token(48) passed to
#   create_authorization_url and fetch_token. The session adds a challenge only then
#   (oauth2/client.py:147-149); it never makes a verifier itself, so the app makes a new one per
#   sign-in, as the docs and the framework integrations do (integrations/base_client/sync_app.py:248-253).
#   It is done for every client, confidential or public (the docs make no difference).
# - "OAuth 2 OpenID Connect": a nonce the app makes and saves (generate_token(20) when the scope has
#   openid, as sync_app.py:256-263), then jwt.decode(id_token, keys, claims_cls=CodeIDToken) and
#   claims.validate(), with the options the OpenID integration passes (sync_openid.py:32-76): keys
#   from the discovery's jwks_uri (fetched again once for an unknown kid), algorithms from
#   id_token_signing_alg_values_supported, claims_options iss = the discovery issuer, claims_params
#   nonce, client_id and access_token, leeway 120. No aud option: the integration passes none.
#   No id_token in the answer: signed in, no subject (sync_openid.py:34-35).
# - "Access Protected Resources" + "Automatically refreshing tokens": the callback's session, built
#   with token_endpoint and update_token, makes the API calls and refreshes an expired token itself
#   (oauth2/client.py:256-263). It is kept only once the ID token validated.
# - An error callback (?error=...) goes to fetch_token like any other: the docs check nothing first.
# - Sign-out: authlib has no end-session support (no end_session or id_token_hint in authlib/), so
#   the app forgets its session only.
# - JWT user assertions (UNDERSTUDY_ASSERTION_KEY set): "AssertionSession", issuer = the client,
#   subject = the user, audience = the token endpoint (the default, rfc7521/client.py:22-23), the key
#   and header {'alg': 'RS256', 'kid': ...}. It sends no client authentication
#   (rfc7521/client.py:64-71,87-91); the wiring adds none.
# No lock, no retry, no extra cache: that is the library's.
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import AssertionSession, OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken, jwt
from authlib.oidc.core import CodeIDToken
from protocol import SignInNeeded, config, serve

app = {}  # what the app keeps: the browser session's pending sign-in, the signed-in session, the metadata


def oauth_session(**kwargs):
    return OAuth2Session(
        config.client_id, config.client_secret,  # empty secret: token_endpoint_auth_method 'none' (client.py:62-66)
        scope=config.scope, redirect_uri=config.redirect_uri, code_challenge_method="S256",
        token_endpoint=config.token_url, update_token=update_token, default_timeout=config.timeout, **kwargs)


def update_token(token, refresh_token=None, access_token=None):
    app["token"] = token  # the docs' update_token saves the refreshed token


def sign_in():
    verifier = generate_token(48)
    nonce = generate_token(20) if "openid" in config.scope.split() else None
    url, state = oauth_session().create_authorization_url(config.authorization_url, code_verifier=verifier, nonce=nonce)
    app["pending"] = {"state": state, "code_verifier": verifier, "nonce": nonce}
    return url


def callback(url):
    pending = app.get("pending", {})
    session = oauth_session(state=pending.get("state"))
    token = session.fetch_token(config.token_url, authorization_response=url, code_verifier=pending.get("code_verifier"))
    subject = id_token_subject(token, pending.get("nonce"))
    app["session"], app["token"] = session, token
    return subject


def metadata(name, force=False):
    if "metadata" not in app:
        app["metadata"] = requests.get(config.discovery_url, timeout=config.timeout).json()
    if name == "jwks" and (force or "jwks" not in app["metadata"]):
        app["metadata"]["jwks"] = requests.get(app["metadata"]["jwks_uri"], timeout=config.timeout).json()
    return app["metadata"].get(name)


def load_key(header, _):
    try:
        return JsonWebKey.import_key_set(metadata("jwks")).find_by_kid(header.get("kid"))
    except ValueError:
        return JsonWebKey.import_key_set(metadata("jwks", force=True)).find_by_kid(header.get("kid"))


def id_token_subject(token, nonce):
    if "id_token" not in token:
        return None
    algorithms = metadata("id_token_signing_alg_values_supported")
    claims = (JsonWebToken(algorithms) if algorithms else jwt).decode(
        token["id_token"], key=load_key, claims_cls=CodeIDToken,
        claims_options={"iss": {"values": [metadata("issuer")]}},
        claims_params={"nonce": nonce, "client_id": config.client_id, "access_token": token["access_token"]})
    claims.validate(leeway=120)
    return claims["sub"]


def sign_out():
    app.pop("session", None)
    app.pop("token", None)
    return None  # no end-session URL: the server's session lives on


def call(method, url, headers, data):
    session = app.get("session")
    if session is None:
        raise SignInNeeded("nobody is signed in")
    try:
        return session.request(method, url, headers=headers, data=data)
    except OAuthError as error:  # only the automatic refresh raises it (client.py:338-343)
        if error.error == "invalid_grant":
            raise SignInNeeded("the refresh token was refused: sign in again") from error
        raise


if config.assertion_key:
    header = {"alg": "RS256"}
    if config.assertion_kid:
        header["kid"] = config.assertion_kid
    assertions = AssertionSession(
        config.token_url, issuer=config.client_id, subject=config.username, key=config.assertion_key,
        header=header, scope=config.scope or None, default_timeout=config.timeout)
    serve(lambda method, url, headers, data: assertions.request(method, url, headers=headers, data=data))
else:
    serve(call, sign_in=sign_in, callback=callback, sign_out=sign_out)
