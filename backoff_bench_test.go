package retryclient

import (
	"net/http"
	"testing"
	"time"
)

// BenchmarkBackoff measures the computation of one wait alone, Retry-After
// included.
func BenchmarkBackoff(b *testing.B) {
	resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"1"}}}
	now := time.Now()
	for _, bc := range []struct {
		name string
		o    RetryOptions
		resp *http.Response
	}{
		{"exponential", RetryOptions{}, nil},
		{"nojitter", RetryOptions{Jitter: NoJitter}, nil},
		{"retryafter", RetryOptions{}, resp},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink time.Duration
			n := 0
			for b.Loop() {
				n = n%5 + 1
				w, _ := bc.o.wait(n, bc.resp, sink, now)
				sink += w
			}
		})
	}
}
