package retryclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/retryclient/retryclient"
)

// The quick start: a zero Client in place of an *http.Client. The server
// fails twice with 503 and then answers; the call returns its 200, after
// the default waits of about 100ms and 200ms.
func Example() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "hello")
	}))
	defer srv.Close()

	client := &retryclient.Client{} // sends through http.DefaultClient
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)

	fmt.Println(resp.Status)
	fmt.Print(string(body))
	fmt.Println("hits:", hits.Load())
	// Output:
	// 200 OK
	// hello
	// hits: 3
}

// Do sends any request. Each attempt sends the whole body again: here the
// server fails the first PUT after reading its body, and the retry carries
// the same bytes.
func ExampleClient_Do() {
	var (
		mu     sync.Mutex
		bodies []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1}, // no wait, to keep the example fast
	}
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/doc", strings.NewReader(`{"n":1}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	req.Header.Set("Content-Type", "application/json")

	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()

	fmt.Println(resp.Status)
	for i, b := range bodies {
		fmt.Printf("attempt %d sent %s\n", i+1, b)
	}
	// Output:
	// 204 No Content
	// attempt 1 sent {"n":1}
	// attempt 2 sent {"n":1}
}

// A POST may have taken effect even when it failed, so it is not retried on
// a 500 by default. An Idempotency-Key header tells the client that the
// server can recognise a repeat, and makes the POST retryable.
func ExampleClient_Do_idempotencyKey() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{Attempts: 3, StartTimeout: -1},
	}
	for _, key := range []string{"", "order-42"} {
		hits.Store(0)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/orders", strings.NewReader("item=book"))
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("Idempotency-Key %q: %s after %d hits\n", key, resp.Status, hits.Load())
	}
	// Output:
	// Idempotency-Key "": 500 Internal Server Error after 1 hits
	// Idempotency-Key "order-42": 500 Internal Server Error after 3 hits
}

// Options carried by the request's context replace the client's options
// for that call only: whole, nothing is merged. Here the client makes a
// single attempt, but one call asks for five. After the last attempt the
// 500 is returned as it is, with a nil error, as http.Client would.
func ExampleWithRetryOptions() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{Attempts: 1},
	}

	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Printf("client options: %s after %d hits\n", resp.Status, hits.Load())

	hits.Store(0)
	ctx := retryclient.WithRetryOptions(context.Background(), retryclient.RetryOptions{
		Attempts:     5,
		StartTimeout: time.Millisecond,
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err = client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Printf("per-call options: %s after %d hits\n", resp.Status, hits.Load())
	// Output:
	// client options: 500 Internal Server Error after 1 hits
	// per-call options: 500 Internal Server Error after 5 hits
}

// exampleAttemptLogger is an http.RoundTripper that prints the number of
// each attempt before sending it.
type exampleAttemptLogger struct{ next http.RoundTripper }

func (l exampleAttemptLogger) RoundTrip(req *http.Request) (*http.Response, error) {
	fmt.Printf("attempt %d: %s %s\n", retryclient.Attempt(req.Context()), req.Method, req.URL.Path)
	return l.next.RoundTrip(req)
}

// Each attempt's request context carries the attempt number, so any
// RoundTripper under the Client can read it with Attempt. Each attempt's
// context is derived from the caller's, so an httptrace.ClientTrace placed
// there fires once for every attempt. Outside a retry loop, Attempt is 0.
func ExampleAttempt() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client:       &http.Client{Transport: exampleAttemptLogger{next: http.DefaultTransport}},
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1},
	}

	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { fmt.Println("  httptrace: got a connection") },
	})
	fmt.Println("caller's context:", retryclient.Attempt(ctx))

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/ping", nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// caller's context: 0
	// attempt 1: GET /ping
	//   httptrace: got a connection
	// attempt 2: GET /ping
	//   httptrace: got a connection
	// 200 OK
}

