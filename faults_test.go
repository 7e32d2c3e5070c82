package retryclient_test

// Fault-injection tests: real failures on loopback (refused ports, resets,
// hostile servers, bodies that cannot be replayed, redirects, cancelled
// contexts) and, where time matters, an in-memory RoundTripper under
// testing/synctest. Each test checks four things where they apply: how many
// requests the server saw, how many attempts the retry loop made, the bytes
// of every request body the server received, and what Do returned.
//
// Unless a test says otherwise, attempts go through a fresh http.Transport
// with DisableKeepAlives. net/http retries a request by itself, without
// telling the caller, when a reused keep-alive connection turns out to be
// dead; with a new connection per request it never does, so the server's
// count equals the retry loop's count exactly.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
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

// faultRecorder is a RoundTripper that records the attempt number
// (retryclient.Attempt) of every round trip it passes on, redirects included.
type faultRecorder struct {
	next http.RoundTripper

	mu   sync.Mutex
	seen []int // guarded by mu
}

func (r *faultRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.seen = append(r.seen, retryclient.Attempt(req.Context()))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *faultRecorder) attempts() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

// faultTransport returns a new Transport that opens a new connection for
// every request, so that net/http never retries on its own (see the file
// comment), and closes its connections when t ends.
func faultTransport(t *testing.T) *http.Transport {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// faultClient returns a Client that sends through rt, recording attempt
// numbers, with opts as its options.
func faultClient(rt http.RoundTripper, opts retryclient.RetryOptions) (*retryclient.Client, *faultRecorder) {
	rec := &faultRecorder{next: rt}
	return &retryclient.Client{Client: &http.Client{Transport: rec}, RetryOptions: opts}, rec
}

// faultTrace records the hooks of one call's retry loop.
type faultTrace struct {
	mu      sync.Mutex
	starts  []int           // AttemptStart: attempt numbers
	waits   []time.Duration // Retry: waits chosen
	errs    []error         // Retry: errors handed to the hook, one per retry after an error
	lastErr error           // GiveUp: the error handed to the hook
	giveUps []string        // GiveUp: reasons
	onRetry func(retryclient.RetryInfo)
}

func (f *faultTrace) hooks() *retryclient.Trace {
	return &retryclient.Trace{
		AttemptStart: func(i retryclient.AttemptStartInfo) {
			f.mu.Lock()
			f.starts = append(f.starts, i.Attempt)
			f.mu.Unlock()
		},
		Retry: func(i retryclient.RetryInfo) {
			f.mu.Lock()
			f.waits = append(f.waits, i.Wait)
			if i.Err != nil {
				f.errs = append(f.errs, i.Err)
			}
			hook := f.onRetry
			f.mu.Unlock()
			if hook != nil {
				hook(i)
			}
		},
		GiveUp: func(i retryclient.GiveUpInfo) {
			f.mu.Lock()
			f.giveUps = append(f.giveUps, i.Reason)
			f.lastErr = i.Err
			f.mu.Unlock()
		},
	}
}

// attempts returns how many attempts the loop started.
func (f *faultTrace) attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.starts)
}

// faultRequest returns a request whose context carries a faultTrace.
func faultRequest(t *testing.T, ctx context.Context, method, url string, body io.Reader) (*http.Request, *faultTrace) {
	t.Helper()
	ft := new(faultTrace)
	req, err := http.NewRequestWithContext(retryclient.WithTrace(ctx, ft.hooks()), method, url, body)
	if err != nil {
		t.Fatalf("http.NewRequest(%q, %q) = %v", method, url, err)
	}
	return req, ft
}

// faultSeq returns 1, 2, ..., n.
func faultSeq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// faultSum identifies a request body by length and SHA-256.
type faultSum struct {
	n   int
	sum [sha256.Size]byte
}

func (s faultSum) String() string { return fmt.Sprintf("%d bytes sha256 %x", s.n, s.sum[:6]) }

func faultSumOf(b []byte) faultSum { return faultSum{len(b), sha256.Sum256(b)} }

// faultRandom returns n random bytes.
func faultRandom(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// faultRefusedURL returns a URL on 127.0.0.1 whose port refuses connections:
// it was free a moment ago.
func faultRefusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// faultServer starts an httptest server whose handler is h and whose error
// log is silent, and closes it when t ends.
func faultServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// faultRawServer is a TCP server on 127.0.0.1 that runs one fault on
// every connection it accepts.
type faultRawServer struct {
	url      string
	accepts  atomic.Int64 // connections accepted
	requests atomic.Int64 // request headers read in full
	wg       sync.WaitGroup
}

// A faultConnFunc misbehaves on one accepted connection and closes it.
type faultConnFunc func(s *faultRawServer, c *net.TCPConn)

// faultCloseNow closes the connection at once (FIN).
func faultCloseNow(_ *faultRawServer, c *net.TCPConn) { c.Close() }

// faultResetNow resets the connection at once (RST).
func faultResetNow(_ *faultRawServer, c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

// faultResetAfterHeaders reads the request's headers, then resets the
// connection: the request reached the server, no response comes back.
func faultResetAfterHeaders(s *faultRawServer, c *net.TCPConn) {
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			c.Close()
			return
		}
		if line == "\r\n" {
			break
		}
	}
	s.requests.Add(1)
	c.SetLinger(0)
	c.Close()
}

func faultNewRawServer(t *testing.T, fault faultConnFunc) *faultRawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &faultRawServer{url: "http://" + ln.Addr().String()}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepts.Add(1)
			s.wg.Go(func() { fault(s, c.(*net.TCPConn)) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// faultCheckURLError fails t unless err is a *url.Error, as every error
// from Do must be.
func faultCheckURLError(t *testing.T, err error) {
	t.Helper()
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("Do() error = %T %v; want a *url.Error", err, err)
	}
}

// faultRetryAttempts returns the Attempts of the *RetryError in err, or 0.
func faultRetryAttempts(err error) int {
	var re *retryclient.RetryError
	if !errors.As(err, &re) {
		return 0
	}
	return re.Attempts
}

func faultCloseResp(resp *http.Response) {
	if resp != nil {
		resp.Body.Close()
	}
}

// TestFaultConnectionRefused: nothing listens, so nothing was sent, and
// every method is retried, whatever its body.
func TestFaultConnectionRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		body   func() io.Reader
	}{
		{name: "GET", method: http.MethodGet},
		{name: "POST strings body", method: http.MethodPost, body: func() io.Reader { return strings.NewReader("payload") }},
		{name: "POST plain reader body", method: http.MethodPost, body: func() io.Reader { return struct{ io.Reader }{strings.NewReader("payload")} }},
		{name: "PATCH", method: http.MethodPatch, body: func() io.Reader { return bytes.NewReader([]byte("payload")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
			var body io.Reader
			if tt.body != nil {
				body = tt.body()
			}
			req, ft := faultRequest(t, context.Background(), tt.method, faultRefusedURL(t)+"/", body)
			resp, err := c.Do(req)
			faultCloseResp(resp)
			if resp != nil || err == nil {
				t.Fatalf("Do() = %v, %v; want nil, an error", resp, err)
			}
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("Do() error = %v; want errors.Is(err, syscall.ECONNREFUSED)", err)
			}
			faultCheckURLError(t, err)
			if got := faultRetryAttempts(err); got != 3 {
				t.Errorf("Do() error = %v; want a *RetryError with Attempts 3, got Attempts %d", err, got)
			}
			if got := ft.attempts(); got != 3 {
				t.Errorf("AttemptStart calls = %d; want 3", got)
			}
			if got, want := rec.attempts(), faultSeq(3); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
		})
	}
}

// faultMaybeSent reports whether err leaves open that the request reached
// the server: a failure on an established connection, while writing the
// request or reading the response. A failed dial proves the opposite.
func faultMaybeSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNRESET, syscall.EPIPE, net.ErrClosed} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// faultDialAfterClose returns a Transport whose connections are handed to
// net/http only once the server has closed them, so that the request is
// written to a connection already known to be dead.
func faultDialAfterClose(t *testing.T) *http.Transport {
	t.Helper()
	tr := faultTransport(t)
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		// A read of a closed TCP stream returns io.EOF, and keeps doing
		// so: nothing is consumed that net/http would miss.
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		c.Read(make([]byte, 1))
		c.SetReadDeadline(time.Time{})
		return c, nil
	}
	return tr
}

