package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestDemoThreeAttempts(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-jitter=false"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("run() = %d; want 0; stderr:\n%s", code, stderr.String())
	}
	if got := stdout.String(); got != "hello from the retryget demo server\n" {
		t.Errorf("stdout = %q; want the demo body", got)
	}
	lines := attemptLines(stderr.String())
	if len(lines) != 3 {
		t.Fatalf("attempt lines = %q; want 3", lines)
	}
	wants := []string{"attempt 1/3: 503 Service Unavailable; retrying in 1s", "attempt 2/3: ", "attempt 3/3: 200 OK"}
	for i, want := range wants {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d = %q; want prefix %q", i+1, lines[i], want)
		}
	}
	if !strings.Contains(lines[1], "retrying in 200ms") {
		t.Errorf("line 2 = %q; want a 200ms wait after the reset", lines[1])
	}
}

func attemptLines(s string) []string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if strings.HasPrefix(line, "attempt ") {
			out = append(out, line)
		}
	}
	return out
}

func TestFlagsReachTheServer(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusConflict)
			return
		}
		io.WriteString(w, r.Method+" "+r.Header.Get("X-Test")+" "+string(body))
	}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	args := []string{"-X", "PUT", "-d", "payload", "-H", "X-Test: yes", "-status", "409", "-start", "-1ns", srv.URL}
	if code := run(context.Background(), []string{"-method", "PUT", "-data", "payload", "-header", "X-Test: yes", "-statuses", "409", "-start-timeout", "-1ns", "-verbose", srv.URL}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("run() with long flags = %d; want 0", code)
	}
	hits.Store(0)
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("run() = %d; want 0; stderr:\n%s", code, stderr.String())
	}
	if got, want := stdout.String(), "PUT yes payload"; got != want {
		t.Errorf("stdout = %q; want %q", got, want)
	}
	if hits.Load() != 2 {
		t.Errorf("hits = %d; want 2", hits.Load())
	}
}

func TestExitStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer srv.Close()
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"non-2xx", []string{"-attempts", "2", "-start", "-1ns", srv.URL + "/x?token=SECRET"}, 1},
		{"404 not retried", []string{"-attempts", "2", srv.URL + "/404"}, 1},
		{"bad flag", []string{"-attempts", "-1", srv.URL}, 2},
		{"bad factor", []string{"-factor", "0.5", srv.URL}, 2},
		{"two URLs", []string{srv.URL, srv.URL}, 2},
		{"bad header", []string{"-H", "nocolon", srv.URL}, 2},
		{"refused", []string{"-attempts", "2", "-start", "-1ns", "http://127.0.0.1:1/"}, 1},
		{"help", []string{"-h"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("run() = %d; want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if strings.Contains(stderr.String(), "SECRET") {
				t.Errorf("stderr shows the query: %q", stderr.String())
			}
			if code == 1 {
				errLines := 0
				for line := range strings.SplitSeq(stderr.String(), "\n") {
					if strings.HasPrefix(line, "retryget: ") {
						errLines++
					}
				}
				if errLines != 1 {
					t.Errorf("stderr has %d error lines; want 1:\n%s", errLines, stderr.String())
				}
			}
		})
	}
}

func TestEveryAttemptHasALine(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{srv.URL}, &stdout, &stderr); code != 1 {
		t.Fatalf("run() = %d; want 1", code)
	}
	lines := attemptLines(stderr.String())
	if len(lines) != 1 || lines[0] != "attempt 1/3: 404 Not Found" {
		t.Errorf("attempt lines = %q; want [attempt 1/3: 404 Not Found]", lines)
	}
	if !strings.Contains(stderr.String(), "after 1 attempt\n") {
		t.Errorf("stderr = %q; want the final error to say 'after 1 attempt'", stderr.String())
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"-start", "1m", srv.URL}, io.Discard, &stderr); code != 1 {
		t.Errorf("run(-start 1m) = %d; want 1 (a 404, not a flag error): %s", code, stderr.String())
	}
}

func TestFileBodyAndShortMax(t *testing.T) {
	var gotLen int64
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotLen, gotBody = r.ContentLength, string(b)
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(path, []byte("from a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-max", "50ms", "-d", "@" + path, srv.URL}, io.Discard, &stderr); code != 0 {
		t.Fatalf("run() = %d; want 0: %s", code, stderr.String())
	}
	if gotLen != int64(len("from a file")) || gotBody != "from a file" {
		t.Errorf("server got %q with Content-Length %d; want the file with its length", gotBody, gotLen)
	}
}
