package retryclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/retryclient/retryclient"
)

func TestStrategies(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		opts retryclient.RetryOptions
		want []time.Duration
	}{
		{"constant", retryclient.RetryOptions{Backoff: retryclient.Constant(70 * ms)}, []time.Duration{70 * ms, 70 * ms, 70 * ms, 70 * ms}},
		{"waits uses first entry, last repeats", retryclient.RetryOptions{Backoff: retryclient.Waits{10 * ms, 20 * ms, 5 * ms}}, []time.Duration{10 * ms, 20 * ms, 5 * ms, 5 * ms}},
		{"fibonacci", retryclient.RetryOptions{Backoff: retryclient.Fibonacci(10 * ms)}, []time.Duration{10 * ms, 20 * ms, 30 * ms, 50 * ms}},
		{"fibonacci capped", retryclient.RetryOptions{Backoff: retryclient.Fibonacci(10 * ms), MaxTimeout: 25 * ms}, []time.Duration{10 * ms, 20 * ms, 25 * ms, 25 * ms}},
		{"random with fixed rand", retryclient.RetryOptions{Backoff: retryclient.Random{Min: 100 * ms, Max: 200 * ms}, Rand: func() float64 { return 0.5 }}, []time.Duration{150 * ms, 150 * ms, 150 * ms, 150 * ms}},
		{"func sees attempt", retryclient.RetryOptions{Backoff: retryclient.BackoffFunc(func(n int, _ *http.Response, _ float64) time.Duration {
			return time.Duration(n) * ms
		})}, []time.Duration{ms, 2 * ms, 3 * ms, 4 * ms}},
		{"func negative is zero", retryclient.RetryOptions{Backoff: retryclient.BackoffFunc(func(int, *http.Response, float64) time.Duration {
			return -time.Hour
		})}, []time.Duration{0, 0, 0, 0}},
		{"constant beyond cap", retryclient.RetryOptions{Backoff: retryclient.Constant(time.Hour), MaxTimeout: time.Second}, []time.Duration{time.Second, time.Second, time.Second, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				opts := tt.opts
				opts.Attempts = 5
				opts.Jitter = retryclient.NoJitter
				ws, _, _, err := waits(t, opts, &script{codes: []int{503}})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ws, tt.want) {
					t.Errorf("waits = %v; want %v", ws, tt.want)
				}
			})
		})
	}
}

func TestBackoffFuncReadsRateLimitHeader(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return respond(429, "X-RateLimit-Reset-Ms", "750"), nil
		})
		opts := retryclient.RetryOptions{Attempts: 2, Jitter: retryclient.NoJitter,
			Backoff: retryclient.BackoffFunc(func(_ int, resp *http.Response, _ float64) time.Duration {
				if resp != nil {
					if v, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Reset-Ms")); err == nil {
						return time.Duration(v) * time.Millisecond
					}
				}
				return time.Second
			})}
		ws, elapsed, _, _ := waits(t, opts, rt)
		if !slices.Equal(ws, []time.Duration{750 * time.Millisecond}) || elapsed != 750*time.Millisecond {
			t.Errorf("waits = %v after %v; want [750ms]", ws, elapsed)
		}
	})
}

func TestJitterNeverExceedsCap(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, j := range []retryclient.Jitter{retryclient.ProportionalJitter, retryclient.FullJitter, retryclient.DecorrelatedJitter} {
			opts := retryclient.RetryOptions{Attempts: 30, MaxTimeout: time.Second, Jitter: j, Rand: func() float64 { return 0.999999 }}
			ws, _, _, _ := waits(t, opts, &script{codes: []int{503}})
			for i, w := range ws {
				if w < 0 || w > time.Second {
					t.Errorf("%v: wait %d = %v; want in [0, 1s]", j, i+1, w)
				}
			}
		}
	})
}

