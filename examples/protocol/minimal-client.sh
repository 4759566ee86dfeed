#!/usr/bin/env bash
# The command-driver protocol with curl: reads one JSON unit per line, answers one JSON report per line.
token="" expires=0
fetch_token() {  # client_credentials with HTTP Basic; remembers when to refresh (10% early)
  local body ttl
  body=$(curl -s -u "$UNDERSTUDY_CLIENT_ID:$UNDERSTUDY_CLIENT_SECRET" -d grant_type=client_credentials \
    --data-urlencode "scope=$UNDERSTUDY_SCOPE" "$UNDERSTUDY_TOKEN_URL")
  token=$(sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p' <<<"$body")
  ttl=$(sed -nE 's/.*"expires_in" *: *"?([0-9]+).*/\1/p' <<<"$body")
  expires=$(( $(date +%s) + ${ttl:-60} * 9 / 10 ))
  [ -n "$token" ]
}
call_api() { curl -s -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" "$UNDERSTUDY_API_URL$2"; }
while IFS= read -r line; do
  id=$(sed -nE 's/.*"id" *: *([0-9]+).*/\1/p' <<<"$line")
  method=$(sed -nE 's/.*"method" *: *"([A-Z]+)".*/\1/p' <<<"$line")
  path=$(sed -nE 's/.*"path" *: *"([^"]+)".*/\1/p' <<<"$line")
  if { [ -z "$token" ] || [ "$(date +%s)" -ge "$expires" ]; } && ! fetch_token; then
    echo "{\"id\":$id,\"ok\":false,\"error\":\"no token from $UNDERSTUDY_TOKEN_URL\"}"; continue
  fi
  status=$(call_api "$method" "$path")
  [ "$status" = 401 ] && fetch_token && status=$(call_api "$method" "$path")  # one replay
  case "$status" in 2??) ok=true ;; *) ok=false ;; esac
  echo "{\"id\":$id,\"ok\":$ok,\"status\":$status}"
done
