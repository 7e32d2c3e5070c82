package retryclient

import (
	"math"
	"net/http"
	"testing"
	"time"
)

// FuzzRetryAfter checks that no Retry-After value makes a negative wait, a
// wait above MaxTimeout, or a panic.
func FuzzRetryAfter(f *testing.F) {
	for _, v := range []string{"120", " 42 ", "-1", "+1", "1.5", "9223372037", "99999999999999999999",
		"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "", "garbage"} {
		f.Add(v, int64(10*time.Second), 3)
	}
	now := time.Date(1994, 11, 6, 8, 49, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string, maxTimeout int64, n int) {
		o := RetryOptions{MaxTimeout: time.Duration(maxTimeout), StartTimeout: -1}
		if o.Validate() != nil || n < 1 {
			return
		}
		resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {v}}}
		w, ok := o.wait(n, resp, 0, now)
		if ok && (w < 0 || w > o.maxTimeout()) {
			t.Errorf("wait(Retry-After %q) = %v; want in [0, %v]", v, w, o.maxTimeout())
		}
		if d, ok := retryAfter(resp.Header, now); ok && d < 0 {
			t.Errorf("retryAfter(%q) = %v; want >= 0", v, d)
		}
	})
}

// FuzzOptions checks that any options either fail Validate or give waits
// in [0, MaxTimeout] for any attempt number, without a panic.
func FuzzOptions(f *testing.F) {
	f.Add(3, int64(100*time.Millisecond), int64(30*time.Second), 2.0, 0, 1, 0.5)
	f.Add(0, int64(-1), int64(0), 0.0, 1, 1000, 0.0)
	f.Add(5, int64(time.Second), int64(time.Second), math.MaxFloat64, 3, math.MaxInt, 0.999)
	f.Add(-1, int64(2), int64(1), 0.5, 9, -5, 1.0)
	f.Fuzz(func(t *testing.T, attempts int, start, maxTimeout int64, factor float64, jitter, n int, r float64) {
		o := RetryOptions{
			Attempts: attempts, StartTimeout: time.Duration(start), MaxTimeout: time.Duration(maxTimeout),
			Factor: factor, Jitter: Jitter(jitter),
			Rand: func() float64 { return math.Mod(math.Abs(r), 1) },
		}
		if o.Validate() != nil || n < 1 || math.IsNaN(r) || math.IsInf(r, 0) {
			return
		}
		prev := time.Duration(0)
		for i := n; i < n+3 && i > 0; i++ {
			w, ok := o.wait(i, nil, prev, time.Time{})
			if !ok || w < 0 || w > o.maxTimeout() {
				t.Fatalf("wait(%d) = %v, %v for %+v; want in [0, %v]", i, w, ok, o, o.maxTimeout())
			}
			prev = w
		}
	})
}