// TestFaultRawConnection: servers that hang up. A GET and a POST with an
// Idempotency-Key are retried; a plain POST is retried only when it provably
// never reached the server, and never once the server read it.
func TestFaultRawConnection(t *testing.T) {
	t.Parallel()
	// Where the server hangs up before reading, the client sees a failed
	// dial (possible on some network stacks), a reset or EOF on an
	// established connection, or net/http's unexported "server closed idle
	// connection", which errors.Is cannot name: wantErr is nil there.
	faults := []struct {
		name      string
		fault     faultConnFunc
		transport func(t *testing.T) *http.Transport
		wantErr   []error // if not nil, errors.Is must find one of them
		headers   bool    // the server reads the request's headers
	}{
		{name: "close at once", fault: faultCloseNow, transport: faultTransport},
		{name: "close before the request is written", fault: faultCloseNow, transport: faultDialAfterClose},
		{name: "reset at once", fault: faultResetNow, transport: faultTransport, wantErr: []error{syscall.ECONNRESET, syscall.EPIPE, net.ErrClosed}},
		{name: "reset after headers", fault: faultResetAfterHeaders, transport: faultTransport, wantErr: []error{syscall.ECONNRESET, syscall.EPIPE, net.ErrClosed, io.EOF}, headers: true},
	}
	requests := []struct {
		name   string
		method string
		key    bool
		safe   bool // retried whatever the failure
	}{
		{name: "GET", method: http.MethodGet, safe: true},
		{name: "POST", method: http.MethodPost},
		{name: "POST with Idempotency-Key", method: http.MethodPost, key: true, safe: true},
	}
	for _, f := range faults {
		for _, r := range requests {
			t.Run(f.name+"/"+r.name, func(t *testing.T) {
				t.Parallel()
				srv := faultNewRawServer(t, f.fault)
				c, rec := faultClient(f.transport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
				var body io.Reader
				if r.method == http.MethodPost {
					body = strings.NewReader("payload")
				}
				req, ft := faultRequest(t, context.Background(), r.method, srv.url+"/x", body)
				if r.key {
					req.Header.Set("Idempotency-Key", "k-1")
				}
				resp, err := c.Do(req)
				faultCloseResp(resp)
				if resp != nil || err == nil {
					t.Fatalf("Do() = %v, %v; want nil, an error", resp, err)
				}
				if f.wantErr != nil && !slices.ContainsFunc(f.wantErr, func(target error) bool { return errors.Is(err, target) }) {
					t.Errorf("Do() error = %v; want errors.Is to find one of %v", err, f.wantErr)
				}
				faultCheckURLError(t, err)
				attempts := ft.attempts()
				switch {
				case r.safe:
					if attempts != 3 || faultRetryAttempts(err) != 3 {
						t.Errorf("Do() made %d attempts, error %v; want 3 attempts and a *RetryError with Attempts 3", attempts, err)
					}
				case f.headers:
					if attempts != 1 {
						t.Errorf("Do() made %d attempts, error %v; want 1: the server read the POST", attempts, err)
					}
				default:
					// A POST may be retried only after failures that
					// prove it was never sent.
					for i, e := range ft.errs {
						if faultMaybeSent(e) {
							t.Errorf("attempt %d failed with %v and was retried; want no retry of a POST that may have been sent", i+1, e)
						}
					}
				}
				if got, want := rec.attempts(), faultSeq(attempts); !slices.Equal(got, want) {
					t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
				}
				if got := srv.accepts.Load(); got != int64(attempts) {
					t.Errorf("server accepted %d connections; want one per attempt, %d", got, attempts)
				}
				if f.headers {
					// Counted before the reset, hence before Do saw it.
					if got := srv.requests.Load(); got != int64(attempts) {
						t.Errorf("server read %d requests; want %d", got, attempts)
					}
				}
			})
		}
	}
}

// faultErrAfterReader returns limit bytes of data, then err.
type faultErrAfterReader struct {
	data  []byte
	limit int
	err   error
	off   int
}

func (r *faultErrAfterReader) Read(p []byte) (int, error) {
	if r.off >= r.limit {
		return 0, r.err
	}
	n := copy(p, r.data[r.off:r.limit])
	r.off += n
	return n, nil
}

var (
	errFaultBody    = errors.New("fault: request body broke")
	errFaultGetBody = errors.New("fault: GetBody broke")
)

// TestFaultBodyReplay: a PUT to a server that answers 503, 503, 200. Every
// body the server receives in full must be the original, byte for byte.
func TestFaultBodyReplay(t *testing.T) {
	t.Parallel()
	const fileSize = 1 << 20
	type body struct {
		r     io.Reader
		want  []byte              // the bytes every attempt must send
		size  int64               // if > 0, set as the request's ContentLength
		check func(t *testing.T)  // runs after Do
		prep  func(*http.Request) // adjusts the request
	}
	tests := []struct {
		name         string
		opts         retryclient.RetryOptions
		body         func(t *testing.T) body
		wantAttempts int
		wantComplete int   // bodies the server must receive in full
		wantStatus   int   // 0 when an error is expected
		wantErr      error // with errors.Is
	}{
		{
			name: "bytes.Reader",
			body: func(t *testing.T) body {
				b := faultRandom(t, 64<<10)
				return body{r: bytes.NewReader(b), want: b}
			},
			wantAttempts: 3, wantComplete: 3, wantStatus: 200,
		},
		{
			name: "strings.Reader",
			body: func(t *testing.T) body {
				s := strings.Repeat("retry me; ", 5000)
				return body{r: strings.NewReader(s), want: []byte(s)}
			},
			wantAttempts: 3, wantComplete: 3, wantStatus: 200,
		},
		{
			name: "os.File, unknown length",
			body: func(t *testing.T) body {
				f, b := faultFile(t, fileSize)
				return body{r: f, want: b, check: faultCheckClosed(f)}
			},
			wantAttempts: 3, wantComplete: 3, wantStatus: 200,
		},
		{
			name: "os.File with ContentLength",
			body: func(t *testing.T) body {
				f, b := faultFile(t, fileSize)
				return body{r: f, want: b, size: fileSize, check: faultCheckClosed(f)}
			},
			wantAttempts: 3, wantComplete: 3, wantStatus: 200,
		},
		{
			name: "os.File read from offset 1000",
			body: func(t *testing.T) body {
				f, b := faultFile(t, fileSize)
				if _, err := f.Seek(1000, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				return body{r: f, want: b[1000:], check: faultCheckClosed(f)}
			},
			wantAttempts: 3, wantComplete: 3, wantStatus: 200,
		},
		{
			name: "plain reader under the buffer cap",
			body: func(t *testing.T) body {
				b := faultRandom(t, 64<<10)
				return body{r: struct{ io.Reader }{bytes.NewReader(b)}, want: b}
			},
			wantAttempts: 3, wantComplete: 3, wantStatus: 200,
		},
		{
			name: "plain reader exactly at the buffer cap",
			opts: retryclient.RetryOptions{MaxBufferedBody: 1024},
			body: func(t *testing.T) body {
				b := faultRandom(t, 1024)
				return body{r: struct{ io.Reader }{bytes.NewReader(b)}, want: b}
			},
			wantAttempts: 3, wantComplete: 3, wantStatus: 200,
		},
		{
			name: "plain reader over the buffer cap",
			opts: retryclient.RetryOptions{MaxBufferedBody: 1024},
			body: func(t *testing.T) body {
				b := faultRandom(t, 4096)
				return body{r: struct{ io.Reader }{bytes.NewReader(b)}, want: b}
			},
			wantAttempts: 1, wantComplete: 1, wantStatus: 503,
		},
		{
			name: "io.Pipe",
			body: func(t *testing.T) body {
				b := faultRandom(t, 64<<10)
				pr, pw := io.Pipe()
				done := make(chan error, 1)
				go func() {
					_, err := pw.Write(b)
					pw.Close()
					done <- err
				}()
				check := func(t *testing.T) {
					select {
					case err := <-done:
						if err != nil {
							t.Errorf("pipe writer: %v; want the whole body read", err)
						}
					case <-time.After(5 * time.Second):
						pr.Close()
						<-done
						t.Errorf("pipe writer still blocked after Do returned")
					}
				}
				return body{r: pr, want: b, check: check}
			},
			wantAttempts: 1, wantComplete: 1, wantStatus: 503,
		},
		{
			name: "body fails after 10 bytes",
			body: func(t *testing.T) body {
				b := faultRandom(t, 100)
				return body{r: &faultErrAfterReader{data: b, limit: 10, err: errFaultBody}, want: b}
			},
			wantAttempts: 1, wantComplete: 0, wantErr: errFaultBody,
		},
		{
			name: "GetBody fails on the retry",
			body: func(t *testing.T) body {
				b := faultRandom(t, 1000)
				prep := func(req *http.Request) {
					req.GetBody = func() (io.ReadCloser, error) { return nil, errFaultGetBody }
				}
				return body{r: bytes.NewReader(b), want: b, prep: prep}
			},
			// GetBody is called before the wait, while the 503 can still
			// be returned: the caller gets it, as for any body that
			// cannot be sent again.
			wantAttempts: 1, wantComplete: 1, wantStatus: http.StatusServiceUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu       sync.Mutex
				received []faultSum // complete bodies, in order
				broken   int        // bodies that could not be read in full
			)
			ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				mu.Lock()
				if err != nil {
					broken++
					mu.Unlock()
					return
				}
				received = append(received, faultSumOf(b))
				n := len(received)
				mu.Unlock()
				if n <= 2 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusOK)
			})
			b := tt.body(t)
			opts := tt.opts
			opts.Attempts, opts.StartTimeout = 3, -1
			c, rec := faultClient(faultTransport(t), opts)
			req, ft := faultRequest(t, context.Background(), http.MethodPut, ts.URL+"/upload", b.r)
			if b.size > 0 {
				req.ContentLength = b.size
			}
			if b.prep != nil {
				b.prep(req)
			}
			resp, err := c.Do(req)
			if resp != nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			switch {
			case tt.wantErr != nil:
				if resp != nil || !errors.Is(err, tt.wantErr) {
					t.Errorf("Do() = %v, %v; want nil, an error that errors.Is %v", resp, err, tt.wantErr)
				}
				faultCheckURLError(t, err)
			case err != nil || resp == nil || resp.StatusCode != tt.wantStatus:
				t.Errorf("Do() = %v, %v; want status %d, nil", resp, err, tt.wantStatus)
			}
			if got := ft.attempts(); got != tt.wantAttempts {
				t.Errorf("AttemptStart calls = %d; want %d", got, tt.wantAttempts)
			}
			if got, want := rec.attempts(), faultSeq(tt.wantAttempts); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
			want := faultSumOf(b.want)
			mu.Lock()
			defer mu.Unlock()
			if len(received) != tt.wantComplete {
				t.Errorf("server received %d complete bodies (%d broken); want %d", len(received), broken, tt.wantComplete)
			}
			for i, got := range received {
				if got != want {
					t.Errorf("attempt %d: server received %v; want %v", i+1, got, want)
				}
			}
			if b.check != nil {
				b.check(t)
			}
		})
	}
}

// faultFile returns a regular file holding size random bytes, and the bytes.
func faultFile(t *testing.T, size int) (*os.File, []byte) {
	t.Helper()
	b := faultRandom(t, size)
	name := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, b
}

// faultCheckClosed returns a check that f gets closed, as http.Client
// closes a request body. As with http.Client, the close may come a moment
// after Do returns: the Transport closes the last attempt's body from its
// writer goroutine, which may still be finishing when the response arrives
// (with a Content-Length, net/http reads once more to check for extra
// bytes), and the caller's file is closed after every attempt's body is.
func faultCheckClosed(f *os.File) func(t *testing.T) {
	return func(t *testing.T) {
		t.Helper()
		var err error
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if _, err = f.Read(make([]byte, 1)); errors.Is(err, os.ErrClosed) {
				return
			}
		}
		t.Errorf("file Read 2s after Do() = %v; want os.ErrClosed (the body must be closed)", err)
	}
}

// faultPattern is the body of the 503 for hit n: distinct per hit, larger
// than any drain limit.
func faultPattern(n int) []byte {
	return bytes.Repeat([]byte("response of hit "+strconv.Itoa(n)+"; "), 10000)
}

// TestFaultLastResponseIntact: after Attempts 503s, the last one comes back as
// it is, its whole body readable.
func TestFaultLastResponseIntact(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1))
		w.Header().Set("X-Hit", strconv.Itoa(n))
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(faultPattern(n))
	})
	c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
	// An httptrace.ClientTrace of the caller's fires once per attempt, not
	// once per attempt so far.
	var gotConn, wrote atomic.Int64
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { gotConn.Add(1) },
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Add(1) },
	})
	req, ft := faultRequest(t, ctx, http.MethodGet, ts.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do() = %v, %v; want a 503, nil", resp, err)
	}
	if gotConn.Load() != 3 || wrote.Load() != 3 {
		t.Errorf("httptrace GotConn, WroteRequest calls = %d, %d; want 3, 3", gotConn.Load(), wrote.Load())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("X-Hit") != "3" {
		t.Errorf("Do() = status %d, X-Hit %q; want 503, \"3\"", resp.StatusCode, resp.Header.Get("X-Hit"))
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("reading the returned body: %v; want no error", err)
	}
	if g, w := faultSumOf(got), faultSumOf(faultPattern(3)); g != w {
		t.Errorf("returned body = %v; want %v", g, w)
	}
	if got := hits.Load(); got != 3 {
		t.Errorf("server hits = %d; want 3", got)
	}
	if got := ft.attempts(); got != 3 {
		t.Errorf("AttemptStart calls = %d; want 3", got)
	}
	if got, want := rec.attempts(), faultSeq(3); !slices.Equal(got, want) {
		t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
	}
}

// TestFaultEndlessBody: a 503 whose body never ends, flooding or dripping,
// must not stall the loop when it drains the responses it discards.
// Not parallel: it checks that no goroutine outlives it.
func TestFaultEndlessBody(t *testing.T) {
	tests := []struct {
		name  string
		chunk int
		every time.Duration
	}{
		{name: "flood", chunk: 32 << 10},
		{name: "drip", chunk: 1, every: 5 * time.Millisecond},
		{name: "drip with Content-Length", chunk: 1, every: 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeaks(t)
			var hits atomic.Int64
			ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if strings.Contains(tt.name, "Content-Length") {
					w.Header().Set("Content-Length", "100000000")
				}
				w.WriteHeader(http.StatusServiceUnavailable)
				rc := http.NewResponseController(w)
				chunk := bytes.Repeat([]byte("x"), tt.chunk)
				stop := time.Now().Add(5 * time.Second) // bound the loop whatever happens
				for time.Now().Before(stop) && r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					if err := rc.Flush(); err != nil {
						return
					}
					if tt.every > 0 {
						select {
						case <-r.Context().Done():
							return
						case <-time.After(tt.every):
						}
					}
				}
			})
			c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, ft := faultRequest(t, ctx, http.MethodGet, ts.URL, nil)
			start := time.Now()
			resp, err := c.Do(req)
			elapsed := time.Since(start)
			faultCloseResp(resp)
			if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("Do() = %v, %v; want a 503, nil", resp, err)
			}
			if elapsed > 2*time.Second {
				t.Errorf("Do() took %v; want well under 2s", elapsed)
			}
			if got := hits.Load(); got != 3 {
				t.Errorf("server hits = %d; want 3", got)
			}
			if got := ft.attempts(); got != 3 {
				t.Errorf("AttemptStart calls = %d; want 3", got)
			}
			if got, want := rec.attempts(), faultSeq(3); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
		})
	}
}

