-- POSTs a client-credentials token request with HTTP Basic client authentication.
-- Env: TOKEN_PATH (default /oauth2/v1/token), CLIENT_ID, CLIENT_SECRET, SCOPE.
-- done() prints one JSON line (prefix "WRK_RESULT ") that bench/token-throughput.ts parses.
local path = os.getenv("TOKEN_PATH") or "/oauth2/v1/token"
local id = os.getenv("CLIENT_ID") or "demo-client"
local secret = os.getenv("CLIENT_SECRET") or "demo-secret"
local scope = os.getenv("SCOPE") or "urn:opc:resource:consumer::all"

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

wrk.method = "POST"
wrk.path = path
wrk.body = "grant_type=client_credentials&scope=" .. urlencode(scope)
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. base64(id .. ":" .. secret)
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status, latency:percentile(50), latency:percentile(99), latency.mean))
end