func TestBadStrategies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		backoff retryclient.Backoff
		text    string
	}{
		{"negative constant", retryclient.Constant(-time.Second), "Constant"},
		{"empty list", retryclient.Waits{}, "Waits"},
		{"negative list entry", retryclient.Waits{time.Second, -time.Second}, "Waits[1]"},
		{"zero fibonacci", retryclient.Fibonacci(0), "Fibonacci"},
		{"min above max", retryclient.Random{Min: 2 * time.Second, Max: time.Second}, "Random.Max"},
		{"negative min", retryclient.Random{Min: -1, Max: time.Second}, "Random.Min"},
		{"nil func", retryclient.BackoffFunc(nil), "BackoffFunc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, s := scriptClient(retryclient.RetryOptions{Backoff: tt.backoff}, 200)
			resp, err := c.Get("http://example.invalid/")
			var oe *retryclient.OptionError
			if resp != nil || !errors.As(err, &oe) || oe.Field != "Backoff" {
				t.Fatalf("Get() = %v, %v; want *OptionError for Backoff", resp, err)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not mention %q", err, tt.text)
			}
			if s.hits() != 0 {
				t.Errorf("attempts = %d; want 0", s.hits())
			}
		})
	}
	var nan retryclient.RetryOptions
	nan.Factor = math.NaN()
	if err := nan.Validate(); err == nil {
		t.Error("Validate(NaN factor) = nil; want error")
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	// A policy that retries 200 responses whose body says "not ready", and
	// otherwise defers to DefaultPolicy.
	var mu sync.Mutex
	n := 0
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		body := "not ready"
		if k == 3 {
			body = "ready: the full answer"
		}
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}, nil
	})
	var reasons []string
	opts := retryclient.RetryOptions{StartTimeout: -1, Attempts: 5, Policy: func(o retryclient.Outcome) (bool, string) {
		if o.Response != nil && o.Response.StatusCode == 200 {
			head := make([]byte, 5)
			n, _ := io.ReadFull(o.Response.Body, head)
			if string(head[:n]) == "not r" {
				return true, "not ready"
			}
			return false, ""
		}
		return retryclient.DefaultPolicy(o)
	}}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{Retry: func(i retryclient.RetryInfo) { reasons = append(reasons, i.Reason) }})
	c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: opts}
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ready: the full answer" {
		t.Errorf("body = %q; want the whole body, not what the policy consumed", body)
	}
	if n != 3 || !slices.Equal(reasons, []string{"not ready", "not ready"}) {
		t.Errorf("attempts = %d, reasons %q; want 3, [not ready not ready]", n, reasons)
	}
}

func TestDefaultPolicyDirect(t *testing.T) {
	t.Parallel()
	get, _ := http.NewRequest("GET", "http://example.invalid/", nil)
	post, _ := http.NewRequest("POST", "http://example.invalid/", nil)
	tests := []struct {
		o    retryclient.Outcome
		want bool
	}{
		{retryclient.Outcome{Request: get, Response: respond(503)}, true},
		{retryclient.Outcome{Request: get, Response: respond(404)}, false},
		{retryclient.Outcome{Request: get, Response: respond(404), Options: &retryclient.RetryOptions{Statuses: []int{404}}}, true},
		{retryclient.Outcome{Request: post, Response: respond(500)}, false},
		{retryclient.Outcome{Request: post, Response: respond(500), Options: &retryclient.RetryOptions{Methods: []string{"Post"}}}, true},
		{retryclient.Outcome{Request: get, Err: io.ErrUnexpectedEOF}, true},
		{retryclient.Outcome{Request: get, Err: errors.New("x")}, false},
	}
	for i, tt := range tests {
		if got, reason := retryclient.DefaultPolicy(tt.o); got != tt.want || (reason != "") != got {
			t.Errorf("%d: DefaultPolicy() = %v, %q; want %v", i, got, reason, tt.want)
		}
	}
}

func TestPolicyCannotOverrideCallerContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var hits int
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits++
		cancel()
		return nil, context.Canceled
	})
	c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: retryclient.RetryOptions{
		StartTimeout: -1, Policy: func(retryclient.Outcome) (bool, string) { return true, "always" },
	}}
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
	if _, err := c.Do(req); !errors.Is(err, context.Canceled) || hits != 1 {
		t.Errorf("Do() = %v after %d attempts; want context.Canceled after 1", err, hits)
	}
}

