package retryclient

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// maxDuration is the longest time.Duration; waits saturate there instead of
// overflowing.
const maxDuration = time.Duration(math.MaxInt64)

// A Backoff computes the wait after a failed attempt. The result is then
// capped by [RetryOptions.MaxTimeout] and spread by [RetryOptions.Jitter]
// within that cap; Retry-After, when present, can only lengthen it.
//
// Wait is called with the 1-based number of the attempt that failed, its
// response (nil when the attempt failed with an error) and rnd, a number
// drawn uniformly from [0, 1) for strategies that need randomness. It must
// be a pure function of its arguments, keeping no state between calls, so
// that one value serves every goroutine. A negative result counts as 0.
//
// The strategies of this package are [Constant], [Waits], [Fibonacci],
// [Random] and [BackoffFunc] for a function of your own; a nil Backoff is
// the exponential schedule of StartTimeout and Factor. A Backoff with a
// Validate method has it called by [RetryOptions.Validate].
type Backoff interface {
	Wait(attempt int, resp *http.Response, rnd float64) time.Duration
}

// BackoffFunc adapts a function to a [Backoff]. It sees the failed
// attempt's response, so it can follow a rate-limit header of the server's.
type BackoffFunc func(attempt int, resp *http.Response, rnd float64) time.Duration

// Wait returns f(attempt, resp, rnd).
func (f BackoffFunc) Wait(attempt int, resp *http.Response, rnd float64) time.Duration {
	return f(attempt, resp, rnd)
}

// Validate reports an error for a nil function.
func (f BackoffFunc) Validate() error {
	if f == nil {
		return &OptionError{"Backoff", "BackoffFunc is nil"}
	}
	return nil
}

// Constant waits the same time after every failed attempt.
type Constant time.Duration

// Wait returns c.
func (c Constant) Wait(int, *http.Response, float64) time.Duration { return time.Duration(c) }

// Validate reports an error for a negative wait.
func (c Constant) Validate() error {
	if c < 0 {
		return &OptionError{"Backoff", "Constant wait must not be negative, got " + time.Duration(c).String()}
	}
	return nil
}

// Waits lists the wait after each failed attempt: the first entry after
// attempt 1, the second after attempt 2, and so on; the last entry repeats
// when there are more attempts than entries. Unlike aiohttp_retry's
// ListRetry, the first entry is used.
type Waits []time.Duration

// Wait returns the entry for attempt.
func (w Waits) Wait(attempt int, _ *http.Response, _ float64) time.Duration {
	if len(w) == 0 {
		return 0
	}
	return w[min(max(attempt, 1), len(w))-1]
}

// Validate reports an error for an empty list or a negative entry.
func (w Waits) Validate() error {
	if len(w) == 0 {
		return &OptionError{"Backoff", "Waits must not be empty"}
	}
	for i, d := range w {
		if d < 0 {
			return &OptionError{"Backoff", "Waits[" + strconv.Itoa(i) + "] must not be negative, got " + d.String()}
		}
	}
	return nil
}

// Fibonacci waits a multiple of its unit that follows the Fibonacci
// sequence: 1, 2, 3, 5, 8, ... units after attempts 1, 2, 3, 4, 5, ...
// It is a pure function of the attempt number, unlike aiohttp_retry's
// FibonacciRetry, whose state is shared by every request.
type Fibonacci time.Duration

// Wait returns the wait after attempt, saturating instead of overflowing.
func (f Fibonacci) Wait(attempt int, _ *http.Response, _ float64) time.Duration {
	a, b := 1.0, 1.0 // F(1), F(2)
	for i := 1; i < attempt && b < math.MaxInt64; i++ {
		a, b = b, a+b
	}
	w := b * float64(f)
	if !(w < math.MaxInt64) {
		return maxDuration
	}
	return time.Duration(w)
}

// Validate reports an error for a non-positive unit.
func (f Fibonacci) Validate() error {
	if f <= 0 {
		return &OptionError{"Backoff", "Fibonacci unit must be positive, got " + time.Duration(f).String()}
	}
	return nil
}

// Random waits a time drawn uniformly from [Min, Max) after each failed
// attempt (Min when they are equal), like aiohttp_retry's RandomRetry.
type Random struct {
	Min, Max time.Duration
}