// The hooks of WithTrace show the retry loop at work: the start of each
// attempt, each retry with its reason and wait, and the give-up. NoJitter
// makes the waits exact: StartTimeout, then twice as long.
func ExampleWithTrace() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client: srv.Client(),
		RetryOptions: retryclient.RetryOptions{
			Attempts:     3,
			StartTimeout: 5 * time.Millisecond,
			Jitter:       retryclient.NoJitter,
		},
	}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		AttemptStart: func(i retryclient.AttemptStartInfo) {
			fmt.Printf("attempt %d of %d\n", i.Attempt, i.Attempts)
		},
		Retry: func(i retryclient.RetryInfo) {
			fmt.Printf("  retry after attempt %d: %s, waiting %v\n", i.Attempt, i.Reason, i.Wait)
		},
		GiveUp: func(i retryclient.GiveUpInfo) {
			fmt.Printf("  give up after attempt %d: %s\n", i.Attempt, i.Reason)
		},
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// attempt 1 of 3
	//   retry after attempt 1: status 503, waiting 5ms
	// attempt 2 of 3
	//   retry after attempt 2: status 503, waiting 10ms
	// attempt 3 of 3
	//   give up after attempt 3: attempts exhausted
	// 503 Service Unavailable
}

// A Retry-After header on a retried response lengthens the wait: the
// larger of the hint and the backoff is used.
func ExampleClient_Do_retryAfter() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client: srv.Client(),
		RetryOptions: retryclient.RetryOptions{
			StartTimeout: time.Millisecond,
			Jitter:       retryclient.NoJitter,
		},
	}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) {
			fmt.Printf("%s: waiting %v\n", i.Reason, i.Wait)
		},
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "after", hits.Load(), "hits")
	// Output:
	// status 429: waiting 1s
	// 200 OK after 2 hits
}

// A server that asks for a wait longer than MaxTimeout is not retried: its
// response is returned at once, after a single attempt, so that the caller
// can read the status and the header itself.
func ExampleRetryOptions_maxTimeout() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{MaxTimeout: time.Second},
	}
	start := time.Now()
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "after", hits.Load(), "hit")
	fmt.Println("Retry-After:", resp.Header.Get("Retry-After"))
	fmt.Println("returned at once:", time.Since(start) < time.Second)
	// Output:
	// 503 Service Unavailable after 1 hit
	// Retry-After: 3600
	// returned at once: true
}

// Validate checks options once, at start-up. A call made with invalid
// options returns the same error inside a *url.Error and sends nothing.
func ExampleRetryOptions_Validate() {
	opts := retryclient.RetryOptions{Factor: 0.5}
	err := opts.Validate()
	fmt.Println(err)

	var oe *retryclient.OptionError
	if errors.As(err, &oe) {
		fmt.Println("field:", oe.Field)
	}
	// Output:
	// retryclient: invalid RetryOptions.Factor: must be 0 (default) or a finite number >= 1, got 0.5
	// field: Factor
}

// When every attempt fails with an error, the *url.Error returned holds a
// *RetryError that tells how many attempts were made and why the loop
// stopped; errors.Is still finds the cause. Here the server drops every
// connection without an answer.
func ExampleRetryError() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1},
	}
	_, err := client.Get(srv.URL)

	var re *retryclient.RetryError
	if errors.As(err, &re) {
		fmt.Println("attempts:", re.Attempts)
		fmt.Println("reason:", re.Reason)
	}
	fmt.Println("io.EOF:", errors.Is(err, io.EOF))
	fmt.Println("hits:", hits.Load())
	// Output:
	// attempts: 3
	// reason: attempts exhausted
	// io.EOF: true
	// hits: 3
}

// A Transport retries below an http.Client, for code that accepts only an
// *http.Client or an http.RoundTripper. Errors are not wrapped by the
// Transport; the http.Client around it wraps them as usual.
func ExampleTransport() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()

	hc := &http.Client{Transport: &retryclient.Transport{
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1},
	}}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status, "after", hits.Load(), "hits")
	// Output:
	// 200 OK after 2 hits
}