func TestRewriteFailsOverToMirror(t *testing.T) {
	t.Parallel()
	var primaryHits, mirrorHits atomic.Int32
	var mirrorSaw http.Header
	primary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		primaryHits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer primary.Close()
	mirror := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mirrorHits.Add(1)
		mirrorSaw = r.Header.Clone()
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "mirror got %s", body)
	}))
	defer mirror.Close()
	mirrorURL, _ := url.Parse(mirror.URL)

	var gotConns atomic.Int32
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConns.Add(1) },
	})
	var attemptsSeen []int
	opts := retryclient.RetryOptions{StartTimeout: -1, Rewrite: func(n int, req *http.Request) (*http.Request, error) {
		attemptsSeen = append(attemptsSeen, n, retryclient.Attempt(req.Context()))
		req.URL.Host = mirrorURL.Host
		req.Host = ""
		req.Header.Set("Authorization", "Bearer fresh-token")
		return req, nil
	}}
	c := &retryclient.Client{RetryOptions: opts}
	req, _ := http.NewRequestWithContext(ctx, "PUT", primary.URL+"/item", strings.NewReader("payload"))
	req.Header.Set("X-Trace-Id", "abc")
	req.Header.Set("Authorization", "Bearer stale")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "mirror got payload" {
		t.Errorf("body = %q; want the mirror's answer with the payload", body)
	}
	if primaryHits.Load() != 1 || mirrorHits.Load() != 1 {
		t.Errorf("hits primary %d mirror %d; want 1 and 1", primaryHits.Load(), mirrorHits.Load())
	}
	if mirrorSaw.Get("X-Trace-Id") != "abc" || mirrorSaw.Get("Authorization") != "Bearer fresh-token" {
		t.Errorf("mirror saw headers %v; want X-Trace-Id kept and the fresh token", mirrorSaw)
	}
	if req.Header.Get("Authorization") != "Bearer stale" || req.URL.Host == mirrorURL.Host {
		t.Error("Rewrite changed the caller's request")
	}
	if !slices.Equal(attemptsSeen, []int{2, 2}) {
		t.Errorf("Rewrite saw (attempt, Attempt(ctx)) = %v; want [2 2]", attemptsSeen)
	}
	if gotConns.Load() != 2 {
		t.Errorf("httptrace GotConn fired %d times; want 2 (the trace survives into the rewritten attempt)", gotConns.Load())
	}
}

func TestRewriteNewRequestKeepsAttemptContext(t *testing.T) {
	t.Parallel()
	var seen []int
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, retryclient.Attempt(r.Context()))
		return respond(503), nil
	})
	opts := retryclient.RetryOptions{StartTimeout: -1, Rewrite: func(n int, req *http.Request) (*http.Request, error) {
		return http.NewRequest("GET", "http://mirror.invalid/", nil) // a brand-new request, Background context
	}}
	c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: opts}
	resp, err := c.Get("http://example.invalid/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !slices.Equal(seen, []int{1, 2, 3}) {
		t.Errorf("attempt numbers = %v; want [1 2 3]", seen)
	}
}

func TestRewriteErrors(t *testing.T) {
	t.Parallel()
	errHook := errors.New("no more mirrors")
	tests := []struct {
		name    string
		rewrite func(int, *http.Request) (*http.Request, error)
		is      error
	}{
		{"error", func(int, *http.Request) (*http.Request, error) { return nil, errHook }, errHook},
		{"nil request", func(int, *http.Request) (*http.Request, error) { return nil, nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := &closeRecorder{Reader: strings.NewReader("x")}
			c, s := scriptClient(retryclient.RetryOptions{StartTimeout: -1, Rewrite: tt.rewrite}, 503)
			req, _ := http.NewRequest("PUT", "http://example.invalid/", body)
			resp, err := c.Do(req)
			if resp != nil || err == nil {
				t.Fatalf("Do() = %v, %v; want an error", resp, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Do() error = %v; want %v", err, tt.is)
			}
			if s.hits() != 1 {
				t.Errorf("attempts = %d; want 1", s.hits())
			}
			if !body.closed.Load() {
				t.Error("request body not closed")
			}
		})
	}
}

func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	stall := make(chan struct{})
	defer close(stall)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) < 3 {
			select { // stall until the client gives up on the attempt
			case <-r.Context().Done():
			case <-stall:
			}
			return
		}
		// The answer's body is slow: longer than AttemptTimeout in all.
		w.WriteHeader(200)
		for i := range 4 {
			fmt.Fprintf(w, "part %d;", i)
			w.(http.Flusher).Flush()
			time.Sleep(40 * time.Millisecond)
		}
	}))
	defer s.Close()
	var reasons []string
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{Retry: func(i retryclient.RetryInfo) {
		reasons = append(reasons, i.Reason)
		if !errors.Is(i.Err, context.DeadlineExceeded) {
			t.Errorf("Retry hook Err = %v; want DeadlineExceeded", i.Err)
		}
		var ate *retryclient.AttemptTimeoutError
		if !errors.As(i.Err, &ate) {
			t.Errorf("Retry hook Err = %T; want *AttemptTimeoutError", i.Err)
		}
	}})
	c := &retryclient.Client{RetryOptions: retryclient.RetryOptions{StartTimeout: -1, AttemptTimeout: 50 * time.Millisecond}}
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do() error = %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "part 0;part 1;part 2;part 3;" {
		t.Errorf("slow body = %q, %v; want all four parts", body, err)
	}
	if hits.Load() != 3 || len(reasons) != 2 {
		t.Errorf("hits = %d, retries %q; want 3 hits, 2 timeouts retried", hits.Load(), reasons)
	}
}

