// golang.org/x/oauth2 0.3.0 (Debian golang-golang-x-oauth2-dev), used as its docs show:
// clientcredentials "Config.Client returns an HTTP client using the provided token. The token will
// auto-refresh as necessary" (clientcredentials/clientcredentials.go:59-68): one
// clientcredentials.Config{ClientID, ClientSecret, TokenURL, Scopes}.Client(ctx) shared by every unit.
// With UNDERSTUDY_USERNAME set: oauth2.Config.PasswordCredentialsToken, then Config.Client(ctx, token),
// which refreshes with the refresh token (oauth2.go:179-199, 227-233).
// AuthStyle is left at its zero value (auto-detect), as in the docs.
// Timeout: the documented oauth2.HTTPClient context value ("The provided context optionally controls
// which HTTP client is used", clientcredentials.go:54) is an http.Client with Timeout for token
// requests; API calls get a context deadline. Without UNDERSTUDY_TIMEOUT_MS: none (http.DefaultClient).
// Token-request headers: the library has no option for them (EndpointParams are form parameters), so
// this wiring cannot send them. API headers are set on each request.
// No lock, retry or cache of its own: ReuseTokenSource (oauth2.go:284-310) is the library's.
//
// Build (GOPATH mode, Debian's gocode tree only):
//   GO111MODULE=off GOPATH=/usr/share/gocode:$TMPDIR/gopath go build -o $TMPDIR/oauth2_client ./test/verdict-matrix/clients/go/protocol.go ./test/verdict-matrix/clients/go/oauth2_client.go
package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func main() {
	if tokenHeaders := headers("UNDERSTUDY_TOKEN_HEADERS"); len(tokenHeaders) > 0 {
		logf("UNDERSTUDY_TOKEN_HEADERS %v not sent: golang.org/x/oauth2 has no option for token-request headers", tokenHeaders)
	}
	ctx := context.Background()
	if ms, err := strconv.Atoi(env("UNDERSTUDY_TIMEOUT_MS")); err == nil && ms > 0 {
		timeout := time.Duration(ms) * time.Millisecond
		ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: timeout})
		apiTimeout = timeout
	}
	scopes := strings.Fields(env("UNDERSTUDY_SCOPE"))
	clientFor := clientCredentials(ctx, scopes)
	if user := env("UNDERSTUDY_USERNAME"); user != "" {
		clientFor = passwordGrant(ctx, append(scopes, "offline_access"), user, env("UNDERSTUDY_PASSWORD"))
	}
	// This wiring's API calls (protocol.go): a string body as text, and a refusal described by its
	// WWW-Authenticate, else the start of its body.
	textBodies, answerLimit = true, 1<<20
	refusal = func(status int, challenge string, text []byte) string {
		if len(text) > 200 {
			text = text[:200]
		}
		if challenge == "" {
			challenge = string(text)
		}
		return fmt.Sprintf("API answered %d %s", status, challenge)
	}
	serve(func(r request) report {
		client, err := clientFor()
		if err != nil {
			return report{Error: err.Error()}
		}
		rep, _ := callAPI(client, r)
		return rep
	}, "work")
}

// clientCredentials: one documented Config.Client for the whole process.
func clientCredentials(ctx context.Context, scopes []string) func() (*http.Client, error) {
	conf := &clientcredentials.Config{
		ClientID:     env("UNDERSTUDY_CLIENT_ID"),
		ClientSecret: env("UNDERSTUDY_CLIENT_SECRET"),
		TokenURL:     env("UNDERSTUDY_TOKEN_URL"),
		Scopes:       scopes,
	}
	client := conf.Client(ctx)
	return func() (*http.Client, error) { return client, nil }
}

// passwordGrant: the first unit(s) to find no client log in with PasswordCredentialsToken and keep
// Config.Client(ctx, token); no lock around the login (the library has none), last one wins.
func passwordGrant(ctx context.Context, scopes []string, user, password string) func() (*http.Client, error) {
	conf := &oauth2.Config{
		ClientID:     env("UNDERSTUDY_CLIENT_ID"),
		ClientSecret: env("UNDERSTUDY_CLIENT_SECRET"),
		Endpoint:     oauth2.Endpoint{TokenURL: env("UNDERSTUDY_TOKEN_URL")},
		Scopes:       scopes,
	}
	var current atomic.Pointer[http.Client]
	return func() (*http.Client, error) {
		if client := current.Load(); client != nil {
			return client, nil
		}
		token, err := conf.PasswordCredentialsToken(ctx, user, password)
		if err != nil {
			return nil, err
		}
		client := conf.Client(ctx, token)
		current.Store(client)
		return client, nil
	}
}
