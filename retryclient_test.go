package retryclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/retryclient/retryclient"
)

// Compile-time checks that *Client has http.Client's methods with the same
// signatures.
var _ interface {
	Do(*http.Request) (*http.Response, error)
	Get(string) (*http.Response, error)
	Head(string) (*http.Response, error)
	Post(string, string, io.Reader) (*http.Response, error)
	PostForm(string, url.Values) (*http.Response, error)
	CloseIdleConnections()
} = (*retryclient.Client)(nil)

// fast are options that keep real-time tests quick: no waits.
var fast = retryclient.RetryOptions{StartTimeout: -1}

// seedServer is aiohttp_retry's test server: it counts hits per path.
type seedServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSeedServer(t *testing.T) *seedServer {
	t.Helper()
	s := &seedServer{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		n := s.hits[r.URL.Path]
		s.mu.Unlock()
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/ping":
			io.WriteString(w, "Ok!")
		case "/internal_error":
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "boom")
		case "/not_found_error":
			http.NotFound(w, r)
		case "/sometimes_error":
			if n%3 != 0 {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			io.WriteString(w, "Ok!")
		case "/method":
			io.WriteString(w, r.Method)
		case "/status":
			var code int
			fmt.Sscan(r.URL.Query().Get("code"), &code)
			w.WriteHeader(code)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *seedServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func TestSeedScenarios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     retryclient.RetryOptions
		perCall  *retryclient.RetryOptions
		path     string
		wantCode int
		wantHits int
	}{
		{name: "ping", path: "/ping", wantCode: 200, wantHits: 1},
		{name: "sometimes error succeeds on third", path: "/sometimes_error", wantCode: 200, wantHits: 3},
		{name: "internal error five attempts", opts: retryclient.RetryOptions{Attempts: 5}, path: "/internal_error", wantCode: 500, wantHits: 5},
		{name: "not found not retried", path: "/not_found_error", wantCode: 404, wantHits: 1},
		{name: "not found retried with Statuses", opts: retryclient.RetryOptions{Statuses: []int{404}}, path: "/not_found_error", wantCode: 404, wantHits: 3},
		{name: "attempts one", opts: retryclient.RetryOptions{Attempts: 1}, path: "/internal_error", wantCode: 500, wantHits: 1},
		{name: "per-call overrides client", opts: retryclient.RetryOptions{Attempts: 1}, perCall: &retryclient.RetryOptions{Attempts: 5}, path: "/sometimes_error", wantCode: 200, wantHits: 3},
		{name: "per-call replaces whole", opts: retryclient.RetryOptions{Attempts: 5, Statuses: []int{404}}, perCall: &retryclient.RetryOptions{Attempts: 2}, path: "/not_found_error", wantCode: 404, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSeedServer(t)
			opts := tt.opts
			opts.StartTimeout = -1
			c := &retryclient.Client{RetryOptions: opts}
			ctx := context.Background()
			if tt.perCall != nil {
				pc := *tt.perCall
				pc.StartTimeout = -1
				ctx = retryclient.WithRetryOptions(ctx, pc)
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+tt.path, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("Do() error = %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantCode {
				t.Errorf("Do() status = %d; want %d", resp.StatusCode, tt.wantCode)
			}
			if got := s.count(tt.path); got != tt.wantHits {
				t.Errorf("server hits = %d; want %d", got, tt.wantHits)
			}
		})
	}
}

func TestLastResponseReturnedReadable(t *testing.T) {
	t.Parallel()
	s := newSeedServer(t)
	c := &retryclient.Client{RetryOptions: retryclient.RetryOptions{Attempts: 2, StartTimeout: -1}}
	resp, err := c.Get(s.URL + "/internal_error")
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "boom" {
		t.Errorf("last body = %q, %v; want %q, nil", body, err, "boom")
	}
}