func TestAttemptTimeoutCallerDeadlineWins(t *testing.T) {
	t.Parallel()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Millisecond)
	defer cancel()
	c := &retryclient.Client{RetryOptions: retryclient.RetryOptions{Attempts: 100, StartTimeout: -1, AttemptTimeout: 50 * time.Millisecond}}
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL, nil)
	start := time.Now()
	_, err := c.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do() error = %v; want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Do() took %v; want about 120ms", d)
	}
	var re *retryclient.RetryError
	if !errors.As(err, &re) || re.Attempts < 2 || re.Attempts > 4 {
		t.Errorf("Do() error = %v; want a RetryError after 2 or 3 attempts", err)
	}
}

func TestTransport(t *testing.T) {
	t.Parallel()
	s := newSeedServer(t)
	tr := &retryclient.Transport{RetryOptions: retryclient.RetryOptions{StartTimeout: -1}}
	hc := &http.Client{Transport: tr}
	defer hc.CloseIdleConnections()

	resp, err := hc.Get(s.URL + "/sometimes_error")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || s.count("/sometimes_error") != 3 {
		t.Errorf("Get() = %d after %d hits; want 200 after 3", resp.StatusCode, s.count("/sometimes_error"))
	}

	// Per-call options ride in the context, as with Client.
	ctx := retryclient.WithRetryOptions(context.Background(), retryclient.RetryOptions{Attempts: 5, StartTimeout: -1})
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/internal_error", nil)
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s.count("/internal_error") != 5 {
		t.Errorf("per-call Attempts 5: hits = %d; want 5", s.count("/internal_error"))
	}

	// Errors: one *url.Error layer (http.Client's), a RetryError inside.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = hc.Get(dead.URL)
	var ue *url.Error
	var re *retryclient.RetryError
	if !errors.As(err, &ue) || !errors.As(err, &re) || re.Attempts != 3 {
		t.Fatalf("Get() error = %v; want *url.Error around a 3-attempt *RetryError", err)
	}
	if _, nested := ue.Err.(*url.Error); nested {
		t.Errorf("error %v nests two *url.Error", err)
	}
}

func TestTransportBodyAndAttempts(t *testing.T) {
	t.Parallel()
	var bodies []string
	var attempts []int
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		bodies = append(bodies, string(b))
		attempts = append(attempts, retryclient.Attempt(r.Context()))
		if len(bodies) < 3 {
			return respond(503), nil
		}
		return respond(200), nil
	})
	tr := &retryclient.Transport{Base: base, RetryOptions: retryclient.RetryOptions{StartTimeout: -1}}
	req, _ := http.NewRequest("POST", "http://example.invalid/", bytes.NewReader([]byte("same bytes")))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !slices.Equal(bodies, []string{"same bytes", "same bytes", "same bytes"}) || !slices.Equal(attempts, []int{1, 2, 3}) {
		t.Errorf("bodies %q attempts %v; want the same bytes 3 times, attempts 1..3", bodies, attempts)
	}
	var zero retryclient.Transport
	if _, err := zero.RoundTrip(nil); err == nil {
		t.Error("RoundTrip(nil) error = nil; want an error")
	}
}

func TestTransportUnderClientTimeout(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer s.Close()
	// The outer Timeout bounds all attempts: with 200ms waits and a 300ms
	// timeout, the deadline-aware loop stops early and returns the 503.
	hc := &http.Client{Timeout: 300 * time.Millisecond, Transport: &retryclient.Transport{
		RetryOptions: retryclient.RetryOptions{Attempts: 10, StartTimeout: 200 * time.Millisecond, Factor: 1, Jitter: retryclient.NoJitter},
	}}
	start := time.Now()
	resp, err := hc.Get(s.URL)
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	resp.Body.Close()
	if d := time.Since(start); resp.StatusCode != 503 || hits.Load() != 2 || d > 300*time.Millisecond {
		t.Errorf("Get() = %d after %d hits in %v; want 503 after 2 hits, under 300ms", resp.StatusCode, hits.Load(), d)
	}
}

func TestLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := scriptClient(retryclient.RetryOptions{Attempts: 3, StartTimeout: -1, Logger: logger}, 503)
	req, _ := http.NewRequest("GET", "http://user:hunter2@example.invalid/p?token=SECRET", nil)
	req.Header.Set("Authorization", "Bearer TOPSECRET")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("log has %d lines; want 3 (2 retries, 1 give-up):\n%s", len(lines), buf.String())
	}
	for _, want := range []string{`"level":"INFO"`, `"method":"GET"`, `"url":"http://example.invalid/p"`, `"attempt":1`, `"attempts":3`, `"status":503`, `"wait":0`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("retry line %s lacks %s", lines[0], want)
		}
	}
	if !strings.Contains(lines[2], `"level":"WARN"`) || !strings.Contains(lines[2], "attempts exhausted") {
		t.Errorf("give-up line = %s; want WARN and the reason", lines[2])
	}
	for _, secret := range []string{"hunter2", "user", "SECRET", "Bearer"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log contains %q:\n%s", secret, buf.String())
		}
	}
}

func TestCheckRedirectErrorNeverRetried(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer s.Close()
	errNoRedirect := errors.New("no redirects")
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errNoRedirect }}
	// Even listed in Errors, a CheckRedirect error is not retried.
	c := &retryclient.Client{Client: hc, RetryOptions: retryclient.RetryOptions{StartTimeout: -1, Errors: []error{errNoRedirect}}}
	resp, err := c.Get(s.URL)
	if !errors.Is(err, errNoRedirect) {
		t.Fatalf("Get() error = %v; want the CheckRedirect error", err)
	}
	if resp == nil || resp.StatusCode != http.StatusFound {
		t.Errorf("Get() response = %v; want the 302, as http.Client returns it", resp)
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d; want 1", hits.Load())
	}
}

func TestGetBodyFailsOnRetry(t *testing.T) {
	t.Parallel()
	errGetBody := errors.New("source gone")
	et := &errTransport{err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	var gaveUp []string
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{GiveUp: func(i retryclient.GiveUpInfo) {
		gaveUp = append(gaveUp, i.Reason)
	}})
	req, _ := http.NewRequestWithContext(ctx, "PUT", "http://example.invalid/", strings.NewReader("x"))
	req.GetBody = func() (io.ReadCloser, error) { return nil, errGetBody }
	c := &retryclient.Client{Client: &http.Client{Transport: et}, RetryOptions: retryclient.RetryOptions{StartTimeout: -1}}
	_, err := c.Do(req)
	if !errors.Is(err, errGetBody) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Do() error = %v; want the GetBody error and the last attempt's", err)
	}
	if et.hits.Load() != 1 || !slices.Equal(gaveUp, []string{"GetBody failed"}) {
		t.Errorf("attempts = %d, GiveUp reasons %q; want 1, [GetBody failed]", et.hits.Load(), gaveUp)
	}
}

func TestJitterSpreadsAtTheCap(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, j := range []retryclient.Jitter{retryclient.ProportionalJitter, retryclient.FullJitter, retryclient.DecorrelatedJitter} {
			opts := retryclient.RetryOptions{Attempts: 200, StartTimeout: time.Millisecond, MaxTimeout: 3 * time.Millisecond, Jitter: j}
			ws, _, _, _ := waits(t, opts, &script{codes: []int{503}})
			atCap := 0
			distinct := map[time.Duration]bool{}
			for _, w := range ws[5:] {
				if w == 3*time.Millisecond {
					atCap++
				}
				distinct[w] = true
			}
			if atCap > 5 || len(distinct) < 100 {
				t.Errorf("%v: %d of %d waits at exactly MaxTimeout, %d distinct; want spread below the cap", j, atCap, len(ws)-5, len(distinct))
			}
		}
	})
}

