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
//   GO111MODULE=off GOPATH=/usr/share/gocode:$TMPDIR/gopath go build -o $TMPDIR/oauth2_client ./test/verdict-matrix/clients/go/oauth2_client.go
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

type unit struct {
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
	timeout    time.Duration // zero: no timeout (Go's default)
	out        sync.Mutex
)

func main() {
	tokenHeaders := map[string]string{}
	parseJSON("UNDERSTUDY_TOKEN_HEADERS", &tokenHeaders)
	parseJSON("UNDERSTUDY_API_HEADERS", &apiHeaders)
	if len(tokenHeaders) > 0 {
		logf("UNDERSTUDY_TOKEN_HEADERS %v not sent: golang.org/x/oauth2 has no option for token-request headers", tokenHeaders)
	}
	ctx := context.Background()
	if ms, err := strconv.Atoi(env("UNDERSTUDY_TIMEOUT_MS")); err == nil && ms > 0 {
		timeout = time.Duration(ms) * time.Millisecond
		ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: timeout})
	}
	scopes := strings.Fields(env("UNDERSTUDY_SCOPE"))
	clientFor := clientCredentials(ctx, scopes)
	if user := env("UNDERSTUDY_USERNAME"); user != "" {
		clientFor = passwordGrant(ctx, append(scopes, "offline_access"), user, env("UNDERSTUDY_PASSWORD"))
	}

	var pending sync.WaitGroup
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if line == "" {
			continue
		}
		var u unit
		if err := json.Unmarshal([]byte(line), &u); err != nil || (u.Op != "" && u.Op != "work") {
			logf("ignoring line %q", line)
			continue
		}
		pending.Add(1)
		go func() {
			defer pending.Done()
			send(work(clientFor, u))
		}()
	}
	pending.Wait()
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

// work: one unit, an API call through the library's client (which gets the token).
func work(clientFor func() (*http.Client, error), u unit) report {
	client, err := clientFor()
	if err != nil {
		return report{ID: u.ID, Error: err.Error()}
	}
	var body io.Reader
	contentType := ""
	if len(u.Body) > 0 && string(u.Body) != "null" {
		var text string
		if json.Unmarshal(u.Body, &text) == nil {
			body = strings.NewReader(text)
		} else {
			body, contentType = bytes.NewReader(u.Body), "application/json"
		}
	}
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	method := u.Method
	if method == "" {
		method = "GET"
	}
	req, err := http.NewRequestWithContext(ctx, method, apiURL+u.Path, body)
	if err != nil {
		return report{ID: u.ID, Error: err.Error()}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range apiHeaders {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return report{ID: u.ID, Error: err.Error()}
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	r := report{ID: u.ID, OK: resp.StatusCode >= 200 && resp.StatusCode < 300, Status: resp.StatusCode}
	if !r.OK {
		detail := resp.Header.Get("WWW-Authenticate")
		if detail == "" {
			detail = string(text[:min(len(text), 200)])
		}
		r.Error = fmt.Sprintf("API answered %d %s", resp.StatusCode, detail)
	}
	return r
}

func send(r report) {
	line, _ := json.Marshal(r)
	out.Lock()
	defer out.Unlock()
	os.Stdout.Write(append(line, '\n'))
}

func parseJSON(name string, into *map[string]string) {
	if text := env(name); text != "" {
		if err := json.Unmarshal([]byte(text), into); err != nil {
			logf("%s is not a JSON object of strings: %v", name, err)
		}
	}
}

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "[wiring] "+format+"\n", args...)
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