func TestVerbsSendTheirMethod(t *testing.T) {
	t.Parallel()
	s := newSeedServer(t)
	c := &retryclient.Client{}
	u := s.URL + "/method"
	tests := []struct {
		want string
		call func() (*http.Response, error)
	}{
		{"GET", func() (*http.Response, error) { return c.Get(u) }},
		{"HEAD", func() (*http.Response, error) { return c.Head(u) }},
		{"OPTIONS", func() (*http.Response, error) { return c.Options(u) }},
		{"DELETE", func() (*http.Response, error) { return c.Delete(u) }},
		{"POST", func() (*http.Response, error) { return c.Post(u, "text/plain", strings.NewReader("x")) }},
		{"PUT", func() (*http.Response, error) { return c.Put(u, "text/plain", strings.NewReader("x")) }},
		{"PATCH", func() (*http.Response, error) { return c.Patch(u, "text/plain", strings.NewReader("x")) }},
		{"POST", func() (*http.Response, error) { return c.PostForm(u, url.Values{"a": {"b"}}) }},
	}
	for _, tt := range tests {
		resp, err := tt.call()
		if err != nil {
			t.Fatalf("%s: error = %v", tt.want, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if tt.want == "HEAD" {
			continue // no body; the status says it arrived
		}
		if string(body) != tt.want {
			t.Errorf("server saw method %q; want %q", body, tt.want)
		}
	}
	c.CloseIdleConnections()
}

func TestZeroClientWorks(t *testing.T) {
	t.Parallel()
	s := newSeedServer(t)
	var c retryclient.Client
	resp, err := c.Get(s.URL + "/sometimes_error")
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || s.count("/sometimes_error") != 3 {
		t.Errorf("Get() = %d after %d hits; want 200 after 3", resp.StatusCode, s.count("/sometimes_error"))
	}
	var nilClient *retryclient.Client
	resp, err = nilClient.Get(s.URL + "/ping")
	if err != nil {
		t.Fatalf("nil Client Get() error = %v", err)
	}
	resp.Body.Close()
}

// roundTripFunc is an in-memory http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func respond(code int, header ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader(http.StatusText(code)))}
}

// script returns a RoundTripper that answers with codes in order (the last
// repeats) and records the attempt number of each request.
type script struct {
	mu       sync.Mutex
	codes    []int
	attempts []int
	header   []string
}

func (s *script) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, retryclient.Attempt(r.Context()))
	code := s.codes[min(len(s.attempts), len(s.codes))-1]
	return respond(code, s.header...), nil
}

func (s *script) hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.attempts)
}

func scriptClient(opts retryclient.RetryOptions, codes ...int) (*retryclient.Client, *script) {
	s := &script{codes: codes}
	return &retryclient.Client{Client: &http.Client{Transport: s}, RetryOptions: opts}, s
}

func TestAttemptNumberInRoundTripper(t *testing.T) {
	t.Parallel()
	c, s := scriptClient(retryclient.RetryOptions{Attempts: 4, StartTimeout: -1}, 503)
	resp, err := c.Get("http://example.invalid/")
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	resp.Body.Close()
	if want := []int{1, 2, 3, 4}; !slices.Equal(s.attempts, want) {
		t.Errorf("attempt numbers = %v; want %v", s.attempts, want)
	}
	if n := retryclient.Attempt(context.Background()); n != 0 {
		t.Errorf("Attempt(Background) = %d; want 0", n)
	}
}

func TestStatusTable(t *testing.T) {
	t.Parallel()
	for code := 100; code <= 599; code++ {
		if code < 200 && code != 100 {
			continue // informational statuses are not final responses
		}
		want := 1
		if code == 408 || code == 429 || code >= 500 && code != 501 && code != 505 {
			want = 3
		}
		c, s := scriptClient(fast, code)
		resp, err := c.Get("http://example.invalid/")
		if err != nil {
			t.Fatalf("status %d: Get() error = %v", code, err)
		}
		resp.Body.Close()
		if s.hits() != want {
			t.Errorf("status %d: attempts = %d; want %d", code, s.hits(), want)
		}
	}
}

func TestMethodTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		header string
		opts   retryclient.RetryOptions
		code   int
		want   int
	}{
		{method: "GET", code: 500, want: 3},
		{method: "HEAD", code: 500, want: 3},
		{method: "OPTIONS", code: 500, want: 3},
		{method: "TRACE", code: 500, want: 3},
		{method: "PUT", code: 500, want: 3},
		{method: "DELETE", code: 500, want: 3},
		{method: "POST", code: 500, want: 1},
		{method: "PATCH", code: 502, want: 1},
		{method: "CONNECT", code: 504, want: 1},
		{method: "POST", code: 503, want: 3},
		{method: "PATCH", code: 429, want: 3},
		{method: "POST", code: 500, header: "Idempotency-Key", want: 3},
		{method: "POST", code: 500, header: "X-Idempotency-Key", want: 3},
		{method: "POST", code: 500, opts: retryclient.RetryOptions{Methods: []string{"post"}}, want: 3},
		{method: "PUT", code: 500, opts: retryclient.RetryOptions{Methods: []string{"GET"}}, want: 1},
		{method: "PUT", code: 503, opts: retryclient.RetryOptions{Methods: []string{}}, want: 3},
		{method: "get", code: 500, want: 3},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s %d %s %v", tt.method, tt.code, tt.header, tt.opts.Methods)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			opts.StartTimeout = -1
			c, s := scriptClient(opts, tt.code)
			req, _ := http.NewRequest(tt.method, "http://example.invalid/", strings.NewReader("body"))
			if tt.header != "" {
				req.Header.Set(tt.header, "k-1")
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("Do() error = %v", err)
			}
			resp.Body.Close()
			if s.hits() != tt.want {
				t.Errorf("attempts = %d; want %d", s.hits(), tt.want)
			}
		})
	}
}

// errTransport fails every attempt with err.
type errTransport struct {
	err  error
	hits atomic.Int32
}

func (e *errTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	e.hits.Add(1)
	if r.Body != nil {
		r.Body.Close()
	}
	return nil, e.err
}

var errCustom = errors.New("custom failure")

func TestErrorTable(t *testing.T) {
	t.Parallel()
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name   string
		method string
		err    error
		opts   retryclient.RetryOptions
		want   int32
	}{
		{name: "refused GET", method: "GET", err: dial, want: 3},
		{name: "refused POST never sent", method: "POST", err: dial, want: 3},
		{name: "reset GET", method: "GET", err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, want: 3},
		{name: "reset POST maybe sent", method: "POST", err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, want: 1},
		{name: "EOF", method: "GET", err: io.EOF, want: 3},
		{name: "unexpected EOF", method: "GET", err: io.ErrUnexpectedEOF, want: 3},
		{name: "timeout", method: "GET", err: timeoutErr{}, want: 3},
		{name: "unknown error", method: "GET", err: errCustom, want: 1},
		{name: "user error list", method: "GET", err: fmt.Errorf("wrapped: %w", errCustom), opts: retryclient.RetryOptions{Errors: []error{errCustom}}, want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			opts.StartTimeout = -1
			et := &errTransport{err: tt.err}
			c := &retryclient.Client{Client: &http.Client{Transport: et}, RetryOptions: opts}
			req, _ := http.NewRequest(tt.method, "http://example.invalid/", nil)
			resp, err := c.Do(req)
			if resp != nil || err == nil {
				t.Fatalf("Do() = %v, %v; want nil, error", resp, err)
			}
			if got := et.hits.Load(); got != tt.want {
				t.Errorf("attempts = %d; want %d", got, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("errors.Is(%v, %v) = false; want true", err, tt.err)
			}
			var ue *url.Error
			if !errors.As(err, &ue) {
				t.Errorf("Do() error %T is not a *url.Error", err)
			}
			var re *retryclient.RetryError
			if got := errors.As(err, &re); got != (tt.want > 1) {
				t.Errorf("errors.As(err, *RetryError) = %v; want %v", got, tt.want > 1)
			} else if got && int32(re.Attempts) != tt.want {
				t.Errorf("RetryError.Attempts = %d; want %d", re.Attempts, tt.want)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestDialErrorRetriedForPOST(t *testing.T) {
	t.Parallel()
	// A real refused connection: net/http reports a *net.OpError "dial".
	s := httptest.NewServer(http.NotFoundHandler())
	addr := s.URL
	s.Close()
	c := &retryclient.Client{RetryOptions: fast}
	var attempts int
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		AttemptStart: func(retryclient.AttemptStartInfo) { attempts++ },
	})
	req, _ := http.NewRequestWithContext(ctx, "POST", addr, strings.NewReader("x"))
	_, err := c.Do(req)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Do() error = %v; want ECONNREFUSED", err)
	}
	if attempts != 3 {
		t.Errorf("attempts = %d; want 3", attempts)
	}
}

func TestBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts  retryclient.RetryOptions
		field string
	}{
		{retryclient.RetryOptions{Attempts: -1}, "Attempts"},
		{retryclient.RetryOptions{Factor: 0.5}, "Factor"},
		{retryclient.RetryOptions{Factor: -2}, "Factor"},
		{retryclient.RetryOptions{Factor: math.NaN()}, "Factor"},
		{retryclient.RetryOptions{Factor: math.Inf(1)}, "Factor"},
		{retryclient.RetryOptions{MaxTimeout: -time.Second}, "MaxTimeout"},
		{retryclient.RetryOptions{StartTimeout: 2 * time.Second, MaxTimeout: time.Second}, "MaxTimeout"},
		{retryclient.RetryOptions{Statuses: []int{503, 42}}, "Statuses[1]"},
		{retryclient.RetryOptions{Errors: []error{nil}}, "Errors[0]"},
		{retryclient.RetryOptions{Methods: []string{"GET", "FETCH"}}, "Methods[1]"},
		{retryclient.RetryOptions{Jitter: 99}, "Jitter"},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
			defer s.Close()
			body := &closeRecorder{Reader: strings.NewReader("x")}
			req, _ := http.NewRequest("PUT", s.URL, body)
			c := &retryclient.Client{RetryOptions: tt.opts}
			resp, err := c.Do(req)
			var oe *retryclient.OptionError
			if resp != nil || !errors.As(err, &oe) {
				t.Fatalf("Do() = %v, %v; want nil, *OptionError", resp, err)
			}
			if oe.Field != tt.field {
				t.Errorf("OptionError.Field = %q; want %q", oe.Field, tt.field)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name %q", err, tt.field)
			}
			if hits.Load() != 0 {
				t.Errorf("server hits = %d; want 0", hits.Load())
			}
			if !body.closed.Load() {
				t.Error("request body not closed")
			}
			if err := tt.opts.Validate(); !errors.As(err, &oe) {
				t.Errorf("Validate() = %v; want *OptionError", err)
			}
		})
	}
	var zero retryclient.RetryOptions
	if err := zero.Validate(); err != nil {
		t.Errorf("zero RetryOptions Validate() = %v; want nil", err)
	}
}

