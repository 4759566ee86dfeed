#!/usr/bin/env bash
# The command-driver protocol for a client that signs a person in, with curl: the authorization code with PKCE, then refresh tokens.
state="" verifier="" access="" refresh="" expires=0
field() { sed -nE "s/.*\"$1\" *: *\"?([^\",}]*).*/\1/p" <<<"$2"; }   # a JSON member (flat objects only)
param() { sed -nE "s/.*[?&]$1=([^&#]*).*/\1/p" <<<"$2"; }            # a query parameter, still URL-encoded
encode() { sed 's/%/%25/g; s/:/%3A/g; s#/#%2F#g; s/ /%20/g' <<<"$1"; }
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
token() {  # one token request (a code or a refresh token is good once): keeps the tokens, or says the error
  local body; body=$(curl -s -u "$UNDERSTUDY_CLIENT_ID:$UNDERSTUDY_CLIENT_SECRET" "$@" "$UNDERSTUDY_TOKEN_URL")
  if [ -z "$(field access_token "$body")" ]; then error=$(field error "$body"); return 1; fi
  access=$(field access_token "$body") refresh=$(field refresh_token "$body")
  expires=$(( $(date +%s) + $(field expires_in "$body") * 9 / 10 ))
}
while IFS= read -r line; do
  id=$(field id "$line")
  case "$(field op "$line")" in
    sign-in)
      state=$(head -c 24 /dev/urandom | b64url) verifier=$(head -c 32 /dev/urandom | b64url)
      challenge=$(printf "$(printf %s "$verifier" | sha256sum | cut -c1-64 | sed 's/../\\x&/g')" | b64url)
      echo "{\"id\":$id,\"ok\":true,\"url\":\"$UNDERSTUDY_AUTHORIZATION_URL?response_type=code&client_id=$UNDERSTUDY_CLIENT_ID&redirect_uri=$(encode "$UNDERSTUDY_REDIRECT_URI")&scope=$(encode "$UNDERSTUDY_SCOPE")&state=$state&code_challenge=$challenge&code_challenge_method=S256\"}" ;;
    callback)  # the redirect URI: refuse an error, or a state this client did not hand out
      url=$(field url "$line")
      if [ -n "$(param error "$url")" ] || [ -z "$state" ] || [ "$(param state "$url")" != "$state" ]; then
        state=""; echo "{\"id\":$id,\"ok\":false,\"error\":\"refused: error=$(param error "$url") or another state\"}"; continue
      fi
      state=""
      if token -d grant_type=authorization_code -d "code=$(param code "$url")" --data-urlencode "redirect_uri=$UNDERSTUDY_REDIRECT_URI" -d "code_verifier=$verifier"; then
        echo "{\"id\":$id,\"ok\":true}"; else echo "{\"id\":$id,\"ok\":false,\"error\":\"the code was refused: $error\"}"; fi ;;
    sign-out) access="" refresh=""; echo "{\"id\":$id,\"ok\":true}" ;;
    work)
      if [ -z "$access" ] || [ "$(date +%s)" -ge "$expires" ]; then
        if [ -z "$refresh" ] || ! token -d grant_type=refresh_token --data-urlencode "refresh_token=$refresh"; then
          [ "$error" = invalid_grant ] && refresh=""   # the grant is over: the person must sign in again
          echo "{\"id\":$id,\"ok\":false,\"needsSignIn\":$([ -z "$refresh" ] && echo true || echo false)}"; continue
        fi
      fi
      status=$(curl -s -o /dev/null -w '%{http_code}' -X "$(field method "$line")" -H "Authorization: Bearer $access" "$UNDERSTUDY_API_URL$(field path "$line")")
      case "$status" in 2??) ok=true ;; *) ok=false ;; esac
      echo "{\"id\":$id,\"ok\":$ok,\"status\":$status}" ;;
  esac
done