// TestFaultSingleConnectionPool: with one connection per host, every
// discarded response must give its connection back (drained and reused, or
// closed), or the third attempt waits forever.
// Not parallel: it checks that no goroutine outlives it.
func TestFaultSingleConnectionPool(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		chunked bool
	}{
		{name: "small body", size: 1 << 10},
		{name: "body beyond any drain limit", size: 1 << 20},
		{name: "chunked body", size: 8 << 10, chunked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeaks(t)
			var hits atomic.Int64
			ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				b := bytes.Repeat([]byte("y"), tt.size)
				if !tt.chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(b)))
				}
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write(b)
			})
			tr := &http.Transport{MaxConnsPerHost: 1}
			t.Cleanup(tr.CloseIdleConnections)
			c, rec := faultClient(tr, retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			for call := 1; call <= 2; call++ {
				req, ft := faultRequest(t, ctx, http.MethodGet, ts.URL, nil)
				resp, err := c.Do(req)
				if err != nil {
					t.Fatalf("call %d: Do() = %v, %v; want a 503, nil", call, resp, err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusServiceUnavailable || err != nil || n != int64(tt.size) {
					t.Errorf("call %d: Do() = status %d, %d body bytes (%v); want 503, %d bytes", call, resp.StatusCode, n, err, tt.size)
				}
				if got := ft.attempts(); got != 3 {
					t.Errorf("call %d: AttemptStart calls = %d; want 3", call, got)
				}
			}
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("two calls took %v; want well under 3s", elapsed)
			}
			if got := hits.Load(); got != 6 {
				t.Errorf("server hits = %d; want 6", got)
			}
			if got, want := rec.attempts(), append(faultSeq(3), faultSeq(3)...); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
		})
	}
}

// TestFaultRetryAfter: the wait after a 503 is the larger of the backoff and
// a valid Retry-After; garbage is ignored; a hint beyond MaxTimeout returns
// the 503 at once. Fake time: the waits are exact.
func TestFaultRetryAfter(t *testing.T) {
	t.Parallel()
	const backoff = 100 * time.Millisecond
	date := func(d time.Duration, layout string) func(now time.Time) []string {
		return func(now time.Time) []string {
			s := now.Add(d).UTC().Format(layout)
			return []string{strings.Replace(s, "UTC", "GMT", 1)}
		}
	}
	values := func(v ...string) func(time.Time) []string {
		return func(time.Time) []string { return v }
	}
	tests := []struct {
		name       string
		header     func(now time.Time) []string
		start      time.Duration // StartTimeout; 0 means backoff
		maxTimeout time.Duration
		wantWait   time.Duration
		wantGiveUp bool // the 503 comes back after one attempt, at once
	}{
		{name: "no header", header: values(), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "1 second", header: values("1"), maxTimeout: 2 * time.Second, wantWait: time.Second},
		{name: "hint equal to MaxTimeout", header: values("2"), maxTimeout: 2 * time.Second, wantWait: 2 * time.Second},
		{name: "hint shorter than the backoff", header: values("1"), start: 1500 * time.Millisecond, maxTimeout: 2 * time.Second, wantWait: 1500 * time.Millisecond},
		{name: "zero", header: values("0"), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "3600 over MaxTimeout 1s", header: values("3600"), maxTimeout: time.Second, wantGiveUp: true},
		{name: "plus sign", header: values("+1"), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "fraction", header: values("1.5"), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "negative", header: values("-1"), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "empty", header: values(""), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "words", header: values("soon"), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "spaces around", header: values(" 42 "), maxTimeout: time.Minute, wantWait: 42 * time.Second},
		{name: "one past the longest Duration", header: values("9223372037"), maxTimeout: time.Minute, wantGiveUp: true},
		{name: "20 digits", header: values("99999999999999999999"), maxTimeout: time.Minute, wantGiveUp: true},
		{name: "two headers", header: values("1", "1"), maxTimeout: 2 * time.Second, wantWait: backoff},
		{name: "RFC 1123 date in 10s", header: date(10*time.Second, http.TimeFormat), maxTimeout: 20 * time.Second, wantWait: 10 * time.Second},
		{name: "RFC 850 date in 10s", header: date(10*time.Second, time.RFC850), maxTimeout: 20 * time.Second, wantWait: 10 * time.Second},
		{name: "asctime date in 10s", header: date(10*time.Second, time.ANSIC), maxTimeout: 20 * time.Second, wantWait: 10 * time.Second},
		{name: "date in an hour over MaxTimeout", header: date(time.Hour, http.TimeFormat), maxTimeout: 20 * time.Second, wantGiveUp: true},
		{name: "date in the past", header: date(-time.Hour, http.TimeFormat), maxTimeout: 20 * time.Second, wantWait: backoff},
		{name: "date now", header: date(0, http.TimeFormat), maxTimeout: 20 * time.Second, wantWait: backoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var hits atomic.Int64
				now := time.Now()
				rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
					hits.Add(1)
					h := http.Header{}
					if v := tt.header(now); len(v) > 0 {
						h["Retry-After"] = v
					}
					return &http.Response{
						Status: "503 Service Unavailable", StatusCode: http.StatusServiceUnavailable,
						Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
						Header: h, Body: io.NopCloser(strings.NewReader("x")), ContentLength: 1,
						Request: req,
					}, nil
				})
				start := tt.start
				if start == 0 {
					start = backoff
				}
				c, rec := faultClient(rt, retryclient.RetryOptions{
					Attempts: 2, StartTimeout: start, MaxTimeout: tt.maxTimeout, Jitter: retryclient.NoJitter,
				})
				req, ft := faultRequest(t, context.Background(), http.MethodGet, "http://fault.test/", nil)
				resp, err := c.Do(req)
				elapsed := time.Since(now)
				faultCloseResp(resp)
				if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
					t.Fatalf("Do() = %v, %v; want the 503, nil", resp, err)
				}
				for _, w := range ft.waits {
					if w < 0 || w > tt.maxTimeout {
						t.Errorf("Retry wait = %v; want within [0, %v]", w, tt.maxTimeout)
					}
				}
				if tt.wantGiveUp {
					if hits.Load() != 1 || len(ft.waits) != 0 || elapsed != 0 || len(ft.giveUps) != 1 {
						t.Errorf("Do() made %d attempts, waits %v, took %v, GiveUp %q; want 1 attempt, no wait, at once, one GiveUp",
							hits.Load(), ft.waits, elapsed, ft.giveUps)
					}
					return
				}
				if got := hits.Load(); got != 2 {
					t.Errorf("hits = %d; want 2", got)
				}
				if got, want := rec.attempts(), faultSeq(2); !slices.Equal(got, want) {
					t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
				}
				if !slices.Equal(ft.waits, []time.Duration{tt.wantWait}) {
					t.Errorf("Retry waits = %v; want [%v]", ft.waits, tt.wantWait)
				}
				if elapsed != tt.wantWait {
					t.Errorf("Do() took %v; want %v (one wait, none after the last attempt)", elapsed, tt.wantWait)
				}
			})
		})
	}
}

// TestFaultUntrustedTLS: a certificate the client does not trust is not
// fixed by a retry.
func TestFaultUntrustedTLS(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	tr := &http.Transport{} // trusts the system roots, not the test certificate
	t.Cleanup(tr.CloseIdleConnections)
	c, rec := faultClient(tr, retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
	req, ft := faultRequest(t, context.Background(), http.MethodGet, ts.URL, nil)
	resp, err := c.Do(req)
	faultCloseResp(resp)
	if resp != nil || err == nil {
		t.Fatalf("Do() = %v, %v; want nil, a certificate error", resp, err)
	}
	var cve *tls.CertificateVerificationError
	if !errors.As(err, &cve) {
		t.Errorf("Do() error = %v; want a *tls.CertificateVerificationError", err)
	}
	faultCheckURLError(t, err)
	if got := ft.attempts(); got != 1 {
		t.Errorf("AttemptStart calls = %d; want 1", got)
	}
	if got := rec.attempts(); !slices.Equal(got, []int{1}) {
		t.Errorf("Attempt() in RoundTripper = %v; want [1]", got)
	}
	if got := hits.Load(); got != 0 {
		t.Errorf("handler hits = %d; want 0", got)
	}
}

var errFaultRedirect = errors.New("fault: redirect refused")

// TestFaultRedirectLoop: errors from CheckRedirect, the default "stopped
// after 10 redirects" included, are never retried.
func TestFaultRedirectLoop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		check     func(*http.Request, []*http.Request) error
		wantErr   error // with errors.Is, if not nil
		wantTrips int   // round trips of the single attempt
	}{
		{name: "default policy", wantTrips: 10}, // the first request and 9 redirects; the 10th is refused
		{name: "CheckRedirect error", check: func(*http.Request, []*http.Request) error { return errFaultRedirect }, wantErr: errFaultRedirect, wantTrips: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int64
			ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				http.Redirect(w, r, "/loop", http.StatusFound)
			})
			c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
			c.CheckRedirect = tt.check
			req, ft := faultRequest(t, context.Background(), http.MethodGet, ts.URL+"/loop", nil)
			resp, err := c.Do(req)
			faultCloseResp(resp)
			if err == nil {
				t.Fatalf("Do() = %v, nil; want a redirect error", resp)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Do() error = %v; want errors.Is(err, %v)", err, tt.wantErr)
			}
			faultCheckURLError(t, err)
			if got := ft.attempts(); got != 1 {
				t.Errorf("AttemptStart calls = %d; want 1", got)
			}
			if got, want := rec.attempts(), slices.Repeat([]int{1}, tt.wantTrips); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
			if got := hits.Load(); got != int64(tt.wantTrips) {
				t.Errorf("server hits = %d; want %d", got, tt.wantTrips)
			}
		})
	}
}

// TestFaultRedirect307Body: net/http follows a 307 with a body only through
// GetBody, so every attempt's request must carry one; the target receives
// the body intact, after a retry too.
func TestFaultRedirect307Body(t *testing.T) {
	t.Parallel()
	bodies := []struct {
		name string
		make func(t *testing.T) (io.Reader, []byte)
	}{
		{name: "bytes.Reader", make: func(t *testing.T) (io.Reader, []byte) {
			b := faultRandom(t, 32<<10)
			return bytes.NewReader(b), b
		}},
		{name: "strings.Reader", make: func(t *testing.T) (io.Reader, []byte) {
			s := strings.Repeat("redirect me; ", 3000)
			return strings.NewReader(s), []byte(s)
		}},
		{name: "os.File", make: func(t *testing.T) (io.Reader, []byte) {
			return faultFile(t, 256<<10)
		}},
	}
	for _, bt := range bodies {
		for _, retryFirst := range []bool{false, true} {
			name := bt.name
			if retryFirst {
				name += "/after a 503"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var (
					mu            sync.Mutex
					start, target []faultSum
				)
				ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
					b, err := io.ReadAll(r.Body)
					if err != nil {
						return
					}
					mu.Lock()
					defer mu.Unlock()
					if r.URL.Path == "/target" {
						target = append(target, faultSumOf(b))
						w.WriteHeader(http.StatusCreated)
						return
					}
					start = append(start, faultSumOf(b))
					if retryFirst && len(start) == 1 {
						w.WriteHeader(http.StatusServiceUnavailable)
						return
					}
					http.Redirect(w, r, "/target", http.StatusTemporaryRedirect)
				})
				c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
				body, want := bt.make(t)
				req, ft := faultRequest(t, context.Background(), http.MethodPost, ts.URL+"/start", body)
				resp, err := c.Do(req)
				faultCloseResp(resp)
				if err != nil || resp.StatusCode != http.StatusCreated {
					t.Fatalf("Do() = %v, %v; want 201 from the redirect target, nil", resp, err)
				}
				attempts, trips := 1, []int{1, 1}
				if retryFirst {
					attempts, trips = 2, []int{1, 2, 2}
				}
				if got := ft.attempts(); got != attempts {
					t.Errorf("AttemptStart calls = %d; want %d", got, attempts)
				}
				if got := rec.attempts(); !slices.Equal(got, trips) {
					t.Errorf("Attempt() in RoundTripper = %v; want %v", got, trips)
				}
				w := faultSumOf(want)
				mu.Lock()
				defer mu.Unlock()
				if len(start) != attempts || len(target) != 1 {
					t.Errorf("server received %d bodies at /start, %d at /target; want %d, 1", len(start), len(target), attempts)
				}
				for i, got := range append(slices.Clone(start), target...) {
					if got != w {
						t.Errorf("body %d: server received %v; want %v", i+1, got, w)
					}
				}
			})
		}
	}
}