type closeRecorder struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeRecorder) Close() error { c.closed.Store(true); return nil }

func TestNilRequest(t *testing.T) {
	t.Parallel()
	c := &retryclient.Client{}
	if _, err := c.Do(nil); err == nil {
		t.Error("Do(nil) error = nil; want an error")
	}
	if _, err := c.Do(&http.Request{Method: "GET"}); err == nil {
		t.Error("Do(no URL) error = nil; want an error")
	}
	if _, err := c.Get("::bad"); err == nil {
		t.Error(`Get("::bad") error = nil; want an error`)
	}
}

// waits runs a call under fake time and returns the waits the Retry hook
// saw and the total time the call took.
func waits(t *testing.T, opts retryclient.RetryOptions, rt http.RoundTripper) (ws []time.Duration, elapsed time.Duration, resp *http.Response, err error) {
	t.Helper()
	c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: opts}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) { ws = append(ws, i.Wait) },
	})
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
	start := time.Now()
	resp, err = c.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	return ws, time.Since(start), resp, err
}

func TestSchedule(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		opts retryclient.RetryOptions
		want []time.Duration
	}{
		{"defaults", retryclient.RetryOptions{Attempts: 5}, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms}},
		{"factor 3 capped", retryclient.RetryOptions{Attempts: 6, StartTimeout: 10 * ms, Factor: 3, MaxTimeout: 500 * ms}, []time.Duration{10 * ms, 30 * ms, 90 * ms, 270 * ms, 500 * ms}},
		{"constant", retryclient.RetryOptions{Attempts: 4, StartTimeout: 50 * ms, Factor: 1}, []time.Duration{50 * ms, 50 * ms, 50 * ms}},
		{"no wait", retryclient.RetryOptions{Attempts: 3, StartTimeout: -1}, []time.Duration{0, 0}},
		{"huge factor no overflow", retryclient.RetryOptions{Attempts: 4, StartTimeout: ms, Factor: math.MaxFloat64, MaxTimeout: time.Second}, []time.Duration{ms, time.Second, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				opts := tt.opts
				opts.Jitter = retryclient.NoJitter
				s := &script{codes: []int{503}}
				ws, elapsed, _, err := waits(t, opts, s)
				if err != nil {
					t.Fatalf("Do() error = %v", err)
				}
				if !slices.Equal(ws, tt.want) {
					t.Errorf("waits = %v; want %v", ws, tt.want)
				}
				var sum time.Duration
				for _, w := range tt.want {
					sum += w
				}
				if elapsed != sum {
					t.Errorf("elapsed = %v; want %v (no sleep after the last attempt)", elapsed, sum)
				}
			})
		})
	}
}

