package retryclient_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/retryclient/retryclient"
)

// openFDs counts this process's open file descriptors (Linux only).
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors here: %v", err)
	}
	return len(entries)
}

// TestNoConnectionOrFDLeak sends 10,000 calls, each retried once after a
// 503 with a body, and checks that connections are reused from the pool
// and that file descriptors return to their baseline.
func TestNoConnectionOrFDLeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	checkNoLeaks(t)
	const workers, calls = 8, 10000
	var newConns, hits atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write(make([]byte, 512)) // a body to drain before the connection can be reused
			return
		}
		w.Write([]byte("ok"))
	}))
	s.Config.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			newConns.Add(1)
		}
	}
	s.Start()
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	c := &retryclient.Client{Client: &http.Client{Transport: tr}, RetryOptions: retryclient.RetryOptions{StartTimeout: -1}}
	before := openFDs(t)

	var wg sync.WaitGroup
	var failures atomic.Int64
	for range workers {
		wg.Go(func() {
			for range calls / workers {
				resp, err := c.Get(s.URL)
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d calls failed", failures.Load())
	}
	t.Logf("%d calls, %d server hits, %d new connections (pool of %d)", calls, hits.Load(), newConns.Load(), workers)
	if hits.Load() < calls*3/2 {
		t.Errorf("hits = %d; want about %d (every other response is a 503)", hits.Load(), 2*calls)
	}
	if n := newConns.Load(); n > 2*workers {
		t.Errorf("new connections = %d; want at most %d: discarded responses are not drained for reuse", n, 2*workers)
	}
	tr.CloseIdleConnections()
	s.Close()
	if after := openFDs(t); after > before {
		t.Errorf("open fds = %d after, %d before", after, before)
	}
}