// Wait returns Min + rnd × (Max - Min).
func (r Random) Wait(_ int, _ *http.Response, rnd float64) time.Duration {
	return r.Min + time.Duration(rnd*float64(r.Max-r.Min))
}

// Validate reports an error for a negative Min or a Max below Min.
func (r Random) Validate() error {
	switch {
	case r.Min < 0:
		return &OptionError{"Backoff", "Random.Min must not be negative, got " + r.Min.String()}
	case r.Max < r.Min:
		return &OptionError{"Backoff", "Random.Max (" + r.Max.String() + ") must not be below Random.Min (" + r.Min.String() + ")"}
	}
	return nil
}

// base returns the wait after failed attempt n (n >= 1) before jitter and
// cap: o.Backoff's, or min(StartTimeout × Factor^(n-1), limit).
func (o *RetryOptions) base(n int, resp *http.Response, rnd func() float64, limit float64) float64 {
	if o.Backoff != nil {
		return float64(o.Backoff.Wait(n, resp, rnd()))
	}
	w := float64(o.startTimeout())
	if w <= 0 {
		return 0
	}
	// Multiply step by step while n is small, as it is in practice: the
	// loop stops at the cap and is cheaper than math.Pow. A large n (with
	// a Factor close to 1) takes math.Pow, which saturates at +Inf.
	f := o.factor()
	if n > 64 {
		return w * math.Pow(f, float64(n-1))
	}
	for i := 1; i < n && w < limit; i++ {
		w *= f
	}
	return w
}

// backoff returns the wait after failed attempt n (n >= 1): the base wait,
// capped, with o's jitter applied within the cap:
//
//   - NoJitter: b = min(base(n), MaxTimeout);
//   - ProportionalJitter: uniform in [0.8 b, min(1.2 b, MaxTimeout));
//   - FullJitter: uniform in [0, b);
//   - DecorrelatedJitter: uniform in [b1, min(3 × prev, MaxTimeout)), where
//     b1 is the capped first wait and prev the previous wait (b1 at first).
//
// Capping before the jitter keeps waits spread at the cap, where capping
// after it would send every client back in lockstep at exactly MaxTimeout.
// rnd returns a uniform number in [0, 1). The result is always in
// [0, MaxTimeout], for any n, and the computation neither allocates nor
// overflows.
func (o *RetryOptions) backoff(n int, resp *http.Response, prev time.Duration, rnd func() float64) time.Duration {
	limit := float64(o.maxTimeout())
	var w float64
	switch o.Jitter {
	case DecorrelatedJitter:
		lo := min(o.base(1, resp, rnd, limit), limit)
		hi := min(3*max(float64(prev), lo), limit)
		w = lo + rnd()*max(hi-lo, 0)
	default:
		b := min(o.base(n, resp, rnd, limit), limit)
		switch o.Jitter {
		case NoJitter:
			w = b
		case ProportionalJitter:
			lo, hi := 0.8*b, min(1.2*b, limit)
			w = lo + rnd()*(hi-lo)
		case FullJitter:
			w = b * rnd()
		}
	}
	if !(w < limit) { // also catches NaN and +Inf
		return o.maxTimeout() // not time.Duration(limit): float64 rounds MaxInt64 up
	}
	return time.Duration(max(w, 0))
}

// wait returns the wait after failed attempt n: the backoff, lengthened
// to the response's Retry-After hint if there is one. It reports false when
// the hint exceeds MaxTimeout: the server asks for more than the caller
// allows, so the response is returned instead of retried.
func (o *RetryOptions) wait(n int, resp *http.Response, prev time.Duration, now time.Time) (time.Duration, bool) {
	w := o.backoff(n, resp, prev, o.rand())
	if resp == nil {
		return w, true
	}
	hint, ok := retryAfter(resp.Header, now)
	switch {
	case !ok:
		return w, true
	case hint > o.maxTimeout():
		return 0, false
	}
	return max(w, hint), true
}

// rand returns the source of randomness for jitter and strategies.
func (o *RetryOptions) rand() func() float64 {
	if o.Rand != nil {
		return o.Rand
	}
	return rand.Float64
}

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