// A Policy decides what is retried. This one also retries a 404, for a
// resource that takes a moment to appear, and leaves everything else to
// DefaultPolicy.
func ExamplePolicy() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "here now")
	}))
	defer srv.Close()

	notYet := func(o retryclient.Outcome) (bool, string) {
		if o.Response != nil && o.Response.StatusCode == http.StatusNotFound {
			return true, "not there yet"
		}
		return retryclient.DefaultPolicy(o)
	}
	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1, Policy: notYet},
	}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) {
			fmt.Printf("attempt %d: %s\n", i.Attempt, i.Reason)
		},
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/report", nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.Status, ": ", string(body))
	// Output:
	// attempt 1: not there yet
	// attempt 2: not there yet
	// 200 OK: here now
}

// Constant waits the same time after every failed attempt. NoJitter keeps
// the waits exact; the Retry hook collects them.
func ExampleConstant() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client: srv.Client(),
		RetryOptions: retryclient.RetryOptions{
			Attempts: 4,
			Backoff:  retryclient.Constant(5 * time.Millisecond),
			Jitter:   retryclient.NoJitter,
		},
	}
	var waits []time.Duration
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) { waits = append(waits, i.Wait) },
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "after waits", waits)
	// Output:
	// 503 Service Unavailable after waits [5ms 5ms 5ms]
}

// Waits lists the wait after each failed attempt. Every entry is used, the
// first one included (aiohttp_retry's ListRetry skips it), and the last one
// repeats when there are more attempts than entries.
func ExampleWaits() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client: srv.Client(),
		RetryOptions: retryclient.RetryOptions{
			Attempts: 5,
			Backoff:  retryclient.Waits{1 * time.Millisecond, 4 * time.Millisecond, 2 * time.Millisecond},
			Jitter:   retryclient.NoJitter,
		},
	}
	var waits []time.Duration
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) { waits = append(waits, i.Wait) },
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "after waits", waits)
	// Output:
	// 503 Service Unavailable after waits [1ms 4ms 2ms 2ms]
}

// Fibonacci waits 1, 2, 3, 5, 8, ... units. It is a function of the attempt
// number alone: each call starts the sequence again, even when calls share
// one Client (aiohttp_retry's FibonacciRetry carries its sequence over from
// one request to the next).
func ExampleFibonacci() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client: srv.Client(),
		RetryOptions: retryclient.RetryOptions{
			Attempts: 6,
			Backoff:  retryclient.Fibonacci(time.Millisecond),
			Jitter:   retryclient.NoJitter,
		},
	}
	for call := 1; call <= 2; call++ {
		var waits []time.Duration
		ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
			Retry: func(i retryclient.RetryInfo) { waits = append(waits, i.Wait) },
		})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("call %d: waits %v\n", call, waits)
	}
	// Output:
	// call 1: waits [1ms 2ms 3ms 5ms 8ms]
	// call 2: waits [1ms 2ms 3ms 5ms 8ms]
}

// Random waits Min plus a random fraction of Max - Min. The randomness comes
// from RetryOptions.Rand (math/rand/v2 when nil); a Rand that always returns
// 0.5, as here or in a test, makes every wait the midpoint.
func ExampleRandom() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client: srv.Client(),
		RetryOptions: retryclient.RetryOptions{
			Attempts: 3,
			Backoff:  retryclient.Random{Min: 2 * time.Millisecond, Max: 6 * time.Millisecond},
			Jitter:   retryclient.NoJitter,
			Rand:     func() float64 { return 0.5 },
		},
	}
	var waits []time.Duration
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) { waits = append(waits, i.Wait) },
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, "after waits", waits)
	// Output:
	// 503 Service Unavailable after waits [4ms 4ms]
}