func TestCookieJarDoesNotTouchCallerHeaders(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var cookies []string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cookies = append(cookies, r.Header.Get("Cookie"))
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer s.Close()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(s.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "sid", Value: "abc"}})
	c := &retryclient.Client{Client: &http.Client{Jar: jar}, RetryOptions: fast}
	req, _ := http.NewRequest("GET", s.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !slices.Equal(cookies, []string{"sid=abc", "sid=abc", "sid=abc"}) {
		t.Errorf("server saw cookies %q; want sid=abc once per attempt", cookies)
	}
	if len(req.Header) != 0 {
		t.Errorf("caller's headers = %v; want them untouched", req.Header)
	}
}

func TestPostNotReplayedAfterRedirect(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	tests := []struct {
		name   string
		target func(busy string) string
	}{
		{"303 to a refused host", func(string) string { return deadURL + "/gone" }},
		{"303 to a 503", func(busy string) string { return busy }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var orders atomic.Int32
			busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusServiceUnavailable)
			}))
			defer busy.Close()
			shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				orders.Add(1)
				http.Redirect(w, r, tt.target(busy.URL), http.StatusSeeOther)
			}))
			defer shop.Close()
			c := &retryclient.Client{RetryOptions: fast}
			resp, err := c.Post(shop.URL+"/order", "text/plain", strings.NewReader("one book"))
			if err == nil {
				resp.Body.Close()
			}
			if orders.Load() != 1 {
				t.Errorf("orders placed = %d; want 1: a POST that reached the server is not replayed", orders.Load())
			}
		})
	}
}

func TestAttemptTimeoutIsNotCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		})
		c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: retryclient.RetryOptions{StartTimeout: -1, AttemptTimeout: time.Second}}
		start := time.Now()
		_, err := c.Get("http://example.invalid/")
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Errorf("Get() error = %v; want DeadlineExceeded and not Canceled", err)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("Get() took %v; want 3 attempts of 1s", d)
		}
	})
}

// TestAttemptTimeoutCoversThePolicy: the attempt's time runs until its
// outcome is judged, so a Policy that reads a stalled body cannot hold the
// loop past AttemptTimeout; once judged, the body is the caller's to read
// at leisure.
func TestAttemptTimeoutCoversThePolicy(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		arrives time.Duration // when the body's bytes come
		wantErr bool
	}{
		{"policy reads in time, caller reads later", 500 * time.Millisecond, false},
		{"policy read outlives the attempt", 2 * time.Second, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var hits int
				rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
					hits++
					pr, pw := io.Pipe()
					go func() {
						select {
						case <-time.After(tt.arrives):
							pw.Write([]byte("slow body"))
							pw.Close()
						case <-r.Context().Done():
							pw.CloseWithError(r.Context().Err())
						}
					}()
					return &http.Response{StatusCode: 200, Header: http.Header{}, Body: pr}, nil
				})
				opts := retryclient.RetryOptions{Attempts: 2, StartTimeout: -1, AttemptTimeout: time.Second,
					Policy: func(o retryclient.Outcome) (bool, string) {
						if o.Response != nil {
							io.ReadFull(o.Response.Body, make([]byte, 4))
						}
						return retryclient.DefaultPolicy(o)
					}}
				c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: opts}
				start := time.Now()
				resp, err := c.Get("http://example.invalid/")
				if tt.wantErr {
					var ate *retryclient.AttemptTimeoutError
					if !errors.As(err, &ate) || hits != 2 || time.Since(start) != 2*time.Second {
						t.Errorf("Get() = %v after %d attempts in %v; want an AttemptTimeoutError after 2 attempts of 1s", err, hits, time.Since(start))
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				time.Sleep(3 * time.Second) // well past AttemptTimeout
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "slow body" || err != nil || hits != 1 {
					t.Errorf("body = %q, %v after %d attempts; want %q, nil after 1", b, err, hits, "slow body")
				}
			})
		})
	}
}