func TestJitterBounds(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	base := []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1000 * ms}
	tests := []struct {
		jitter retryclient.Jitter
		lo, hi func(time.Duration) time.Duration
	}{
		{retryclient.ProportionalJitter, func(d time.Duration) time.Duration { return d * 8 / 10 }, func(d time.Duration) time.Duration { return d * 12 / 10 }},
		{retryclient.FullJitter, func(time.Duration) time.Duration { return 0 }, func(d time.Duration) time.Duration { return d }},
		{retryclient.DecorrelatedJitter, func(time.Duration) time.Duration { return 100 * ms }, func(time.Duration) time.Duration { return time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.jitter.String(), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				opts := retryclient.RetryOptions{Attempts: 6, MaxTimeout: time.Second, Jitter: tt.jitter}
				distinct := map[time.Duration]bool{}
				for range 20 {
					ws, _, _, _ := waits(t, opts, &script{codes: []int{503}})
					if len(ws) != 5 {
						t.Fatalf("waits = %v; want 5", ws)
					}
					for i, w := range ws {
						lo, hi := tt.lo(base[i]), min(tt.hi(base[i]), time.Second)
						if w < lo || w > hi {
							t.Errorf("wait %d = %v; want in [%v, %v]", i+1, w, lo, hi)
						}
						distinct[w] = true
					}
				}
				if len(distinct) < 10 {
					t.Errorf("only %d distinct waits in 100: jitter is not random", len(distinct))
				}
			})
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	s := time.Second
	tests := []struct {
		name     string
		values   []string
		wantWait time.Duration // wait before attempt 2; -1 = give up after attempt 1
	}{
		{"seconds", []string{"3"}, 3 * s},
		{"seconds below backoff", []string{"0"}, 100 * time.Millisecond},
		{"spaces", []string{" 4 "}, 4 * s},
		{"date", []string{"Sat, 01 Jan 2000 00:00:05 GMT"}, 5 * s},
		{"rfc850 date", []string{"Saturday, 01-Jan-00 00:00:06 GMT"}, 6 * s},
		{"asctime date", []string{"Sat Jan  1 00:00:07 2000"}, 7 * s},
		{"past date", []string{"Fri, 31 Dec 1999 23:59:00 GMT"}, 100 * time.Millisecond},
		{"garbage", []string{"soon"}, 100 * time.Millisecond},
		{"negative", []string{"-1"}, 100 * time.Millisecond},
		{"plus", []string{"+1"}, 100 * time.Millisecond},
		{"fraction", []string{"1.5"}, 100 * time.Millisecond},
		{"two headers", []string{"1", "2"}, 100 * time.Millisecond},
		{"beyond MaxTimeout", []string{"11"}, -1},
		{"overflow", []string{"9223372037"}, -1},
		{"huge", []string{"99999999999999999999"}, -1},
		{"far date", []string{"Fri, 01 Jan 2100 00:00:00 GMT"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				// The fake clock starts at 2000-01-01 00:00:00 UTC.
				var hits int
				rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
					hits++
					resp := respond(503)
					resp.Header["Retry-After"] = tt.values
					return resp, nil
				})
				opts := retryclient.RetryOptions{Attempts: 2, MaxTimeout: 10 * s, Jitter: retryclient.NoJitter}
				ws, elapsed, resp, err := waits(t, opts, rt)
				if err != nil || resp == nil || resp.StatusCode != 503 {
					t.Fatalf("Do() = %v, %v; want the 503", resp, err)
				}
				if tt.wantWait < 0 {
					if hits != 1 || elapsed != 0 {
						t.Errorf("hits = %d after %v; want 1 at once", hits, elapsed)
					}
					return
				}
				if hits != 2 || !slices.Equal(ws, []time.Duration{tt.wantWait}) || elapsed != tt.wantWait {
					t.Errorf("hits = %d, waits = %v, elapsed %v; want 2, [%v], %v", hits, ws, elapsed, tt.wantWait, tt.wantWait)
				}
			})
		})
	}
}

func TestCancelDuringWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, s := scriptClient(retryclient.RetryOptions{StartTimeout: time.Hour, MaxTimeout: time.Hour}, 503)
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		start := time.Now()
		resp, err := c.Do(req)
		if resp != nil || !errors.Is(err, context.Canceled) {
			t.Fatalf("Do() = %v, %v; want nil, context.Canceled", resp, err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("Do() returned after %v; want 1s, at the cancel", d)
		}
		if s.hits() != 1 {
			t.Errorf("attempts = %d; want 1", s.hits())
		}
	})
}

func TestCancelDuringWaitRealTime(t *testing.T) {
	t.Parallel()
	c, _ := scriptClient(retryclient.RetryOptions{StartTimeout: time.Hour, MaxTimeout: time.Hour}, 503)
	ctx, cancel := context.WithCancel(context.Background())
	ctx = retryclient.WithTrace(ctx, &retryclient.Trace{Retry: func(retryclient.RetryInfo) {
		time.AfterFunc(10*time.Millisecond, cancel)
	}})
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
	start := time.Now()
	_, err := c.Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do() error = %v; want context.Canceled", err)
	}
	if d := time.Since(start) - 10*time.Millisecond; d > 10*time.Millisecond {
		t.Errorf("Do() returned %v after the cancel; want under 10ms", d)
	}
}

func TestDeadlineBeforeNextWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var gaveUp string
		c, s := scriptClient(retryclient.RetryOptions{StartTimeout: 2 * time.Second, Jitter: retryclient.NoJitter}, 503)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		ctx = retryclient.WithTrace(ctx, &retryclient.Trace{GiveUp: func(i retryclient.GiveUpInfo) { gaveUp = i.Reason }})
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil || resp.StatusCode != 503 {
			t.Fatalf("Do() = %v, %v; want the 503", resp, err)
		}
		resp.Body.Close()
		if d := time.Since(start); d != 0 || s.hits() != 1 {
			t.Errorf("Do() took %v and %d attempts; want 0s and 1", d, s.hits())
		}
		if gaveUp == "" {
			t.Error("GiveUp hook not called")
		}
	})
}

func TestDeadlineLastErrorKept(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		et := &errTransport{err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
		c := &retryclient.Client{Client: &http.Client{Transport: et}, RetryOptions: retryclient.RetryOptions{StartTimeout: 2 * time.Second}}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
		_, err := c.Do(req)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Do() error = %v; want the last attempt's ECONNREFUSED", err)
		}
		if et.hits.Load() != 2 {
			t.Errorf("attempts = %d; want 2", et.hits.Load())
		}
	})
}

func TestPreCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	c, s := scriptClient(fast, 200)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	body := &closeRecorder{Reader: strings.NewReader("x")}
	req, _ := http.NewRequestWithContext(ctx, "PUT", "http://example.invalid/", body)
	_, err := c.Do(req)
	if !errors.Is(err, context.Canceled) || s.hits() != 0 {
		t.Errorf("Do() = %v after %d attempts; want context.Canceled after 0", err, s.hits())
	}
	if !body.closed.Load() {
		t.Error("request body not closed")
	}
}

func TestClientTimeoutIsPerAttempt(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) < 3 {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Second):
			}
			return
		}
		io.WriteString(w, "ok")
	}))
	defer s.Close()
	c := &retryclient.Client{Client: &http.Client{Timeout: 50 * time.Millisecond}, RetryOptions: fast}
	resp, err := c.Get(s.URL)
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	resp.Body.Close()
	if hits.Load() != 3 {
		t.Errorf("hits = %d; want 3", hits.Load())
	}
}