// A BackoffFunc sees the failed attempt's response, so it can follow a
// rate-limit header of the server's own. MaxTimeout still caps what it
// returns.
func ExampleBackoffFunc() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("X-RateLimit-Reset-Ms", "15")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()

	rateLimit := retryclient.BackoffFunc(func(attempt int, resp *http.Response, _ float64) time.Duration {
		if resp != nil {
			if ms, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Reset-Ms")); err == nil {
				return time.Duration(ms) * time.Millisecond
			}
		}
		return time.Duration(attempt) * 10 * time.Millisecond // no header (or an error)
	})
	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{Backoff: rateLimit, Jitter: retryclient.NoJitter},
	}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) { fmt.Printf("%s: waiting %v\n", i.Reason, i.Wait) },
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// status 429: waiting 15ms
	// 200 OK
}

// Jitter spreads the waits so that many clients do not retry in lockstep.
// The schedule is capped at MaxTimeout first and the jitter is drawn within
// the cap, so no wait ever exceeds MaxTimeout. NoJitter gives the exact
// schedule; the default, ProportionalJitter, a wait in [0.8, 1.2) times the
// schedule, cut at MaxTimeout. Only facts that hold on every run are printed.
func ExampleJitter() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	const maxTimeout = 10 * time.Millisecond
	schedule := []time.Duration{4 * time.Millisecond, 8 * time.Millisecond, maxTimeout} // 4ms × 2^(n-1), capped
	for _, jitter := range []retryclient.Jitter{retryclient.NoJitter, retryclient.ProportionalJitter} {
		client := &retryclient.Client{
			Client: srv.Client(),
			RetryOptions: retryclient.RetryOptions{
				Attempts:     4,
				StartTimeout: 4 * time.Millisecond,
				MaxTimeout:   maxTimeout,
				Jitter:       jitter,
			},
		}
		var waits []time.Duration
		ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
			Retry: func(i retryclient.RetryInfo) { waits = append(waits, i.Wait) },
		})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()

		if jitter == retryclient.NoJitter {
			fmt.Println(jitter, waits)
			continue
		}
		within := len(waits) == len(schedule)
		for i, w := range waits {
			lo, hi := schedule[i]*8/10, min(schedule[i]*12/10, maxTimeout)
			within = within && w >= lo && w <= hi
		}
		fmt.Println(jitter, "each wait in [0.8, 1.2) × schedule and at most MaxTimeout:", within)
	}
	// Output:
	// NoJitter [4ms 8ms 10ms]
	// ProportionalJitter each wait in [0.8, 1.2) × schedule and at most MaxTimeout: true
}

// A Policy of your own can keep the default rules and add a case. This one
// also retries a 200 whose body says the job is still pending. It reads the
// body to decide; the bytes it read are given back, so the caller reads the
// final body whole.
func ExampleDefaultPolicy() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch hits.Add(1) {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			fmt.Fprint(w, "pending")
		default:
			fmt.Fprint(w, "done: 42 rows")
		}
	}))
	defer srv.Close()

	pending := func(o retryclient.Outcome) (bool, string) {
		if retry, reason := retryclient.DefaultPolicy(o); retry {
			return true, reason
		}
		if o.Response != nil && o.Response.StatusCode == http.StatusOK {
			head := make([]byte, len("pending"))
			n, _ := io.ReadFull(o.Response.Body, head)
			if string(head[:n]) == "pending" {
				return true, "job pending"
			}
		}
		return false, ""
	}
	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1, Policy: pending},
	}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) { fmt.Printf("attempt %d: %s\n", i.Attempt, i.Reason) },
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/job/7", nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("%s: %s\n", resp.Status, body)
	// Output:
	// attempt 1: status 503
	// attempt 2: job pending
	// 200 OK: done: 42 rows
}

