// Shared plumbing for the Go library wirings: the harness's command protocol. Built together with
// one wiring: go build -o BIN protocol.go <wiring>.go (GOPATH mode, see the wiring's top comment).
//
// stdin: one JSON request per line, {"id": 1, "op": "work", "method": "GET", "path": "/...", "body"?: ...}
// (sign-in operations: {"op": "sign-in"}, {"op": "callback", "url": ...}, {"op": "sign-out"}).
// stdout: one JSON report per request, in any order, {"id": 1, "ok": true, "status": 200}, each line
// written whole under a mutex. Everything else goes to stderr. Each request runs on its own
// goroutine (never serialized); at EOF the pending ones are finished, then the process exits.
//
// A wiring calls serve(handle): handle(r) answers one request, and serve sets the report's id.
// callAPI makes a unit's API call through the library's *http.Client. This file holds no OAuth
// logic: no token, cache, lock or retry.
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
	"time"
)

type request struct {
	ID     int             `json:"id"`
	Op     string          `json:"op"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body"`
	URL    string          `json:"url"`
}

type report struct {
	ID          int    `json:"id"`
	OK          bool   `json:"ok"`
	Status      int    `json:"status,omitempty"`
	Error       string `json:"error,omitempty"`
	URL         string `json:"url,omitempty"`
	NeedsSignIn bool   `json:"needsSignIn,omitempty"`
}

var (
	env        = os.Getenv
	apiURL     = strings.TrimRight(env("UNDERSTUDY_API_URL"), "/")
	apiHeaders = headers("UNDERSTUDY_API_HEADERS")
	out        sync.Mutex
)

// How callAPI calls and reports, as each wiring always has: by default a body goes as JSON, 512
// bytes of the answer are read, and a refusal reads "API answered <status> <WWW-Authenticate> <body>".
// A wiring that does otherwise sets these in main, before serve (oauth2_client.go).
var (
	apiTimeout  time.Duration // a deadline on each API call; zero: none
	textBodies  bool          // a JSON string body is sent as that text, with no Content-Type
	answerLimit = int64(512)  // how much of the API's answer is read
	refusal     = func(status int, challenge string, text []byte) string {
		return fmt.Sprintf("API answered %d %s %s", status, challenge, text)
	}
)

// serve reads the requests on stdin and answers each with handle on its own goroutine. only: the ops
// the wiring takes (no op is "work"); a request with another op is logged and ignored, with no report.
// With none given, every request goes to handle.
func serve(handle func(request) report, only ...string) {
	var pending sync.WaitGroup
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if line == "" {
			continue
		}
		var r request
		if err := json.Unmarshal([]byte(line), &r); err != nil || !takes(only, r.Op) {
			logf("ignoring line %q", line)
			continue
		}
		pending.Add(1)
		go func() {
			defer pending.Done()
			rep := handle(r)
			rep.ID = r.ID
			send(rep)
		}()
	}
	pending.Wait()
}

func takes(only []string, op string) bool {
	if op == "" {
		op = "work"
	}
	for _, o := range only {
		if o == op {
			return true
		}
	}
	return len(only) == 0
}

// callAPI: one unit's API call through the library's client (which gets the token): the unit's
// method (GET if none) on UNDERSTUDY_API_URL + its path, with UNDERSTUDY_API_HEADERS. A 2xx answer
// is ok. The error is returned too when the call was not made or not answered, for the wiring to read.
func callAPI(client *http.Client, r request) (report, error) {
	var body io.Reader
	contentType := ""
	if len(r.Body) > 0 && string(r.Body) != "null" {
		var text string
		if textBodies && json.Unmarshal(r.Body, &text) == nil {
			body = strings.NewReader(text)
		} else {
			body, contentType = bytes.NewReader(r.Body), "application/json"
		}
	}
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if apiTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, apiTimeout)
	}
	defer cancel()
	method := r.Method
	if method == "" {
		method = "GET"
	}
	req, err := http.NewRequestWithContext(ctx, method, apiURL+r.Path, body)
	if err != nil {
		return report{Error: err.Error()}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range apiHeaders {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return report{Error: err.Error()}, err
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, answerLimit))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return report{Status: resp.StatusCode, Error: refusal(resp.StatusCode, resp.Header.Get("WWW-Authenticate"), text)}, nil
	}
	return report{OK: true, Status: resp.StatusCode}, nil
}

func send(r report) {
	line, _ := json.Marshal(r)
	out.Lock()
	defer out.Unlock()
	os.Stdout.Write(append(line, '\n'))
}

// headers: a UNDERSTUDY_*_HEADERS setting, a JSON object of strings (logged if it is not one).
func headers(name string) map[string]string {
	into := map[string]string{}
	if text := env(name); text != "" {
		if err := json.Unmarshal([]byte(text), &into); err != nil {
			logf("%s is not a JSON object of strings: %v", name, err)
		}
	}
	return into
}

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "[wiring] "+format+"\n", args...)
}