// TestFaultCrossHostRedirect: after a retry, a redirect to another host must
// not carry the caller's Authorization or Cookie header there.
func TestFaultCrossHostRedirect(t *testing.T) {
	t.Parallel()
	type seen struct{ auth, cookie, custom string }
	var (
		mu           sync.Mutex
		first, other []seen
	)
	record := func(to *[]seen, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		*to = append(*to, seen{r.Header.Get("Authorization"), r.Header.Get("Cookie"), r.Header.Get("X-Custom")})
	}
	second := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		record(&other, r)
		w.WriteHeader(http.StatusOK)
	})
	// Same address, another host name: net/http compares host names.
	secondURL := strings.Replace(second.URL, "127.0.0.1", "localhost", 1) + "/landing"
	ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		record(&first, r)
		mu.Lock()
		n := len(first)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, secondURL, http.StatusFound)
	})
	c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
	req, ft := faultRequest(t, context.Background(), http.MethodGet, ts.URL+"/", nil)
	req.Header.Set("Authorization", "Bearer SECRET")
	req.Header.Set("Cookie", "session=SECRET")
	req.Header.Set("X-Custom", "kept")
	resp, err := c.Do(req)
	faultCloseResp(resp)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("Do() = %v, %v; want 200 from the second host, nil", resp, err)
	}
	if got := ft.attempts(); got != 2 {
		t.Errorf("AttemptStart calls = %d; want 2", got)
	}
	if got, want := rec.attempts(), []int{1, 2, 2}; !slices.Equal(got, want) {
		t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	want := seen{"Bearer SECRET", "session=SECRET", "kept"}
	if len(first) != 2 || first[0] != want || first[1] != want {
		t.Errorf("first host saw %+v; want two requests with %+v", first, want)
	}
	if want := []seen{{custom: "kept"}}; !slices.Equal(other, want) {
		t.Errorf("second host saw %+v; want %+v (no Authorization, no Cookie)", other, want)
	}
}

// TestFaultContext: the caller's context bounds the whole call.
func TestFaultContext(t *testing.T) {
	t.Parallel()
	t.Run("cancelled before the call", func(t *testing.T) {
		t.Parallel()
		bodies := []struct {
			name string
			body func() io.Reader
		}{
			{name: "no body"},
			{name: "strings body", body: func() io.Reader { return strings.NewReader("payload") }},
			{name: "plain reader body", body: func() io.Reader { return struct{ io.Reader }{strings.NewReader("payload")} }},
		}
		for _, bt := range bodies {
			t.Run(bt.name, func(t *testing.T) {
				t.Parallel()
				var hits atomic.Int64
				ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
				c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				var body io.Reader
				if bt.body != nil {
					body = bt.body()
				}
				req, ft := faultRequest(t, ctx, http.MethodPut, ts.URL, body)
				resp, err := c.Do(req)
				faultCloseResp(resp)
				if resp != nil || !errors.Is(err, context.Canceled) {
					t.Errorf("Do() = %v, %v; want nil, context.Canceled", resp, err)
				}
				faultCheckURLError(t, err)
				if got := hits.Load(); got != 0 {
					t.Errorf("server hits = %d; want 0", got)
				}
				if got := ft.attempts(); got != 0 {
					t.Errorf("AttemptStart calls = %d; want 0", got)
				}
				if got := rec.attempts(); len(got) != 0 {
					t.Errorf("Attempt() in RoundTripper = %v; want no round trip", got)
				}
			})
		}
	})

	t.Run("cancelled during the wait", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name  string
			start time.Duration
			after time.Duration // cancel this long after the Retry hook; 0: in the hook
		}{
			{name: "long wait, cancel after 10ms", start: 10 * time.Second, after: 10 * time.Millisecond},
			{name: "long wait, cancel in the Retry hook", start: 10 * time.Second},
			{name: "no wait, cancel in the Retry hook", start: -1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var hits atomic.Int64
				ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					w.WriteHeader(http.StatusServiceUnavailable)
				})
				c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{
					Attempts: 3, StartTimeout: tt.start, MaxTimeout: 20 * time.Second, Jitter: retryclient.NoJitter,
				})
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				req, ft := faultRequest(t, ctx, http.MethodGet, ts.URL, nil)
				var retried time.Time
				ft.onRetry = func(retryclient.RetryInfo) {
					retried = time.Now()
					if tt.after == 0 {
						cancel()
					} else {
						time.AfterFunc(tt.after, cancel)
					}
				}
				resp, err := c.Do(req)
				faultCloseResp(resp)
				if retried.IsZero() {
					t.Fatalf("Do() = %v, %v without a Retry hook; want a retry", resp, err)
				}
				if elapsed := time.Since(retried); elapsed > 100*time.Millisecond {
					t.Errorf("Do() returned %v after the Retry hook; want well under 100ms", elapsed)
				}
				if resp != nil || !errors.Is(err, context.Canceled) {
					t.Errorf("Do() = %v, %v; want nil, context.Canceled", resp, err)
				}
				faultCheckURLError(t, err)
				if got := faultRetryAttempts(err); got != 1 {
					t.Errorf("RetryError.Attempts = %d; want 1", got)
				}
				if got := hits.Load(); got != 1 {
					t.Errorf("server hits = %d; want 1", got)
				}
				if got := ft.attempts(); got != 1 {
					t.Errorf("AttemptStart calls = %d; want 1", got)
				}
				if got := rec.attempts(); !slices.Equal(got, []int{1}) {
					t.Errorf("Attempt() in RoundTripper = %v; want [1]", got)
				}
			})
		}
	})

	t.Run("deadline before the next attempt", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name       string
			refused    bool
			retryAfter string
			start      time.Duration
		}{
			{name: "503, backoff past the deadline", start: 5 * time.Second},
			{name: "503, Retry-After past the deadline", start: 10 * time.Millisecond, retryAfter: "3"},
			{name: "connection refused, backoff past the deadline", refused: true, start: 5 * time.Second},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var hits atomic.Int64
				ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					w.WriteHeader(http.StatusServiceUnavailable)
				})
				u := ts.URL
				if tt.refused {
					u = faultRefusedURL(t)
				}
				c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{
					Attempts: 3, StartTimeout: tt.start, MaxTimeout: 10 * time.Second, Jitter: retryclient.NoJitter,
				})
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				req, ft := faultRequest(t, ctx, http.MethodGet, u, nil)
				start := time.Now()
				resp, err := c.Do(req)
				elapsed := time.Since(start)
				faultCloseResp(resp)
				if elapsed > 500*time.Millisecond {
					t.Errorf("Do() took %v; want it to return at once, not sleep toward the deadline", elapsed)
				}
				if tt.refused {
					if resp != nil || !errors.Is(err, syscall.ECONNREFUSED) {
						t.Errorf("Do() = %v, %v; want nil, the last error (connection refused)", resp, err)
					}
					faultCheckURLError(t, err)
				} else {
					if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
						t.Errorf("Do() = %v, %v; want the last response (503), nil", resp, err)
					}
					if got := hits.Load(); got != 1 {
						t.Errorf("server hits = %d; want 1", got)
					}
				}
				if got := ft.attempts(); got != 1 {
					t.Errorf("AttemptStart calls = %d; want 1", got)
				}
				if got := rec.attempts(); !slices.Equal(got, []int{1}) {
					t.Errorf("Attempt() in RoundTripper = %v; want [1]", got)
				}
				if len(ft.waits) != 0 || len(ft.giveUps) != 1 {
					t.Errorf("Retry waits %v, GiveUp reasons %q; want no Retry, one GiveUp", ft.waits, ft.giveUps)
				}
			})
		}
	})
}