// By default a POST that reached the server is not retried on a 500: it may
// have taken effect. Methods lists the methods that may be retried once
// sent, in any letter case. The list replaces the default one (GET, HEAD,
// OPTIONS, TRACE, PUT, DELETE), so name every method to retry.
func ExampleRetryOptions_methods() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()

	for _, methods := range [][]string{nil, {"get", "put", "post"}} {
		hits.Store(0)
		client := &retryclient.Client{
			Client:       srv.Client(),
			RetryOptions: retryclient.RetryOptions{StartTimeout: -1, Methods: methods},
		}
		resp, err := client.Post(srv.URL+"/orders", "text/plain", strings.NewReader("1 book"))
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("Methods %q: %s after %d hits\n", methods, resp.Status, hits.Load())
	}
	// Output:
	// Methods []: 500 Internal Server Error after 1 hits
	// Methods ["get" "put" "post"]: 201 Created after 2 hits
}

// Rewrite changes the request before each retry: here it fails over to a
// mirror and refreshes a token. It gets a deep copy of the request, so the
// other headers (and the context, with its trace hooks) carry over, and the
// caller's request is left as it was.
func ExampleRetryOptions_rewrite() {
	primary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("primary %s: %s, X-Request-Id %s\n", r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("X-Request-Id"))
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer primary.Close()
	mirror := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("mirror %s: %s, X-Request-Id %s\n", r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("X-Request-Id"))
		fmt.Fprint(w, "report from the mirror")
	}))
	defer mirror.Close()
	mirrorURL, _ := url.Parse(mirror.URL)

	client := &retryclient.Client{
		Client: primary.Client(),
		RetryOptions: retryclient.RetryOptions{
			StartTimeout: -1,
			Rewrite: func(attempt int, req *http.Request) (*http.Request, error) {
				req.URL.Host = mirrorURL.Host // path and query stay
				req.Host = ""
				req.Header.Set("Authorization", "Bearer token-"+strconv.Itoa(attempt))
				return req, nil
			},
		},
	}
	req, _ := http.NewRequest(http.MethodGet, primary.URL+"/report", nil)
	req.Header.Set("Authorization", "Bearer token-1")
	req.Header.Set("X-Request-Id", "42")
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("%s: %s\n", resp.Status, body)
	fmt.Println("caller's request:", req.Header.Get("Authorization"))
	// Output:
	// primary /report: Bearer token-1, X-Request-Id 42
	// mirror /report: Bearer token-2, X-Request-Id 42
	// 200 OK: report from the mirror
	// caller's request: Bearer token-1
}

// AttemptTimeout bounds each attempt on its own: a stalled attempt fails
// with an *AttemptTimeoutError and is retried, while the caller's context
// still bounds the whole call. The timeout stops once the response headers
// are in: the body of the response returned can take longer to read.
func ExampleRetryOptions_attemptTimeout() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select { // stall until the client gives up on the attempt
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		}
		fmt.Fprint(w, "first half, ")
		w.(http.Flusher).Flush()
		time.Sleep(150 * time.Millisecond) // longer than AttemptTimeout
		fmt.Fprint(w, "second half")
	}))
	defer srv.Close()

	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1, AttemptTimeout: 100 * time.Millisecond},
	}
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		Retry: func(i retryclient.RetryInfo) {
			var ate *retryclient.AttemptTimeoutError
			if errors.As(i.Err, &ate) {
				fmt.Printf("attempt %d timed out after %v (reason %q, DeadlineExceeded: %v)\n",
					i.Attempt, ate.After, i.Reason, errors.Is(i.Err, context.DeadlineExceeded))
			}
		},
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	fmt.Printf("%s: %q, %v\n", resp.Status, body, err)
	// Output:
	// attempt 1 timed out after 100ms (reason "timeout", DeadlineExceeded: true)
	// 200 OK: "first half, second half", <nil>
}

