// Package bench compares retryclient with bare net/http and
// hashicorp/go-retryablehttp, case by case, in one run. See BENCHMARKS.md
// at the repository root and ./run.
package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/retryclient/retryclient"
)

var payload = bytes.Repeat([]byte("x"), 1024)

// doFunc sends one request.
type doFunc func(method, url string, body []byte) (*http.Response, error)

// contenders returns, for each client under test, a function that sends a
// request: each over a transport of its own with the same settings, no
// waits between attempts, 3 attempts, no logging.
func contenders() []struct {
	name string
	do   doFunc
	idle func()
} {
	newTransport := func() *http.Transport { return &http.Transport{MaxIdleConnsPerHost: 100} }
	body := func(b []byte) io.Reader {
		if b == nil {
			return nil
		}
		return bytes.NewReader(b)
	}

	bare := &http.Client{Transport: newTransport()}
	rc := &retryclient.Client{Client: &http.Client{Transport: newTransport()}, RetryOptions: retryclient.RetryOptions{StartTimeout: -1}}
	rtTransport := newTransport()
	rt := &http.Client{Transport: &retryclient.Transport{Base: rtTransport, RetryOptions: retryclient.RetryOptions{StartTimeout: -1}}}
	rh := retryablehttp.NewClient()
	rh.HTTPClient = &http.Client{Transport: newTransport()}
	rh.Logger = nil
	rh.RetryMax = 2 // 3 attempts in all
	rh.RetryWaitMin, rh.RetryWaitMax = 0, 0

	return []struct {
		name string
		do   doFunc
		idle func()
	}{
		{"net-http", func(m, u string, b []byte) (*http.Response, error) {
			req, _ := http.NewRequest(m, u, body(b))
			return bare.Do(req)
		}, bare.CloseIdleConnections},
		{"retryclient", func(m, u string, b []byte) (*http.Response, error) {
			req, _ := http.NewRequest(m, u, body(b))
			return rc.Do(req)
		}, rc.CloseIdleConnections},
		{"retryclient-transport", func(m, u string, b []byte) (*http.Response, error) {
			req, _ := http.NewRequest(m, u, body(b))
			return rt.Do(req)
		}, rt.CloseIdleConnections},
		{"retryablehttp", func(m, u string, b []byte) (*http.Response, error) {
			var rb any
			if b != nil {
				rb = b
			}
			req, _ := retryablehttp.NewRequest(m, u, rb)
			return rh.Do(req)
		}, rh.HTTPClient.CloseIdleConnections},
	}
}

func finish(b *testing.B, resp *http.Response, err error) {
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func okHandler(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Write([]byte("ok"))
}

func BenchmarkGet(b *testing.B) {
	s := httptest.NewServer(http.HandlerFunc(okHandler))
	defer s.Close()
	for _, c := range contenders() {
		b.Run("client="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := c.do("GET", s.URL, nil)
				finish(b, resp, err)
			}
			c.idle()
		})
	}
}

func BenchmarkPost1KiB(b *testing.B) {
	s := httptest.NewServer(http.HandlerFunc(okHandler))
	defer s.Close()
	for _, c := range contenders() {
		b.Run("client="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := c.do("POST", s.URL, payload)
				finish(b, resp, err)
			}
			c.idle()
		})
	}
}

// BenchmarkOneRetry: 503 then 200, zero wait. The net-http row makes the
// two round trips by hand.
func BenchmarkOneRetry(b *testing.B) {
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer s.Close()
	for _, c := range contenders() {
		b.Run("client="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			n.Store(0)
			for b.Loop() {
				resp, err := c.do("GET", s.URL, nil)
				if c.name == "net-http" {
					finish(b, resp, err)
					resp, err = c.do("GET", s.URL, nil)
				}
				if err == nil && resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
				finish(b, resp, err)
			}
			c.idle()
		})
	}
}

func BenchmarkParallelGet(b *testing.B) {
	s := httptest.NewServer(http.HandlerFunc(okHandler))
	defer s.Close()
	for _, c := range contenders() {
		b.Run("client="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(32) // 64 goroutines on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := c.do("GET", s.URL, nil)
					finish(b, resp, err)
				}
			})
			c.idle()
		})
	}
}

// pattern is an endless reader of a fixed byte: a body of any size without
// memory behind it.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'z'
	}
	return len(p), nil
}

// peakHeap samples the live heap every millisecond while fn runs and
// returns the highest growth over the heap before fn.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
				peak.Store(ms.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// BenchmarkUploadMemory uploads a large body to a server that answers 503
// once, then 200, and reports the peak heap growth of the upload.
func BenchmarkUploadMemory(b *testing.B) {
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer s.Close()

	for _, size := range []int64{16 << 20, 256 << 20} {
		path := filepath.Join(b.TempDir(), "body")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		f.Truncate(size)       // sparse: reads return zeros without disk I/O
		io.Copy(io.Discard, f) // warm the page cache, so that no client pays for it
		f.Close()
		bodies := []struct {
			name string
			make func() (io.Reader, func() (io.ReadCloser, error))
		}{
			{"file", func() (io.Reader, func() (io.ReadCloser, error)) {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				return f, nil
			}},
			{"getbody", func() (io.Reader, func() (io.ReadCloser, error)) {
				gb := func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(pattern{}, size)), nil }
				rc, _ := gb()
				return rc, gb
			}},
			{"reader", func() (io.Reader, func() (io.ReadCloser, error)) {
				return struct{ io.Reader }{io.LimitReader(pattern{}, size)}, nil
			}},
		}
		for _, body := range bodies {
			b.Run("size="+mib(size)+"/body="+body.name+"/client=retryclient", func(b *testing.B) {
				c := &retryclient.Client{Client: &http.Client{Transport: &http.Transport{}}, RetryOptions: retryclient.RetryOptions{StartTimeout: -1}}
				var peak uint64
				for b.Loop() {
					n.Store(0)
					peak = max(peak, peakHeap(func() {
						r, gb := body.make()
						req, _ := http.NewRequestWithContext(context.Background(), "PUT", s.URL, r)
						req.ContentLength, req.GetBody = size, gb
						resp, err := c.Do(req)
						finish(b, resp, err)
					}))
				}
				b.ReportMetric(float64(peak), "peak-heap-B")
				c.CloseIdleConnections()
			})
			b.Run("size="+mib(size)+"/body="+body.name+"/client=retryablehttp", func(b *testing.B) {
				rh := retryablehttp.NewClient()
				rh.HTTPClient = &http.Client{Transport: &http.Transport{}}
				rh.Logger = nil
				rh.RetryWaitMin, rh.RetryWaitMax = 0, 0
				var peak uint64
				for b.Loop() {
					n.Store(0)
					peak = max(peak, peakHeap(func() {
						r, gb := body.make()
						var rb any = r
						if gb != nil {
							rb = retryablehttp.ReaderFunc(func() (io.Reader, error) { return gb() })
						}
						req, err := retryablehttp.NewRequest("PUT", s.URL, rb)
						if err != nil {
							b.Fatal(err)
						}
						req.ContentLength = size
						resp, err := rh.Do(req)
						finish(b, resp, err)
					}))
				}
				b.ReportMetric(float64(peak), "peak-heap-B")
				rh.HTTPClient.CloseIdleConnections()
			})
		}
	}
}

func mib(n int64) string {
	return strconv.FormatInt(n>>20, 10) + "MiB"
}
