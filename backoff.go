package retryclient

import (
	"math"
	"math/rand/v2"
	"net/http"
	"time"
)

// maxDuration is the longest time.Duration; waits saturate there instead of
// overflowing.
const maxDuration = time.Duration(math.MaxInt64)

// backoff returns the wait after failed attempt n (n >= 1):
// min(StartTimeout × Factor^(n-1), MaxTimeout) with o's jitter applied
// before the cap. prev is the wait chosen after attempt n-1 (0 for n = 1);
// only DecorrelatedJitter uses it. rnd returns a uniform number in [0, 1).
//
// The result is always in [0, MaxTimeout], for any n, and the computation
// neither allocates nor overflows.
func (o *RetryOptions) backoff(n int, prev time.Duration, rnd func() float64) time.Duration {
	start := o.startTimeout()
	if start <= 0 {
		return 0
	}
	limit := float64(o.maxTimeout())
	var w float64
	switch o.Jitter {
	case DecorrelatedJitter:
		hi := 3 * float64(max(prev, start))
		w = float64(start) + rnd()*(hi-float64(start))
	default:
		// Multiply step by step rather than with math.Pow: n is small in
		// practice, the loop stops at the cap, and it cannot overflow.
		w = float64(start)
		f := o.factor()
		for i := 1; i < n && w < limit; i++ {
			w *= f
		}
		switch o.Jitter {
		case ProportionalJitter:
			w *= 0.8 + 0.4*rnd()
		case FullJitter:
			w *= rnd()
		}
	}
	if !(w < limit) { // also catches NaN and +Inf
		w = limit
	}
	return time.Duration(max(w, 0))
}

// defaultRand is the source of randomness for jitter: math/rand/v2's global
// generator, safe for concurrent use and free of allocation.
func defaultRand() float64 { return rand.Float64() }

// retryAfter parses the Retry-After header of a response (RFC 9110 section
// 10.2.3) and returns the wait it asks for, relative to now. It reports false
// for no header, more than one, garbage (signs, fractions, anything but
// digits or an HTTP-date) and dates that are not in the future. A number of
// seconds too large for a time.Duration saturates at the longest duration
// instead of overflowing.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	vs := h["Retry-After"]
	if len(vs) != 1 {
		return 0, false
	}
	v := trimOWS(vs[0])
	if v == "" {
		return 0, false
	}
	if d, ok := parseSeconds(v); ok {
		return d, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now) // saturates, never overflows
	if d <= 0 {
		return 0, false
	}
	return d, true
}

// parseSeconds parses delay-seconds (1*DIGIT) into a duration, saturating at
// maxDuration.
func parseSeconds(v string) (time.Duration, bool) {
	const maxSeconds = int64(maxDuration / time.Second)
	var secs int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if secs > maxSeconds {
			continue // already saturated; keep checking the digits
		}
		secs = secs*10 + int64(c-'0')
	}
	if secs > maxSeconds {
		return maxDuration, true
	}
	return time.Duration(secs) * time.Second, true
}

// trimOWS removes the optional whitespace (spaces and tabs) around a field
// value.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
