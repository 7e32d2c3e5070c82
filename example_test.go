package retryclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
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