func TestOddInputsDoNotPanic(t *testing.T) {
	t.Parallel()
	var nilOpts *retryclient.RetryOptions
	if err := nilOpts.Validate(); err != nil {
		t.Errorf("nil Validate() = %v; want nil", err)
	}
	var nilBudget *retryclient.Budget
	if nilBudget.Tokens() != 0 {
		t.Error("nil Budget Tokens() != 0")
	}
	var nilWaits *retryclient.Waits
	bad := retryclient.RetryOptions{Backoff: nilWaits}
	var oe *retryclient.OptionError
	if err := bad.Validate(); !errors.As(err, &oe) || oe.Field != "Backoff" {
		t.Errorf("Validate(nil *Waits) = %v; want an OptionError for Backoff", err)
	}
	if ok, _ := retryclient.DefaultPolicy(retryclient.Outcome{Err: io.ErrUnexpectedEOF}); ok {
		t.Error("DefaultPolicy(no request, EOF) = true; want false: the method is unknown")
	}
	retryclient.DefaultPolicy(retryclient.Outcome{Response: respond(500)})
	retryclient.DefaultPolicy(retryclient.Outcome{})

	nilResp := &retryclient.Transport{Base: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil }),
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1, AttemptTimeout: time.Second}}
	req, _ := http.NewRequest("GET", "http://example.invalid/", nil)
	if _, err := nilResp.RoundTrip(req); err == nil {
		t.Error("RoundTrip with a (nil, nil) base = nil error; want an error")
	}
	nilBody := &retryclient.Transport{Base: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}}, nil
	}), RetryOptions: retryclient.RetryOptions{AttemptTimeout: time.Second}}
	resp, err := nilBody.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestWithRetryOptionsCopiesWaits(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := retryclient.Waits{time.Second}
		ctx := retryclient.WithRetryOptions(context.Background(), retryclient.RetryOptions{Attempts: 2, Backoff: w, Jitter: retryclient.NoJitter})
		w[0] = time.Hour
		c, _ := scriptClient(retryclient.RetryOptions{}, 503)
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if d := time.Since(start); d != time.Second {
			t.Errorf("wait = %v; want the 1s given to WithRetryOptions", d)
		}
	})
}

func TestRedirectDetection(t *testing.T) {
	t.Parallel()
	// A RoundTripper that sends the request elsewhere (a sidecar, a test
	// double) answers for another URL, but nothing was redirected: a
	// POST's 503 stays retryable.
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer s.Close()
	su, _ := url.Parse(s.URL)
	rewriting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.URL.Host, r.URL.User, r.Host = su.Host, nil, ""
		return http.DefaultTransport.RoundTrip(r)
	})
	c := &retryclient.Client{Client: &http.Client{Transport: rewriting}, RetryOptions: fast}
	resp, err := c.Post("http://user:pw@service.invalid/a%2Fb?q=1", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hits.Load() != 3 {
		t.Errorf("POST through a rewriting RoundTripper: attempts = %d; want 3", hits.Load())
	}

	// An opaque URL refused at dial: never sent, so retried.
	dead := httptest.NewServer(http.NotFoundHandler())
	du, _ := url.Parse(dead.URL)
	dead.Close()
	var attempts int
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{AttemptStart: func(retryclient.AttemptStartInfo) { attempts++ }})
	req, _ := http.NewRequestWithContext(ctx, "POST", dead.URL, strings.NewReader("x"))
	req.URL = &url.URL{Scheme: "http", Host: du.Host, Opaque: "//" + du.Host + "/raw%2Fpath"}
	plain := &retryclient.Client{RetryOptions: fast}
	if _, err := plain.Do(req); !errors.Is(err, syscall.ECONNREFUSED) || attempts != 3 {
		t.Errorf("opaque URL refused: %v after %d attempts; want ECONNREFUSED after 3", err, attempts)
	}

	// A 307 asks for the same request elsewhere: the server did not act
	// on it, so a 503 from the target leaves the POST retryable.
	hits.Store(0)
	mover := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.URL, http.StatusTemporaryRedirect)
	}))
	defer mover.Close()
	resp, err = plain.Post(mover.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hits.Load() != 3 {
		t.Errorf("POST 307 then 503: attempts = %d; want 3", hits.Load())
	}
}

func TestCustomGetBodyFailsBeforeTheWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		errGetBody := errors.New("gone")
		c, s := scriptClient(retryclient.RetryOptions{StartTimeout: time.Second}, 503)
		req, _ := http.NewRequest("PUT", "http://example.invalid/", struct{ io.Reader }{strings.NewReader("x")})
		req.GetBody = func() (io.ReadCloser, error) { return nil, errGetBody }
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil || resp.StatusCode != 503 {
			t.Fatalf("Do() = %v, %v; want the 503", resp, err)
		}
		resp.Body.Close()
		if s.hits() != 1 || time.Since(start) != 0 {
			t.Errorf("attempts = %d after %v; want 1 at once", s.hits(), time.Since(start))
		}
	})
}
