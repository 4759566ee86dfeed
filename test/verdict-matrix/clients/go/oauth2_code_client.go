// golang.org/x/oauth2 0.3.0 (Debian golang-golang-x-oauth2-dev) as an authorization code client with
// refresh tokens, used the way its package example shows (ExampleConfig, example_test.go:17-49):
// an oauth2.Config{ClientID, ClientSecret, Scopes, Endpoint{AuthURL, TokenURL}} (plus RedirectURL,
// oauth2.go:54-56), conf.AuthCodeURL(state, oauth2.AccessTypeOffline), conf.Exchange(ctx, code),
// then conf.Client(ctx, tok), which "will refresh the token as necessary" (oauth2.go:227-233).
// Endpoint.AuthStyle is left at its zero value (auto-detect), as in the example: the library's
// AuthStyle probe (internal/token.go:188-221) is its own behaviour and is kept.
//
// App code, kept to what the docs ask for:
//   - state: "You must always provide a non-empty string and validate that it matches the state
//     query parameter on your redirect callback" (oauth2.go:141-144) and "Before calling Exchange,
//     be sure to validate FormValue("state")" (oauth2.go:208-209): a fresh random state per sign-in,
//     kept as the app's session would keep it, and compared before anything else.
//   - error callbacks: the library reads no error parameter; the redirect handler reports
//     FormValue("error") (or a missing code) instead of calling Exchange with no code.
//   - PKCE: 0.3.0 has no PKCE helper; the docs only say the opts "can also be used to pass the PKCE
//     challenge" (oauth2.go:148) and "may include the PKCE verifier" (oauth2.go:211), and the package
//     example sends none. So a confidential app (with a secret) sends no PKCE. A public client (empty
//     secret) has nothing but PKCE to bind its code, and the server requires it there, so then the
//     app passes an S256 challenge and the verifier through oauth2.SetAuthURLParam (oauth2.go:132-136).
//   - needsSignIn: reported when nobody is signed in, or when the library's refresh was refused with
//     invalid_grant (read from the RetrieveError body, token.go:167-178). The client is kept as the
//     library keeps it (its refresher keeps the refresh token, oauth2.go:265-282).
//   - sign-out forgets the client locally: x/oauth2 has no ID token (only Token.Extra) and no logout.
//
// No ID token handling (x/oauth2 has none; go-oidc is not installed), so no subject is reported.
// API headers (UNDERSTUDY_API_HEADERS) go on each request; the library has no token-request headers.
//
// Build (GOPATH mode, Debian's gocode tree only):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode:$TMPDIR/gopath GOCACHE=$TMPDIR/cache go build -o $TMPDIR/oauth2_code_client ./test/verdict-matrix/clients/go/protocol.go ./test/verdict-matrix/clients/go/oauth2_code_client.go
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
)

var (
	ctx  = context.Background()
	conf = &oauth2.Config{
		ClientID:     env("UNDERSTUDY_CLIENT_ID"),
		ClientSecret: env("UNDERSTUDY_CLIENT_SECRET"),
		Scopes:       strings.Fields(env("UNDERSTUDY_SCOPE")),
		Endpoint:     oauth2.Endpoint{AuthURL: env("UNDERSTUDY_AUTHORIZATION_URL"), TokenURL: env("UNDERSTUDY_TOKEN_URL")},
		RedirectURL:  env("UNDERSTUDY_REDIRECT_URI"),
	}

	mu       sync.Mutex
	pending  = map[string]string{} // state -> PKCE verifier ("" for a confidential client): the app's session
	signedIn *http.Client          // conf.Client(ctx, tok) of the current sign-in
)

func main() { serve(handle) }

func handle(r request) report {
	switch r.Op {
	case "sign-in":
		return report{OK: true, URL: signIn()}
	case "callback":
		return callback(r.URL)
	case "sign-out":
		mu.Lock()
		signedIn = nil
		mu.Unlock()
		return report{OK: true}
	case "work", "":
		return work(r)
	}
	return report{Error: "unknown op " + r.Op}
}

// signIn: the URL the app redirects the browser to (ExampleConfig: conf.AuthCodeURL(state, AccessTypeOffline)).
func signIn() string {
	state := random()
	opts := []oauth2.AuthCodeOption{oauth2.AccessTypeOffline}
	verifier := ""
	if conf.ClientSecret == "" { // public client: PKCE through SetAuthURLParam (see the top comment)
		verifier = random()
		sum := sha256.Sum256([]byte(verifier))
		opts = append(opts, oauth2.SetAuthURLParam("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:])), oauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	mu.Lock()
	pending[state] = verifier
	mu.Unlock()
	return conf.AuthCodeURL(state, opts...)
}

// callback: the app's redirect handler: validate state, then Exchange the code, then conf.Client.
func callback(raw string) report {
	u, err := url.Parse(raw)
	if err != nil {
		return report{Error: err.Error()}
	}
	q := u.Query()
	mu.Lock()
	verifier, known := pending[q.Get("state")]
	delete(pending, q.Get("state"))
	mu.Unlock()
	if q.Get("state") == "" || !known {
		return report{Error: "state does not match: refused"}
	}
	if e := q.Get("error"); e != "" || q.Get("code") == "" {
		return report{Error: strings.TrimSpace("sign-in failed: " + e + " " + q.Get("error_description"))}
	}
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.SetAuthURLParam("code_verifier", verifier))
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), opts...)
	if err != nil {
		return report{Error: err.Error()}
	}
	client := conf.Client(ctx, tok)
	mu.Lock()
	signedIn = client
	mu.Unlock()
	return report{OK: true}
}

// work: one API call through the library's client, which refreshes the token as necessary.
func work(r request) report {
	mu.Lock()
	client := signedIn
	mu.Unlock()
	if client == nil {
		return report{Error: "nobody is signed in", NeedsSignIn: true}
	}
	rep, err := callAPI(client, r)
	var refused *oauth2.RetrieveError
	var answer struct{ Error string }
	if errors.As(err, &refused) && json.Unmarshal(refused.Body, &answer) == nil && answer.Error == "invalid_grant" {
		rep.NeedsSignIn = true
	}
	return rep
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