// TestFaultConcurrentPerCallOptions: 64 calls share one Client, each with its
// own Attempts; each must make exactly its own number of attempts.
// Keep-alives are on: httptest's server never closes an idle connection, so
// net/http has nothing to retry by itself.
func TestFaultConcurrentPerCallOptions(t *testing.T) {
	t.Parallel()
	const calls = 64
	var (
		mu     sync.Mutex
		hits   = map[string]int{}
		trips  = map[string][]int{}
		bodies = map[string][]faultSum{}
	)
	ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		id := r.Header.Get("X-Req-ID")
		mu.Lock()
		hits[id]++
		bodies[id] = append(bodies[id], faultSumOf(b))
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	tr := &http.Transport{MaxIdleConnsPerHost: calls}
	t.Cleanup(tr.CloseIdleConnections)
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		id := req.Header.Get("X-Req-ID")
		trips[id] = append(trips[id], retryclient.Attempt(req.Context()))
		mu.Unlock()
		return tr.RoundTrip(req)
	})
	c := &retryclient.Client{
		Client:       &http.Client{Transport: rt},
		RetryOptions: retryclient.RetryOptions{Attempts: 9, StartTimeout: -1}, // replaced by every call
	}
	want := map[string]int{}
	var wg sync.WaitGroup
	for i := range calls {
		id := "req-" + strconv.Itoa(i)
		attempts := 1 + i%6
		want[id] = attempts
		opts := retryclient.RetryOptions{Attempts: attempts, StartTimeout: time.Millisecond, MaxTimeout: 2 * time.Millisecond}
		if i%2 == 0 {
			opts.StartTimeout = -1
		}
		ctx := retryclient.WithRetryOptions(context.Background(), opts)
		req, ft := faultRequest(t, ctx, http.MethodPut, ts.URL, strings.NewReader(id))
		req.Header.Set("X-Req-ID", id)
		wg.Go(func() {
			resp, err := c.Do(req)
			faultCloseResp(resp)
			if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("%s: Do() = %v, %v; want the 503, nil", id, resp, err)
			}
			if got := ft.attempts(); got != attempts {
				t.Errorf("%s: AttemptStart calls = %d; want %d", id, got, attempts)
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for id, n := range want {
		if hits[id] != n {
			t.Errorf("%s: server hits = %d; want %d", id, hits[id], n)
		}
		if got, w := trips[id], faultSeq(n); !slices.Equal(got, w) {
			t.Errorf("%s: Attempt() in RoundTripper = %v; want %v", id, got, w)
		}
		for j, got := range bodies[id] {
			if w := faultSumOf([]byte(id)); got != w {
				t.Errorf("%s: attempt %d body = %v; want %v", id, j+1, got, w)
			}
		}
	}
}

// faultSecrets are the substrings that no error may contain.
var faultSecrets = []string{"p%40ss", "p@ss", "user:", "SECRET"}

// faultCheckSecrets fails t if err, printed either way, shows a secret.
func faultCheckSecrets(t *testing.T, what string, err error) {
	t.Helper()
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
		for _, secret := range faultSecrets {
			if strings.Contains(s, secret) {
				t.Errorf("%s = %q; want no %q in it", what, s, secret)
			}
		}
	}
}

// faultWithSecrets puts a user, a password and a query token into a
// http://host URL.
func faultWithSecrets(base string) string {
	return strings.Replace(base, "http://", "http://user:p%40ss@", 1) + "/path?token=SECRET"
}

// TestFaultSecrets: no error and no log line shows the URL's user
// information or query.
func TestFaultSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		url   func(t *testing.T) string
		opts  retryclient.RetryOptions
		ctx   func(t *testing.T) context.Context
		call  func(c *retryclient.Client, req *http.Request) (*http.Response, error)
		quiet bool // the loop neither retries nor gives up, so logs nothing
	}{
		{name: "refused, 3 attempts", url: faultRefusedURL, opts: retryclient.RetryOptions{Attempts: 3, StartTimeout: -1}},
		{name: "refused, 1 attempt", url: faultRefusedURL, opts: retryclient.RetryOptions{Attempts: 1}},
		{name: "refused, Client.Get", url: faultRefusedURL, opts: retryclient.RetryOptions{Attempts: 2, StartTimeout: -1},
			call: func(c *retryclient.Client, req *http.Request) (*http.Response, error) { return c.Get(req.URL.String()) }},
		{name: "refused, Client.Post", url: faultRefusedURL, opts: retryclient.RetryOptions{Attempts: 2, StartTimeout: -1},
			call: func(c *retryclient.Client, req *http.Request) (*http.Response, error) {
				return c.Post(req.URL.String(), "text/plain", strings.NewReader("x"))
			}},
		{name: "refused, deadline before the next attempt", url: faultRefusedURL, opts: retryclient.RetryOptions{Attempts: 3, StartTimeout: 5 * time.Second, MaxTimeout: 10 * time.Second},
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				t.Cleanup(cancel)
				return ctx
			}},
		{name: "cancelled context", url: faultRefusedURL, quiet: true, ctx: func(*testing.T) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}},
		{name: "invalid options", url: faultRefusedURL, quiet: true, opts: retryclient.RetryOptions{Attempts: -1}},
		{name: "connection reset", url: func(t *testing.T) string { return faultNewRawServer(t, faultResetNow).url },
			opts: retryclient.RetryOptions{Attempts: 2, StartTimeout: -1}},
		{name: "redirect to a refused URL with secrets", opts: retryclient.RetryOptions{Attempts: 2, StartTimeout: -1},
			url: func(t *testing.T) string {
				to := faultWithSecrets(faultRefusedURL(t))
				return faultServer(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }).URL
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := faultWithSecrets(tt.url(t))
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx(t)
			}
			var logs bytes.Buffer
			opts := tt.opts
			opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			c, _ := faultClient(faultTransport(t), opts)
			req, _ := faultRequest(t, ctx, http.MethodGet, u, nil)
			call := tt.call
			if call == nil {
				call = (*retryclient.Client).Do
			}
			resp, err := call(c, req)
			faultCloseResp(resp)
			if resp != nil || err == nil {
				t.Fatalf("Do() = %v, %v; want nil, an error", resp, err)
			}
			faultCheckURLError(t, err)
			faultCheckSecrets(t, "Do() error", err)
			if !tt.quiet && logs.Len() == 0 {
				t.Errorf("Logger got nothing; want a line for the retry or the give-up")
			}
			faultCheckSecrets(t, "log", errors.New(logs.String()))
		})
	}
}

// TestFaultSecretsInTraceHooks: the errors handed to the Retry and GiveUp
// hooks, the natural place to log a retry, must not show the URL's user
// information or query either.
func TestFaultSecretsInTraceHooks(t *testing.T) {
	t.Parallel()
	c, _ := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 2, StartTimeout: -1})
	req, ft := faultRequest(t, context.Background(), http.MethodGet, faultWithSecrets(faultRefusedURL(t)), nil)
	resp, err := c.Do(req)
	faultCloseResp(resp)
	if err == nil {
		t.Fatalf("Do() = %v, nil; want an error", resp)
	}
	if len(ft.errs) != 1 || ft.lastErr == nil {
		t.Fatalf("hooks received errors %v, %v; want one from Retry, one from GiveUp", ft.errs, ft.lastErr)
	}
	faultCheckSecrets(t, "RetryInfo.Err", ft.errs[0])
	faultCheckSecrets(t, "GiveUpInfo.Err", ft.lastErr)
}

// TestFaultSecretsInvalidURL: a URL that does not parse must not come back
// in the error of a verb method with its password and query.
func TestFaultSecretsInvalidURL(t *testing.T) {
	t.Parallel()
	c, _ := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 2, StartTimeout: -1})
	u := "http://user:p%40ss@127.0.0.1:1/pa\x7fth?token=SECRET"
	resp, err := c.Get(u)
	faultCloseResp(resp)
	if resp != nil || err == nil {
		t.Fatalf("Get(%q) = %v, %v; want nil, an error", u, resp, err)
	}
	faultCheckURLError(t, err)
	faultCheckSecrets(t, "Get() error", err)
}

// faultGateReader is a plain reader (no GetBody, not a file) that returns
// its data 10 bytes at a time. Its second Read blocks until released, and
// it records Reads that overlap: an io.Reader is not safe for concurrent
// use, and overlapping Reads lose or repeat bytes.
type faultGateReader struct {
	data    []byte
	hold    time.Duration // how long Read 2 blocks at most
	entered chan struct{} // closed when Read 2 starts
	release chan struct{} // Read 2 waits for it
	done2   chan struct{} // closed when Read 2 has taken its bytes
	once    sync.Once

	mu      sync.Mutex
	off     int  // guarded by mu
	reads   int  // guarded by mu
	active  int  // guarded by mu
	overlap bool // guarded by mu
}

func newFaultGateReader(data []byte, hold time.Duration) *faultGateReader {
	return &faultGateReader{data: data, hold: hold, entered: make(chan struct{}), release: make(chan struct{}), done2: make(chan struct{})}
}

// open releases Read 2.
func (r *faultGateReader) open() { r.once.Do(func() { close(r.release) }) }

func (r *faultGateReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	r.reads++
	k := r.reads
	r.active++
	overlap := r.active > 1
	r.overlap = r.overlap || overlap
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.active--
		r.mu.Unlock()
	}()
	switch {
	case k == 2:
		close(r.entered)
		time.AfterFunc(r.hold, r.open)
		<-r.release
		defer close(r.done2)
	case overlap:
		// Only Read 2 blocks, so this Read runs beside it: let Read 2
		// take its bytes first, as a slow source would.
		r.open()
		<-r.done2
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 10)], r.data[r.off:])
	r.off += n
	return n, nil
}

func (r *faultGateReader) overlapped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.overlap
}

// TestFaultBodyReadAfterResponse: a RoundTripper may keep reading the
// request body after it returned the response (HTTP/2 streams the body
// beside the response, and the RoundTripper contract allows closing the
// body later). While attempt 1's writer still reads a plain reader, a
// retry must neither read the caller's reader at the same time, nor send
// other bytes than the original, nor wait for a source that may never
// answer.
func TestFaultBodyReadAfterResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// lateRead: attempt 1's writer starts Read 2 only after the loop
		// decided to retry (from the Retry hook). Otherwise it is inside
		// Read 2, blocked in the source, when the response arrives.
		lateRead     bool
		hold         time.Duration // how long the source blocks Read 2 at most
		wantAttempts int           // 2: retried with the whole body; 1: gave up, the 503 returned
	}{
		{name: "writer reads again after the retry was decided", lateRead: true, hold: 50 * time.Millisecond, wantAttempts: 2},
		{name: "writer blocked in a Read when the response arrives", hold: 3 * time.Second, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := faultRandom(t, 100)
			src := newFaultGateReader(data, tt.hold)
			var (
				hits     atomic.Int64
				resume   = make(chan struct{})
				read2    = make(chan struct{}) // closed when attempt 1's Read 2 returned
				writer1  = make(chan struct{}) // closed when attempt 1's writer is done
				mu       sync.Mutex
				received []faultSum
			)
			rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
				if hits.Add(1) == 1 {
					first := make(chan struct{})
					go func() { // attempt 1's body writer, outliving RoundTrip
						defer close(writer1)
						defer req.Body.Close()
						buf := make([]byte, 64)
						req.Body.Read(buf) // Read 1
						close(first)
						if tt.lateRead {
							<-resume
						}
						req.Body.Read(buf) // Read 2: blocks in the source
						close(read2)
					}()
					<-first
					if !tt.lateRead {
						<-src.entered
					}
					return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
				}
				b, err := io.ReadAll(req.Body)
				req.Body.Close()
				if err != nil {
					return nil, err
				}
				mu.Lock()
				received = append(received, faultSumOf(b))
				mu.Unlock()
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("ok")), Request: req}, nil
			})
			c, rec := faultClient(rt, retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
			req, ft := faultRequest(t, context.Background(), http.MethodPut, "http://fault.test/", struct{ io.Reader }{src})
			if tt.lateRead {
				ft.onRetry = func(retryclient.RetryInfo) {
					// Let attempt 1's writer try the body again before
					// attempt 2 starts: it either gets into the source or
					// is turned away.
					close(resume)
					select {
					case <-src.entered:
					case <-read2:
					case <-time.After(5 * time.Second):
						t.Errorf("attempt 1's writer neither read nor failed")
					}
				}
			}
			start := time.Now()
			resp, err := c.Do(req)
			elapsed := time.Since(start)
			faultCloseResp(resp)
			src.open()
			select {
			case <-writer1:
			case <-time.After(5 * time.Second):
				t.Fatalf("attempt 1's writer still blocked")
			}
			if elapsed > time.Second {
				t.Errorf("Do() took %v; want no wait for the blocked source", elapsed)
			}
			wantStatus := http.StatusOK
			if tt.wantAttempts == 1 {
				wantStatus = http.StatusServiceUnavailable
			}
			if err != nil || resp.StatusCode != wantStatus {
				t.Errorf("Do() = %v, %v; want %d, nil", resp, err, wantStatus)
			}
			if got := ft.attempts(); got != tt.wantAttempts {
				t.Errorf("AttemptStart calls = %d; want %d", got, tt.wantAttempts)
			}
			if got, want := rec.attempts(), faultSeq(tt.wantAttempts); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
			if src.overlapped() {
				t.Errorf("the caller's body was read by two attempts at once; want one Read at a time")
			}
			mu.Lock()
			defer mu.Unlock()
			if want := slices.Repeat([]faultSum{faultSumOf(data)}, tt.wantAttempts-1); !slices.Equal(received, want) {
				t.Errorf("retries sent %v; want %v", received, want)
			}
		})
	}
}

// TestFaultAttemptTimeoutBodyReadable: an attempt cut off by
// AttemptTimeout is retried, and the response finally returned stays
// readable for longer than AttemptTimeout: its attempt's context must not
// be cancelled under the caller.
func TestFaultAttemptTimeoutBodyReadable(t *testing.T) {
	t.Parallel()
	const timeout = 100 * time.Millisecond
	body := bytes.Repeat([]byte("slow body; "), 30)
	var hits atomic.Int64
	ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select { // hang past the attempt's timeout
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for i := 0; i < len(body); i += 110 { // 3 chunks over 3 × timeout
			w.Write(body[i:min(i+110, len(body))])
			rc.Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(timeout):
			}
		}
	})
	c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1, AttemptTimeout: timeout})
	req, ft := faultRequest(t, context.Background(), http.MethodGet, ts.URL, nil)
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		faultCloseResp(resp)
		t.Fatalf("Do() = %v, %v; want 200, nil", resp, err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("reading the body = %d bytes, %v; want %d bytes, nil", len(got), err, len(body))
	}
	if len(ft.errs) != 1 || !errors.Is(ft.errs[0], context.DeadlineExceeded) {
		t.Errorf("Retry errors = %v; want one, a timeout (errors.Is context.DeadlineExceeded)", ft.errs)
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("server hits = %d; want 2", got)
	}
	if got, want := rec.attempts(), []int{1, 2}; !slices.Equal(got, want) {
		t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
	}
}

