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
//	GO111MODULE=off GOPATH=/usr/share/gocode:$TMPDIR/gopath GOCACHE=$TMPDIR/cache go build -o $TMPDIR/oauth2_jwt_client ./test/verdict-matrix/clients/go/oauth2_jwt_client.go
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"

	"golang.org/x/oauth2/jwt"
)

type request struct {
	ID     int             `json:"id"`
	Op     string          `json:"op"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body"`
}

type report struct {
	ID     int    `json:"id"`
	OK     bool   `json:"ok"`
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

var (
	env        = os.Getenv
	apiURL     = strings.TrimRight(env("UNDERSTUDY_API_URL"), "/")
	apiHeaders = map[string]string{}
	out        sync.Mutex
)

func main() {
	if text := env("UNDERSTUDY_API_HEADERS"); text != "" {
		json.Unmarshal([]byte(text), &apiHeaders)
	}
	conf := &jwt.Config{
		Email:        env("UNDERSTUDY_CLIENT_ID"),
		PrivateKey:   []byte(env("UNDERSTUDY_ASSERTION_KEY")),
		PrivateKeyID: env("UNDERSTUDY_ASSERTION_KID"),
		Subject:      env("UNDERSTUDY_USERNAME"),
		Scopes:       strings.Fields(env("UNDERSTUDY_SCOPE")),
		TokenURL:     env("UNDERSTUDY_TOKEN_URL"),
	}
	client := conf.Client(context.Background())

	var running sync.WaitGroup
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for lines.Scan() {
		var r request
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			fmt.Fprintf(os.Stderr, "[wiring] ignoring %q\n", lines.Text())
			continue
		}
		running.Add(1)
		go func() {
			defer running.Done()
			rep := report{Error: "this client signs nobody in: op " + r.Op}
			if r.Op == "work" || r.Op == "" {
				rep = work(client, r)
			}
			rep.ID = r.ID
			line, _ := json.Marshal(rep)
			out.Lock()
			os.Stdout.Write(append(line, '\n'))
			out.Unlock()
		}()
	}
	running.Wait()
}

// work: one API call through the library's client, which gets (and reuses) the token.
func work(client *http.Client, r request) report {
	var body io.Reader
	if len(r.Body) > 0 && string(r.Body) != "null" {
		body = bytes.NewReader(r.Body)
	}
	method := r.Method
	if method == "" {
		method = "GET"
	}
	req, err := http.NewRequest(method, apiURL+r.Path, body)
	if err != nil {
		return report{Error: err.Error()}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range apiHeaders {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return report{Error: err.Error()}
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return report{Status: resp.StatusCode, Error: fmt.Sprintf("API answered %d %s %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), text)}
	}
	return report{OK: true, Status: resp.StatusCode}
}