// Logger gets one Info line per retry and one Warn line when the loop gives
// up. The URL is logged without its user information and query, and no
// header value or body is ever logged. The handler here drops the time so
// that the output is the same on every run.
func ExampleRetryOptions_logger() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	// Every connection goes to the local server, whatever the URL's host.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	defer tr.CloseIdleConnections()

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
	client := &retryclient.Client{
		Client: &http.Client{Transport: tr},
		RetryOptions: retryclient.RetryOptions{
			StartTimeout: time.Millisecond,
			Jitter:       retryclient.NoJitter,
			Logger:       logger,
		},
	}
	resp, err := client.Get("http://user:secret@api.example/v1/report?token=abc")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// level=INFO msg="retryclient: retrying" method=GET url=http://api.example/v1/report attempt=1 attempts=3 status=503 reason="status 503" wait=1ms
	// level=INFO msg="retryclient: retrying" method=GET url=http://api.example/v1/report attempt=2 attempts=3 status=503 reason="status 503" wait=2ms
	// level=WARN msg="retryclient: giving up" method=GET url=http://api.example/v1/report attempt=3 attempts=3 status=503 reason="attempts exhausted"
	// 503 Service Unavailable
}

// A Budget shared by many calls stops retry storms: each failed attempt
// takes a token, each response that is not retried gives back Ratio of
// one, and retries stop while the bucket is at half or less. First
// attempts are never refused. This one is small so that the example is
// short: 4 tokens, so a retry needs more than 2.
func ExampleBudget() {
	var down atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()

	budget := &retryclient.Budget{MaxTokens: 4, Ratio: 0.5}
	client := &retryclient.Client{
		Client:       srv.Client(),
		RetryOptions: retryclient.RetryOptions{Attempts: 3, StartTimeout: -1, Budget: budget},
	}
	get := func(url string) (attempts int, reason string, err error) {
		ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
			AttemptStart: func(retryclient.AttemptStartInfo) { attempts++ },
			GiveUp:       func(i retryclient.GiveUpInfo) { reason = i.Reason },
		})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return attempts, reason, err
	}

	down.Store(true)
	for range 2 {
		attempts, reason, _ := get(srv.URL)
		fmt.Printf("server down: %d attempt(s), %s; %v tokens left\n", attempts, reason, budget.Tokens())
	}
	down.Store(false)
	for range 6 {
		get(srv.URL)
	}
	fmt.Printf("server up again, 6 successes: %v tokens left\n", budget.Tokens())
	down.Store(true)
	attempts, reason, _ := get(srv.URL)
	fmt.Printf("server down: %d attempt(s), %s; %v tokens left\n", attempts, reason, budget.Tokens())

	// The budget is shared by every call that carries it, whatever the
	// host. A call that ends on an error reports the budget in it.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	attempts, _, err := get(dead.URL)
	fmt.Printf("connection refused: %d attempt(s), ErrBudgetExhausted: %v\n", attempts, errors.Is(err, retryclient.ErrBudgetExhausted))
	// Output:
	// server down: 2 attempt(s), retry budget exhausted; 2 tokens left
	// server down: 1 attempt(s), retry budget exhausted; 1 tokens left
	// server up again, 6 successes: 4 tokens left
	// server down: 2 attempt(s), retry budget exhausted; 2 tokens left
	// connection refused: 1 attempt(s), ErrBudgetExhausted: true
}

// An invalid option names its field in an *OptionError, and the call that
// carries it sends nothing.
func ExampleOptionError() {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	defer srv.Close()

	for _, opts := range []retryclient.RetryOptions{
		{Methods: []string{"get", "FETCH"}},
		{Backoff: retryclient.Waits{}},
		{Backoff: retryclient.Random{Min: time.Second, Max: time.Millisecond}},
		{Budget: &retryclient.Budget{Ratio: 2}},
	} {
		client := &retryclient.Client{Client: srv.Client(), RetryOptions: opts}
		_, err := client.Get(srv.URL)
		var oe *retryclient.OptionError
		if errors.As(err, &oe) {
			fmt.Printf("%s: %s\n", oe.Field, oe.Reason)
		}
	}
	fmt.Println("requests sent:", hits.Load())
	// Output:
	// Methods[1]: unknown method "FETCH"
	// Backoff: Waits must not be empty
	// Backoff: Random.Max (1ms) must not be below Random.Min (1s)
	// Budget.Ratio: must be 0 (default) or in [0.001, 1]
	// requests sent: 0
}