// faultWaitCount waits up to 2s for c to reach want and returns its value.
// A raw server counts in its own goroutines, which may lag a moment behind
// the client's view of the same event.
func faultWaitCount(c *atomic.Int64, want int64) int64 {
	for deadline := time.Now().Add(2 * time.Second); c.Load() < want && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	return c.Load()
}

// faultBodyLog records the request bodies a server received: in full, or
// cut short by a fault of the server's own making.
type faultBodyLog struct {
	mu      sync.Mutex
	full    []faultSum // guarded by mu
	partial []faultSum // guarded by mu
}

func (l *faultBodyLog) add(complete bool, b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if complete {
		l.full = append(l.full, faultSumOf(b))
	} else {
		l.partial = append(l.partial, faultSumOf(b))
	}
}

// check fails t unless the server received want in full wantFull times
// and its first half wantPartial times, and nothing else.
func (l *faultBodyLog) check(t *testing.T, want []byte, wantFull, wantPartial int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if got, w := l.full, slices.Repeat([]faultSum{faultSumOf(want)}, wantFull); !slices.Equal(got, w) {
		t.Errorf("complete bodies received = %v; want %v", got, w)
	}
	if got, w := l.partial, slices.Repeat([]faultSum{faultSumOf(want[:len(want)/2])}, wantPartial); !slices.Equal(got, w) {
		t.Errorf("half bodies received = %v; want %v (the first half of the body)", got, w)
	}
}

// faultResetErrs are the errors a client sees when the server resets a
// connection while the request is written or its response awaited.
var faultResetErrs = []error{syscall.ECONNRESET, syscall.EPIPE, io.EOF, io.ErrUnexpectedEOF, net.ErrClosed}

func faultIsOneOf(err error, targets []error) bool {
	return slices.ContainsFunc(targets, func(target error) bool { return errors.Is(err, target) })
}

// faultBodyKinds are request bodies of size bytes, one per replay mode of
// the library: in memory with GetBody, a plain reader kept in a buffer, a
// regular file read again. Each returns the reader and its bytes; the
// request's ContentLength must be set to size.
func faultBodyKinds(size int) []struct {
	name string
	make func(t *testing.T) (io.Reader, []byte)
} {
	return []struct {
		name string
		make func(t *testing.T) (io.Reader, []byte)
	}{
		{name: "bytes.Reader", make: func(t *testing.T) (io.Reader, []byte) {
			b := faultRandom(t, size)
			return bytes.NewReader(b), b
		}},
		{name: "plain reader", make: func(t *testing.T) (io.Reader, []byte) {
			b := faultRandom(t, size)
			return struct{ io.Reader }{bytes.NewReader(b)}, b
		}},
		{name: "os.File", make: func(t *testing.T) (io.Reader, []byte) {
			return faultFile(t, size)
		}},
	}
}

// TestFaultResetMidBody: the server reads the request's headers and half
// its body, then resets the connection (RST); from the third connection on
// it reads the whole request and answers 200. A PUT, or a POST with an
// Idempotency-Key, is retried until it gets through, and every attempt
// sends the same bytes from the first; a POST without a key reached the
// server and is not retried.
func TestFaultResetMidBody(t *testing.T) {
	t.Parallel()
	const size = 256 << 10 // beyond the socket buffers: the reset hits the writer too
	methods := []struct {
		name    string
		method  string
		key     bool
		retried bool
	}{
		{name: "PUT", method: http.MethodPut, retried: true},
		{name: "POST", method: http.MethodPost},
		{name: "POST with Idempotency-Key", method: http.MethodPost, key: true, retried: true},
	}
	for _, m := range methods {
		for _, bk := range faultBodyKinds(size) {
			t.Run(m.name+"/"+bk.name, func(t *testing.T) {
				t.Parallel()
				var (
					bodies  faultBodyLog
					conns   atomic.Int64
					badSize atomic.Int64 // requests without the expected Content-Length
				)
				srv := faultNewRawServer(t, func(s *faultRawServer, c *net.TCPConn) {
					defer c.Close()
					n := conns.Add(1) // attempts are sequential: n numbers them
					c.SetDeadline(time.Now().Add(5 * time.Second))
					req, err := http.ReadRequest(bufio.NewReader(c))
					if err != nil {
						return
					}
					if req.ContentLength != size {
						badSize.Add(1)
						return
					}
					if n < 3 {
						half := make([]byte, size/2)
						if _, err := io.ReadFull(req.Body, half); err != nil {
							return
						}
						bodies.add(false, half)
						s.requests.Add(1) // before the reset, so before Do sees it
						c.SetLinger(0)    // the deferred Close resets
						return
					}
					b, err := io.ReadAll(req.Body)
					if err != nil {
						return
					}
					bodies.add(true, b)
					s.requests.Add(1)
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
				})
				c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
				body, want := bk.make(t)
				req, ft := faultRequest(t, context.Background(), m.method, srv.url+"/upload", body)
				req.ContentLength = size
				if m.key {
					req.Header.Set("Idempotency-Key", "k-1")
				}
				resp, err := c.Do(req)
				attempts, full, partial := 1, 0, 1
				if m.retried {
					attempts, full, partial = 3, 1, 2
					if err != nil || resp.StatusCode != http.StatusOK {
						t.Fatalf("Do() = %v, %v; want 200, nil", resp, err)
					}
					got, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(got) != "ok" {
						t.Errorf("reading the response = %q, %v; want \"ok\", nil", got, err)
					}
					for i, e := range ft.errs {
						if !faultIsOneOf(e, faultResetErrs) {
							t.Errorf("attempt %d failed with %v; want errors.Is to find one of %v", i+1, e, faultResetErrs)
						}
					}
				} else {
					faultCloseResp(resp)
					if resp != nil || err == nil {
						t.Fatalf("Do() = %v, %v; want nil, an error", resp, err)
					}
					if !faultIsOneOf(err, faultResetErrs) {
						t.Errorf("Do() error = %v; want errors.Is to find one of %v", err, faultResetErrs)
					}
					faultCheckURLError(t, err)
					if got := faultRetryAttempts(err); got != 0 {
						t.Errorf("Do() error = %v; want no *RetryError (one attempt, not retryable), got Attempts %d", err, got)
					}
				}
				if got := ft.attempts(); got != attempts {
					t.Errorf("AttemptStart calls = %d; want %d", got, attempts)
				}
				if got, want := rec.attempts(), faultSeq(attempts); !slices.Equal(got, want) {
					t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
				}
				if got := srv.accepts.Load(); got != int64(attempts) {
					t.Errorf("server accepted %d connections; want %d", got, attempts)
				}
				if got := srv.requests.Load(); got != int64(attempts) {
					t.Errorf("server read %d requests; want %d", got, attempts)
				}
				if got := badSize.Load(); got != 0 {
					t.Errorf("%d requests came without Content-Length %d", got, size)
				}
				bodies.check(t, want, full, partial)
			})
		}
	}
}

// TestFaultTruncatedResponse: the server sends the response headers and
// half the body, then closes the connection. Do has already handed the
// response over, so it returns it with a nil error; the caller sees the
// failure when reading the body, and the loop does not retry.
func TestFaultTruncatedResponse(t *testing.T) {
	t.Parallel()
	payload := bytes.Repeat([]byte("0123456789"), 200)
	half := payload[:len(payload)/2]
	tests := []struct {
		name           string
		method         string
		body           int // request body size
		chunked        bool
		attemptTimeout time.Duration
	}{
		{name: "GET, Content-Length", method: http.MethodGet},
		{name: "GET, chunked", method: http.MethodGet, chunked: true},
		{name: "PUT with a body", method: http.MethodPut, body: 64 << 10},
		{name: "GET under AttemptTimeout", method: http.MethodGet, attemptTimeout: 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var bodies faultBodyLog
			srv := faultNewRawServer(t, func(s *faultRawServer, c *net.TCPConn) {
				defer c.Close() // FIN, after the half body
				c.SetDeadline(time.Now().Add(5 * time.Second))
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				b, err := io.ReadAll(req.Body) // all of it: a close then sends FIN, not RST
				if err != nil {
					return
				}
				bodies.add(true, b)
				s.requests.Add(1)
				if tt.chunked {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(half), half)
				} else {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(payload), half)
				}
			})
			c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1, AttemptTimeout: tt.attemptTimeout})
			want := faultRandom(t, tt.body)
			var body io.Reader
			if tt.body > 0 {
				body = bytes.NewReader(want)
			}
			req, ft := faultRequest(t, context.Background(), tt.method, srv.url+"/", body)
			resp, err := c.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				faultCloseResp(resp)
				t.Fatalf("Do() = %v, %v; want 200, nil: the headers arrived intact", resp, err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("reading the body: error %v; want io.ErrUnexpectedEOF", err)
			}
			if !bytes.Equal(got, half) {
				t.Errorf("reading the body = %v; want the %v the server sent", faultSumOf(got), faultSumOf(half))
			}
			if got := ft.attempts(); got != 1 {
				t.Errorf("AttemptStart calls = %d; want 1: no retry after the response was handed over", got)
			}
			if len(ft.waits) != 0 || len(ft.giveUps) != 0 {
				t.Errorf("Retry waits %v, GiveUp reasons %q; want no Retry, no GiveUp", ft.waits, ft.giveUps)
			}
			if got := rec.attempts(); !slices.Equal(got, []int{1}) {
				t.Errorf("Attempt() in RoundTripper = %v; want [1]", got)
			}
			if got := srv.accepts.Load(); got != 1 {
				t.Errorf("server accepted %d connections; want 1", got)
			}
			if got := srv.requests.Load(); got != 1 {
				t.Errorf("server read %d requests; want 1", got)
			}
			bodies.check(t, want, 1, 0)
		})
	}
}

// faultStall reads the request and its body, then never answers: it holds
// the connection until the client hangs up (or 5s pass).
func faultStall(bodies *faultBodyLog) faultConnFunc {
	return func(s *faultRawServer, c *net.TCPConn) {
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		bodies.add(true, b)
		s.requests.Add(1)
		io.Copy(io.Discard, br)
	}
}

