// golang.org/x/oauth2/jwt 0.3.0 (Debian golang-golang-x-oauth2-dev) as a JWT user assertion client
// (urn:ietf:params:oauth:grant-type:jwt-bearer), used the way its example shows (ExampleJWTConfig,
// jwt/example_test.go:13-33): a jwt.Config{Email, PrivateKey, Subject, TokenURL} (plus PrivateKeyID
// and Scopes, jwt/jwt.go:49-60) and conf.Client(ctx), whose requests are "authorized and
// authenticated on the behalf of" Subject. Email is "the OAuth client identifier" (jwt/jwt.go:35-37),
// so UNDERSTUDY_CLIENT_ID; Subject is UNDERSTUDY_USERNAME; PrivateKey is the PKCS#8 PEM of
// UNDERSTUDY_ASSERTION_KEY (internal/oauth2.go:20-37); PrivateKeyID the kid.
// The library signs a new assertion per token fetch (jwt/jwt.go:101-134) and posts it with
// http.Client.PostForm and no client authentication (jwt/jwt.go:131-134): none is added here.
// One client for the process; API headers go on each request. No lock, cache or retry of its own.
//
// Build (GOPATH mode, Debian's gocode tree only):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode:$TMPDIR/gopath GOCACHE=$TMPDIR/cache go build -o $TMPDIR/oauth2_jwt_client ./test/verdict-matrix/clients/go/protocol.go ./test/verdict-matrix/clients/go/oauth2_jwt_client.go
package main

import (
	"context"
	"strings"

	"golang.org/x/oauth2/jwt"
)

func main() {
	conf := &jwt.Config{
		Email:        env("UNDERSTUDY_CLIENT_ID"),
		PrivateKey:   []byte(env("UNDERSTUDY_ASSERTION_KEY")),
		PrivateKeyID: env("UNDERSTUDY_ASSERTION_KID"),
		Subject:      env("UNDERSTUDY_USERNAME"),
		Scopes:       strings.Fields(env("UNDERSTUDY_SCOPE")),
		TokenURL:     env("UNDERSTUDY_TOKEN_URL"),
	}
	client := conf.Client(context.Background())

	// Each unit: one API call through the library's client, which gets (and reuses) the token.
	serve(func(r request) report {
		if r.Op != "work" && r.Op != "" {
			return report{Error: "this client signs nobody in: op " + r.Op}
		}
		rep, _ := callAPI(client, r)
		return rep
	})
}