func TestHTTPTraceOncePerAttempt(t *testing.T) {
	t.Parallel()
	s := newSeedServer(t)
	var got []int
	var mu sync.Mutex
	var reqCtx context.Context
	trace := &httptrace.ClientTrace{
		WroteHeaders: func() {
			mu.Lock()
			got = append(got, 1)
			mu.Unlock()
		},
	}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	c := &retryclient.Client{Client: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		reqCtx = r.Context()
		return http.DefaultTransport.RoundTrip(r)
	})}, RetryOptions: fast}
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/sometimes_error", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do() error = %v", err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Errorf("WroteHeaders fired %d times; want 3 (once per attempt)", len(got))
	}
	if retryclient.Attempt(reqCtx) != 3 {
		t.Errorf("Attempt(last request ctx) = %d; want 3", retryclient.Attempt(reqCtx))
	}
}

func TestHooks(t *testing.T) {
	t.Parallel()
	var log []string
	outer := &retryclient.Trace{
		AttemptStart: func(i retryclient.AttemptStartInfo) {
			log = append(log, fmt.Sprintf("outer start %d/%d", i.Attempt, i.Attempts))
		},
	}
	inner := &retryclient.Trace{
		AttemptStart: func(i retryclient.AttemptStartInfo) { log = append(log, fmt.Sprintf("start %d", i.Attempt)) },
		Retry: func(i retryclient.RetryInfo) {
			log = append(log, fmt.Sprintf("retry %d %s %v", i.Attempt, i.Reason, i.Response.StatusCode))
		},
		GiveUp: func(i retryclient.GiveUpInfo) { log = append(log, fmt.Sprintf("give up %d %s", i.Attempt, i.Reason)) },
	}
	ctx := retryclient.WithTrace(retryclient.WithTrace(context.Background(), outer), inner)
	c, _ := scriptClient(retryclient.RetryOptions{Attempts: 2, StartTimeout: -1}, 502)
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{
		"start 1", "outer start 1/2",
		"retry 1 status 502 502",
		"start 2", "outer start 2/2",
		"give up 2 attempts exhausted",
	}
	if !slices.Equal(log, want) {
		t.Errorf("hooks ran %q; want %q", log, want)
	}
}

func TestCallerRequestUntouched(t *testing.T) {
	t.Parallel()
	c, _ := scriptClient(fast, 503)
	req, _ := http.NewRequest("PUT", "http://example.invalid/x", bytes.NewReader([]byte("payload")))
	req.Header.Set("A", "b")
	before := *req
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.Context() != context.Background() || req.Body != before.Body || len(req.Header) != 1 || req.Header.Get("A") != "b" {
		t.Error("Do() changed the caller's request")
	}
}

func TestConcurrentPerCallOptions(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	counts := map[string]int{}
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		counts[r.Header.Get("X-Id")]++
		mu.Unlock()
		return respond(503), nil
	})
	c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: retryclient.RetryOptions{Attempts: 7}}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			ctx := retryclient.WithRetryOptions(context.Background(), retryclient.RetryOptions{Attempts: i%5 + 1, StartTimeout: -1})
			req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
			req.Header.Set("X-Id", fmt.Sprint(i))
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	for i := range 64 {
		if got := counts[fmt.Sprint(i)]; got != i%5+1 {
			t.Errorf("request %d made %d attempts; want %d", i, got, i%5+1)
		}
	}
}

func TestErrorsRedactSecrets(t *testing.T) {
	t.Parallel()
	s := httptest.NewServer(http.NotFoundHandler())
	u, _ := url.Parse(s.URL)
	s.Close()
	c := &retryclient.Client{RetryOptions: fast}
	_, err := c.Get("http://user:p%40ss@" + u.Host + "/path?token=SECRET")
	if err == nil {
		t.Fatal("Get() error = nil")
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, secret := range []string{"p%40ss", "p@ss", "user", "SECRET"} {
			if strings.Contains(text, secret) {
				t.Errorf("error %q contains %q", text, secret)
			}
		}
	}
}

func TestURLErrorTimeoutThroughRetryError(t *testing.T) {
	t.Parallel()
	et := &errTransport{err: timeoutErr{}}
	c := &retryclient.Client{Client: &http.Client{Transport: et}, RetryOptions: fast}
	_, err := c.Get("http://example.invalid/")
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Errorf("url.Error.Timeout() = false for %v; want true", err)
	}
}