// TestFaultStall: a server that accepts and never answers. AttemptTimeout
// cuts each attempt off and retries it; the caller's deadline ends the call.
// Not parallel: it measures time, and checks that no goroutine outlives it.
func TestFaultStall(t *testing.T) {
	const (
		attemptTimeout = 100 * time.Millisecond
		deadline       = 150 * time.Millisecond
		slack          = 300 * time.Millisecond
	)
	tests := []struct {
		name           string
		method         string
		body           int
		attemptTimeout time.Duration
		deadline       time.Duration // the caller's; 0 means 5s, a backstop
		wantAttempts   int
		wantElapsed    time.Duration
	}{
		{name: "AttemptTimeout retries it/GET", method: http.MethodGet, attemptTimeout: attemptTimeout, wantAttempts: 3, wantElapsed: 3 * attemptTimeout},
		{name: "AttemptTimeout retries it/PUT", method: http.MethodPut, body: 64 << 10, attemptTimeout: attemptTimeout, wantAttempts: 3, wantElapsed: 3 * attemptTimeout},
		{name: "caller deadline ends it/GET", method: http.MethodGet, deadline: deadline, wantAttempts: 1, wantElapsed: deadline},
		{name: "caller deadline ends it/PUT", method: http.MethodPut, body: 64 << 10, deadline: deadline, wantAttempts: 1, wantElapsed: deadline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeaks(t)
			var bodies faultBodyLog
			srv := faultNewRawServer(t, faultStall(&bodies))
			c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{Attempts: 3, StartTimeout: -1, AttemptTimeout: tt.attemptTimeout})
			want := faultRandom(t, tt.body)
			var body io.Reader
			if tt.body > 0 {
				body = bytes.NewReader(want)
			}
			start := time.Now() // before the deadline is set: elapsed cannot fall short of it
			d := tt.deadline
			if d == 0 {
				d = 5 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			req, ft := faultRequest(t, ctx, tt.method, srv.url+"/", body)
			resp, err := c.Do(req)
			elapsed := time.Since(start)
			faultCloseResp(resp)
			if resp != nil || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Do() = %v, %v; want nil, an error that errors.Is context.DeadlineExceeded", resp, err)
			}
			faultCheckURLError(t, err)
			if ue := (*url.Error)(nil); errors.As(err, &ue) && !ue.Timeout() {
				t.Errorf("Do() error %v: Timeout() = false; want true", err)
			}
			var ate *retryclient.AttemptTimeoutError
			isATE := errors.As(err, &ate)
			if tt.attemptTimeout > 0 {
				if !isATE || ate.After != tt.attemptTimeout {
					t.Errorf("Do() error = %v; want a *retryclient.AttemptTimeoutError after %v", err, tt.attemptTimeout)
				}
				if got := faultRetryAttempts(err); got != tt.wantAttempts {
					t.Errorf("RetryError.Attempts = %d; want %d", got, tt.wantAttempts)
				}
				for i, e := range ft.errs {
					if !errors.As(e, &ate) {
						t.Errorf("attempt %d failed with %v; want a *retryclient.AttemptTimeoutError", i+1, e)
					}
				}
				if !slices.Equal(ft.giveUps, []string{"attempts exhausted"}) {
					t.Errorf("GiveUp reasons = %q; want [\"attempts exhausted\"]", ft.giveUps)
				}
			} else {
				if isATE {
					t.Errorf("Do() error = %v; want the caller's deadline, not a *retryclient.AttemptTimeoutError", err)
				}
				if len(ft.waits) != 0 {
					t.Errorf("Retry waits = %v; want no retry once the caller's deadline passed", ft.waits)
				}
			}
			if elapsed < tt.wantElapsed || elapsed > tt.wantElapsed+slack {
				t.Errorf("Do() took %v; want %v to %v", elapsed, tt.wantElapsed, tt.wantElapsed+slack)
			}
			if got := ft.attempts(); got != tt.wantAttempts {
				t.Errorf("AttemptStart calls = %d; want %d", got, tt.wantAttempts)
			}
			if got, want := rec.attempts(), faultSeq(tt.wantAttempts); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
			if got := faultWaitCount(&srv.accepts, int64(tt.wantAttempts)); got != int64(tt.wantAttempts) {
				t.Errorf("server accepted %d connections; want %d", got, tt.wantAttempts)
			}
			if got := faultWaitCount(&srv.requests, int64(tt.wantAttempts)); got != int64(tt.wantAttempts) {
				t.Errorf("server read %d requests; want %d", got, tt.wantAttempts)
			}
			bodies.check(t, want, tt.wantAttempts, 0)
		})
	}
}

// TestFaultDeadlineDuringSecondAttempt: the server answers 503 at once,
// then stalls; the caller's deadline passes during attempt 2, which ends
// the call with the context's error after exactly 2 hits.
// Not parallel: it measures time, and checks that no goroutine outlives it.
func TestFaultDeadlineDuringSecondAttempt(t *testing.T) {
	const (
		wait     = 20 * time.Millisecond
		deadline = 150 * time.Millisecond
		slack    = 300 * time.Millisecond
	)
	for _, tt := range []struct {
		name   string
		method string
		body   int
	}{
		{name: "GET", method: http.MethodGet},
		{name: "PUT", method: http.MethodPut, body: 64 << 10},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeaks(t)
			var (
				hits   atomic.Int64
				bodies faultBodyLog
			)
			ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				if err != nil {
					return
				}
				bodies.add(true, b)
				if hits.Add(1) == 1 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				select { // stall until the client hangs up
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			})
			c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{
				Attempts: 3, StartTimeout: wait, MaxTimeout: time.Second, Jitter: retryclient.NoJitter,
			})
			want := faultRandom(t, tt.body)
			var body io.Reader
			if tt.body > 0 {
				body = bytes.NewReader(want)
			}
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			req, ft := faultRequest(t, ctx, tt.method, ts.URL, body)
			resp, err := c.Do(req)
			elapsed := time.Since(start)
			faultCloseResp(resp)
			if resp != nil || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Do() = %v, %v; want nil, an error that errors.Is context.DeadlineExceeded", resp, err)
			}
			faultCheckURLError(t, err)
			if ate := (*retryclient.AttemptTimeoutError)(nil); errors.As(err, &ate) {
				t.Errorf("Do() error = %v; want the caller's deadline, not a *retryclient.AttemptTimeoutError", err)
			}
			if got := faultRetryAttempts(err); got != 2 {
				t.Errorf("RetryError.Attempts = %d; want 2", got)
			}
			if elapsed < deadline || elapsed > deadline+slack {
				t.Errorf("Do() took %v; want %v to %v", elapsed, deadline, deadline+slack)
			}
			if !slices.Equal(ft.waits, []time.Duration{wait}) {
				t.Errorf("Retry waits = %v; want [%v]", ft.waits, wait)
			}
			if got := ft.attempts(); got != 2 {
				t.Errorf("AttemptStart calls = %d; want 2", got)
			}
			if got, want := rec.attempts(), faultSeq(2); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
			if got := faultWaitCount(&hits, 2); got != 2 {
				t.Errorf("server hits = %d; want 2", got)
			}
			bodies.check(t, want, 2, 0)
		})
	}
}

// faultNotifyConn is a client connection that reports when the client
// closes it.
type faultNotifyConn struct {
	net.Conn
	once   sync.Once
	closed chan<- struct{}
}

func (c *faultNotifyConn) Close() error {
	c.once.Do(func() {
		select {
		case c.closed <- struct{}{}:
		default:
		}
	})
	return c.Conn.Close()
}

// faultGotConns records, through httptrace, whether each connection a
// request got was reused from the pool.
type faultGotConns struct {
	mu     sync.Mutex
	reused []bool // guarded by mu
}

func (g *faultGotConns) context(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) {
			g.mu.Lock()
			g.reused = append(g.reused, i.Reused)
			g.mu.Unlock()
		},
	})
}

func (g *faultGotConns) list() []bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.reused)
}

// TestFaultKeepAliveClosed: the server closes a keep-alive connection that
// the client holds in its pool. net/http retries by itself, without
// backoff and without telling the retry loop, when a request fails on a
// reused connection before any response byte and the request is
// replayable: GET, HEAD, OPTIONS, TRACE, or any method with an
// Idempotency-Key, whose body has GetBody (RETRY-SEMANTICS.md section 3).
// The server can then see more requests than the loop made attempts; the
// loop must not add a retry of its own on top, and must retry what net/http
// leaves alone when its policy allows.
// Keep-alives are on here, unlike in the other tests.
func TestFaultKeepAliveClosed(t *testing.T) {
	t.Parallel()

	// The server closes the idle connection between two calls. Once the
	// client has noticed (its read loop saw EOF and closed its end), the
	// next call dials a new connection: one attempt, one new connection,
	// whatever the method. When the next call races the close, it may
	// write to the dead connection first; net/http then retries a GET on
	// a new connection by itself. The request written to the dead
	// connection never reaches a handler (the server had stopped reading),
	// so the counts are the same either way. A POST is not raced: whether
	// it fails, or net/http retries it, or the loop does, depends on which
	// side sees the close first.
	t.Run("closed while idle", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name   string
			method string
			notice bool // wait until the client noticed the close
		}{
			{name: "GET, client noticed", method: http.MethodGet, notice: true},
			{name: "POST, client noticed", method: http.MethodPost, notice: true},
			{name: "GET, racing the next request", method: http.MethodGet},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var (
					hits, conns atomic.Int64
					bodies      faultBodyLog
					idle        = make(chan net.Conn, 4)
				)
				ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, err := io.ReadAll(r.Body)
					if err != nil {
						return
					}
					if r.Method == tt.method {
						bodies.add(true, b)
					}
					hits.Add(1)
					io.WriteString(w, "ok")
				}))
				ts.Config.ErrorLog = log.New(io.Discard, "", 0)
				ts.Config.ConnState = func(c net.Conn, st http.ConnState) {
					switch st {
					case http.StateNew:
						conns.Add(1)
					case http.StateIdle:
						select {
						case idle <- c:
						default:
						}
					}
				}
				ts.Start()
				t.Cleanup(ts.Close)
				clientClosed := make(chan struct{}, 4)
				tr := &http.Transport{}
				var d net.Dialer
				tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
					c, err := d.DialContext(ctx, network, addr)
					if err != nil {
						return nil, err
					}
					return &faultNotifyConn{Conn: c, closed: clientClosed}, nil
				}
				t.Cleanup(tr.CloseIdleConnections)
				c, rec := faultClient(tr, retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
				want := []byte("payload of the second call")
				var traces [2]faultGotConns
				for call := range 2 {
					method, body := http.MethodGet, io.Reader(nil)
					if call == 1 {
						if tt.method == http.MethodPost {
							body = bytes.NewReader(want)
						}
						method = tt.method
					}
					req, ft := faultRequest(t, traces[call].context(context.Background()), method, ts.URL, body)
					resp, err := c.Do(req)
					if err != nil || resp.StatusCode != http.StatusOK {
						faultCloseResp(resp)
						t.Fatalf("call %d: Do() = %v, %v; want 200, nil", call+1, resp, err)
					}
					b, err := io.ReadAll(resp.Body) // to EOF: the connection goes back to the pool
					resp.Body.Close()
					if err != nil || string(b) != "ok" {
						t.Errorf("call %d: reading the response = %q, %v; want \"ok\", nil", call+1, b, err)
					}
					if got := ft.attempts(); got != 1 {
						t.Errorf("call %d: AttemptStart calls = %d; want 1", call+1, got)
					}
					if call == 1 {
						break
					}
					// Close the connection, now idle, from the server's side.
					select {
					case conn := <-idle:
						conn.Close()
					case <-time.After(2 * time.Second):
						t.Fatalf("the server's connection never went idle")
					}
					if tt.notice {
						select {
						case <-clientClosed:
						case <-time.After(2 * time.Second):
							t.Fatalf("the client never noticed that the server closed the connection")
						}
					}
				}
				if got := traces[0].list(); !slices.Equal(got, []bool{false}) {
					t.Errorf("call 1: GotConn Reused = %v; want [false]", got)
				}
				second := traces[1].list()
				switch {
				case tt.notice && !slices.Equal(second, []bool{false}):
					t.Errorf("call 2: GotConn Reused = %v; want [false], a new connection", second)
				case !tt.notice && !slices.Equal(second, []bool{false}) && !slices.Equal(second, []bool{true, false}):
					t.Errorf("call 2: GotConn Reused = %v; want [false], or [true false] after net/http's own retry", second)
				}
				if got, want := rec.attempts(), []int{1, 1}; !slices.Equal(got, want) {
					t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
				}
				if got := hits.Load(); got != 2 {
					t.Errorf("server hits = %d; want 2", got)
				}
				if got := conns.Load(); got != 2 {
					t.Errorf("server connections = %d; want 2", got)
				}
				if tt.method == http.MethodPost {
					bodies.check(t, want, 1, 0)
				}
			})
		}
	})

	// The server answers the first call on a keep-alive connection, then
	// reads the second call's request on that connection and closes it
	// without answering: the request reached the server, no response
	// byte came back. net/http retries the replayable ones itself, once,
	// so the server reads 3 requests for 2 attempts of the loop; the loop
	// retries a PUT, which net/http does not replay; nobody retries a POST
	// without a key.
	t.Run("closed after reading the next request", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name         string
			method       string
			key          bool
			wantAttempts int    // the loop's attempts for the second call
			wantReused   []bool // GotConn of the second call
			wantReads    int    // requests the server read, both calls
			wantConns    int
			wantErr      bool
		}{
			{name: "GET: net/http retries", method: http.MethodGet, wantAttempts: 1, wantReused: []bool{true, false}, wantReads: 3, wantConns: 2},
			{name: "POST with Idempotency-Key: net/http retries", method: http.MethodPost, key: true, wantAttempts: 1, wantReused: []bool{true, false}, wantReads: 3, wantConns: 2},
			{name: "PUT: the loop retries", method: http.MethodPut, wantAttempts: 2, wantReused: []bool{true, false}, wantReads: 3, wantConns: 2},
			{name: "POST: nobody retries", method: http.MethodPost, wantAttempts: 1, wantReused: []bool{true}, wantReads: 2, wantConns: 1, wantErr: true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var (
					conns  atomic.Int64
					bodies faultBodyLog
				)
				srv := faultNewRawServer(t, func(s *faultRawServer, c *net.TCPConn) {
					defer c.Close()
					n := conns.Add(1) // connections are sequential here
					c.SetDeadline(time.Now().Add(5 * time.Second))
					br := bufio.NewReader(c)
					for i := 1; ; i++ {
						req, err := http.ReadRequest(br)
						if err != nil {
							return
						}
						b, err := io.ReadAll(req.Body) // all of it: the close sends FIN, not RST
						if err != nil {
							return
						}
						if req.URL.Path == "/2" {
							bodies.add(true, b)
						}
						s.requests.Add(1)
						switch {
						case n == 1 && i == 2:
							return // hang up on the reused connection without answering
						case n == 1:
							io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
						default:
							io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
							return
						}
					}
				})
				tr := &http.Transport{}
				t.Cleanup(tr.CloseIdleConnections)
				c, rec := faultClient(tr, retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})

				req, ft := faultRequest(t, context.Background(), http.MethodGet, srv.url+"/1", nil)
				resp, err := c.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					faultCloseResp(resp)
					t.Fatalf("call 1: Do() = %v, %v; want 200, nil", resp, err)
				}
				io.Copy(io.Discard, resp.Body) // to EOF: the connection goes back to the pool
				resp.Body.Close()
				if got := ft.attempts(); got != 1 {
					t.Errorf("call 1: AttemptStart calls = %d; want 1", got)
				}

				want := []byte("payload of the second call")
				var body io.Reader
				if tt.method != http.MethodGet {
					body = bytes.NewReader(want)
				} else {
					want = nil
				}
				var gc faultGotConns
				req, ft = faultRequest(t, gc.context(context.Background()), tt.method, srv.url+"/2", body)
				if tt.key {
					req.Header.Set("Idempotency-Key", "k-2")
				}
				resp, err = c.Do(req)
				if tt.wantErr {
					faultCloseResp(resp)
					if resp != nil || !errors.Is(err, io.EOF) {
						t.Errorf("call 2: Do() = %v, %v; want nil, an error that errors.Is io.EOF", resp, err)
					}
					faultCheckURLError(t, err)
				} else {
					if err != nil || resp.StatusCode != http.StatusOK {
						faultCloseResp(resp)
						t.Fatalf("call 2: Do() = %v, %v; want 200, nil", resp, err)
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(b) != "ok" {
						t.Errorf("call 2: reading the response = %q, %v; want \"ok\", nil", b, err)
					}
				}
				if got := ft.attempts(); got != tt.wantAttempts {
					t.Errorf("call 2: AttemptStart calls = %d; want %d", got, tt.wantAttempts)
				}
				if got := gc.list(); !slices.Equal(got, tt.wantReused) {
					t.Errorf("call 2: GotConn Reused = %v; want %v", got, tt.wantReused)
				}
				if got, want := rec.attempts(), append([]int{1}, faultSeq(tt.wantAttempts)...); !slices.Equal(got, want) {
					t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
				}
				if got := srv.requests.Load(); got != int64(tt.wantReads) {
					t.Errorf("server read %d requests; want %d", got, tt.wantReads)
				}
				if got := srv.accepts.Load(); got != int64(tt.wantConns) {
					t.Errorf("server accepted %d connections; want %d", got, tt.wantConns)
				}
				bodies.check(t, want, tt.wantReads-1, 0) // the second call's copies
			})
		}
	})
}

