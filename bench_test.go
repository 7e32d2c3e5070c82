package retryclient_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/retryclient/retryclient"
)

// Each benchmark runs a bare net/http twin beside the retrying client in
// the same run, so that their ratio can be read from one run:
//
//	go test -run '^$' -bench . -benchmem -count 6 . | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /client new.txt

var payload = bytes.Repeat([]byte("x"), 1024)

func newBenchServer(b *testing.B, h http.HandlerFunc) *httptest.Server {
	b.Helper()
	s := httptest.NewServer(h)
	b.Cleanup(s.Close)
	return s
}

func okHandler(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Write([]byte("ok"))
}

// clients returns a bare http.Client and a retryclient.Client over
// transports of their own, with the same settings.
func clients() (bare *http.Client, retrying *retryclient.Client) {
	bare = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	retrying = &retryclient.Client{
		Client:       &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}},
		RetryOptions: retryclient.RetryOptions{StartTimeout: -1},
	}
	return bare, retrying
}

type doer interface {
	Do(*http.Request) (*http.Response, error)
	CloseIdleConnections()
}

func finish(b *testing.B, resp *http.Response, err error) {
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func runBoth(b *testing.B, fn func(b *testing.B, c doer)) {
	bare, retrying := clients()
	b.Run("client=net-http", func(b *testing.B) { fn(b, bare); bare.CloseIdleConnections() })
	b.Run("client=retryclient", func(b *testing.B) { fn(b, retrying); retrying.CloseIdleConnections() })
}

func BenchmarkGet(b *testing.B) {
	s := newBenchServer(b, okHandler)
	runBoth(b, func(b *testing.B, c doer) {
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequest("GET", s.URL, nil)
			resp, err := c.Do(req)
			finish(b, resp, err)
		}
	})
}

func BenchmarkPost1KiB(b *testing.B) {
	s := newBenchServer(b, okHandler)
	runBoth(b, func(b *testing.B, c doer) {
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			req, _ := http.NewRequest("POST", s.URL, bytes.NewReader(payload))
			resp, err := c.Do(req)
			finish(b, resp, err)
		}
	})
}

// BenchmarkOneRetry: the server answers 503 then 200. The bare twin makes
// the same two round trips by hand, so the figures compare one retry with
// two plain requests.
func BenchmarkOneRetry(b *testing.B) {
	var n atomic.Int64
	s := newBenchServer(b, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	})
	runBoth(b, func(b *testing.B, c doer) {
		b.ReportAllocs()
		n.Store(0)
		_, bare := c.(*http.Client)
		for b.Loop() {
			req, _ := http.NewRequest("GET", s.URL, nil)
			resp, err := c.Do(req)
			if bare {
				finish(b, resp, err)
				req, _ = http.NewRequest("GET", s.URL, nil)
				resp, err = c.Do(req)
			}
			if err == nil && resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
			finish(b, resp, err)
		}
	})
}

func BenchmarkParallelGet(b *testing.B) {
	s := newBenchServer(b, okHandler)
	runBoth(b, func(b *testing.B, c doer) {
		b.ReportAllocs()
		b.SetParallelism(32) // 64 goroutines on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest("GET", s.URL, nil)
				resp, err := c.Do(req)
				finish(b, resp, err)
			}
		})
	})
}

// cannedTransport answers every request at once from memory, so that
// BenchmarkOverhead measures the client's own work without the network's
// noise.
type cannedTransport struct{}

func (cannedTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
}

// BenchmarkOverhead compares the per-call cost of the retrying client with
// http.Client's over an in-memory transport: the difference is the
// wrapper's own cost, which a loopback round trip hides in its noise.
func BenchmarkOverhead(b *testing.B) {
	bare := &http.Client{Transport: cannedTransport{}}
	retrying := &retryclient.Client{Client: &http.Client{Transport: cannedTransport{}}}
	req, _ := http.NewRequest("GET", "http://example.invalid/", nil)
	b.Run("client=net-http", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp, _ := bare.Do(req)
			resp.Body.Close()
		}
	})
	b.Run("client=retryclient", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp, _ := retrying.Do(req)
			resp.Body.Close()
		}
	})
}