// TestFaultHTTP2Shutdown: an HTTP/2 server goes away while a PUT of 1 MiB is
// in flight. The request completes, retried where it has to be (by
// net/http through GetBody, or by the loop), or fails cleanly; a handler
// never gets a truncated body that it takes for a whole one, and the
// final handler, when Do succeeds, got the whole body.
func TestFaultHTTP2Shutdown(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	tests := []struct {
		name         string
		fault        string
		wantAttempts int
		wantHits     int
		wantFull     int // bodies the handlers read in full
		wantConns    int
	}{
		// The handler has read the whole body, then every connection is
		// closed under it: the client loses the stream before any
		// response, and the loop retries the PUT on a new connection.
		{name: "connections closed after the body was read", fault: "close", wantAttempts: 2, wantHits: 2, wantFull: 2, wantConns: 2},
		// The handler has read a quarter of the body when every
		// connection is closed: the same, with one body cut short.
		{name: "connections closed in the middle of the body", fault: "close early", wantAttempts: 2, wantHits: 2, wantFull: 1, wantConns: 2},
		// Graceful shutdown: the server sends GOAWAY and lets the
		// stream in flight finish, so the first attempt succeeds.
		{name: "graceful shutdown (GOAWAY) during the handler", fault: "shutdown", wantAttempts: 1, wantHits: 1, wantFull: 1, wantConns: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := faultRandom(t, size)
			var (
				hits, conns  atomic.Int64
				full         atomic.Int64
				bad          atomic.Int64 // bodies read in full with the wrong bytes
				shuttingDown = make(chan struct{})
				shutdownErr  = make(chan error, 1)
				ts           *httptest.Server
			)
			ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := hits.Add(1)
				if n == 1 && tt.fault == "close early" {
					if _, err := io.ReadFull(r.Body, make([]byte, size/4)); err != nil {
						return
					}
					ts.CloseClientConnections()
					<-r.Context().Done()
					return
				}
				b, err := io.ReadAll(r.Body)
				if err != nil {
					return
				}
				full.Add(1)
				if !bytes.Equal(b, want) {
					bad.Add(1)
				}
				if n == 1 {
					switch tt.fault {
					case "close":
						ts.CloseClientConnections()
						<-r.Context().Done()
						return
					case "shutdown":
						go func() {
							ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
							defer cancel()
							shutdownErr <- ts.Config.Shutdown(ctx)
						}()
						<-shuttingDown
						// Give the server a moment to send GOAWAY before
						// the response: the outcome is the same either
						// way, the stream was accepted before it.
						time.Sleep(10 * time.Millisecond)
					}
				}
				io.WriteString(w, "ok")
			}))
			ts.EnableHTTP2 = true
			ts.Config.ErrorLog = log.New(io.Discard, "", 0)
			ts.Config.ConnState = func(c net.Conn, st http.ConnState) {
				if st == http.StateNew {
					conns.Add(1)
				}
			}
			ts.Config.RegisterOnShutdown(func() { close(shuttingDown) })
			ts.StartTLS()
			t.Cleanup(ts.Close)

			c, rec := faultClient(ts.Client().Transport, retryclient.RetryOptions{Attempts: 3, StartTimeout: -1})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req, ft := faultRequest(t, ctx, http.MethodPut, ts.URL+"/upload", bytes.NewReader(want))
			resp, err := c.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				faultCloseResp(resp)
				t.Fatalf("Do() = %v, %v; want 200, nil", resp, err)
			}
			if resp.ProtoMajor != 2 {
				t.Errorf("response protocol = %s; want HTTP/2", resp.Proto)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(b) != "ok" {
				t.Errorf("reading the response = %q, %v; want \"ok\", nil", b, err)
			}
			if tt.fault == "shutdown" {
				select {
				case err := <-shutdownErr:
					if err != nil {
						t.Errorf("Server.Shutdown() = %v; want nil", err)
					}
				case <-time.After(5 * time.Second):
					t.Errorf("Server.Shutdown() still running after 5s")
				}
			}
			for i, e := range ft.errs {
				if !faultIsOneOf(e, faultResetErrs) {
					t.Errorf("attempt %d failed with %v; want errors.Is to find one of %v", i+1, e, faultResetErrs)
				}
			}
			if got := ft.attempts(); got != tt.wantAttempts {
				t.Errorf("AttemptStart calls = %d; want %d", got, tt.wantAttempts)
			}
			if got, want := rec.attempts(), faultSeq(tt.wantAttempts); !slices.Equal(got, want) {
				t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
			}
			if got := hits.Load(); got != int64(tt.wantHits) {
				t.Errorf("handler hits = %d; want %d", got, tt.wantHits)
			}
			if got := conns.Load(); got != int64(tt.wantConns) {
				t.Errorf("server connections = %d; want %d", got, tt.wantConns)
			}
			if got := full.Load(); got != int64(tt.wantFull) {
				t.Errorf("bodies read in full = %d; want %d", got, tt.wantFull)
			}
			if got := bad.Load(); got != 0 {
				t.Errorf("%d bodies read in full differ from the %v sent; want none", got, faultSumOf(want))
			}
		})
	}
}

// TestFaultScheduleElapsed: 503, 503, 200 with StartTimeout 50ms, Factor 2
// and no jitter take 50ms + 100ms, in real time, and no wait follows the
// success.
// Not parallel: it measures time, and checks that no goroutine outlives it.
func TestFaultScheduleElapsed(t *testing.T) {
	checkNoLeaks(t)
	const (
		start    = 50 * time.Millisecond
		schedule = start + 2*start
		slack    = 150 * time.Millisecond // below the next wait, 200ms
	)
	var (
		hits   atomic.Int64
		bodies faultBodyLog
	)
	ts := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		bodies.add(true, b)
		if hits.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	})
	c, rec := faultClient(faultTransport(t), retryclient.RetryOptions{
		Attempts: 4, StartTimeout: start, Factor: 2, MaxTimeout: time.Second, Jitter: retryclient.NoJitter,
	})
	want := faultRandom(t, 64<<10)
	req, ft := faultRequest(t, context.Background(), http.MethodPut, ts.URL, bytes.NewReader(want))
	begin := time.Now()
	resp, err := c.Do(req)
	elapsed := time.Since(begin)
	if err != nil || resp.StatusCode != http.StatusOK {
		faultCloseResp(resp)
		t.Fatalf("Do() = %v, %v; want 200, nil", resp, err)
	}
	resp.Body.Close()
	if elapsed < schedule || elapsed > schedule+slack {
		t.Errorf("Do() took %v; want %v to %v", elapsed, schedule, schedule+slack)
	}
	if want := []time.Duration{start, 2 * start}; !slices.Equal(ft.waits, want) {
		t.Errorf("Retry waits = %v; want %v", ft.waits, want)
	}
	if len(ft.giveUps) != 0 {
		t.Errorf("GiveUp reasons = %q; want none", ft.giveUps)
	}
	if got := hits.Load(); got != 3 {
		t.Errorf("server hits = %d; want 3", got)
	}
	if got := ft.attempts(); got != 3 {
		t.Errorf("AttemptStart calls = %d; want 3", got)
	}
	if got, want := rec.attempts(), faultSeq(3); !slices.Equal(got, want) {
		t.Errorf("Attempt() in RoundTripper = %v; want %v", got, want)
	}
	bodies.check(t, want, 3, 0)
}
