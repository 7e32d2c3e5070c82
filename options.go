package retryclient

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults used where a field of [RetryOptions] is left zero.
const (
	DefaultAttempts        = 3
	DefaultStartTimeout    = 100 * time.Millisecond
	DefaultMaxTimeout      = 30 * time.Second
	DefaultFactor          = 2.0
	DefaultMaxBufferedBody = 1 << 20 // 1 MiB
)

// RetryOptions says how often and when a request is retried. The zero value
// is ready to use: 3 attempts, waits of 100ms, 200ms, ... capped at 30s, with
// proportional jitter, retrying the statuses and errors listed in the package
// documentation.
//
// A RetryOptions is read, never written, by the calls that use it, so one
// value may be shared by many goroutines as long as nobody changes it while
// calls are running.
type RetryOptions struct {
	// Attempts is the number of tries in all, the first one included.
	// If zero, DefaultAttempts (3) is used. 1 turns retries off.
	// Negative is an error.
	Attempts int

	// StartTimeout is the wait before the second attempt; each later wait
	// is Factor times the one before, up to MaxTimeout.
	// If zero, DefaultStartTimeout (100ms) is used. Negative means no wait
	// at all between attempts.
	StartTimeout time.Duration

	// MaxTimeout caps every wait, jitter and Retry-After included: a
	// server that asks for a longer Retry-After gets its response returned
	// at once instead of a retry.
	// If zero, DefaultMaxTimeout (30s) is used. Negative is an error, and so
	// is a MaxTimeout below a positive StartTimeout.
	MaxTimeout time.Duration

	// Factor is the growth of the wait from one attempt to the next.
	// If zero, DefaultFactor (2) is used. 1 gives a constant wait.
	// Values below 1, NaN and infinities are errors.
	Factor float64

	// Backoff computes each wait; MaxTimeout then caps it and Jitter
	// spreads it within the cap.
	// If nil, the exponential schedule of StartTimeout and Factor is used:
	// the wait after failed attempt n is StartTimeout × Factor^(n-1).
	// See Constant, Waits, Fibonacci, Random and BackoffFunc.
	Backoff Backoff

	// Jitter is the random spread applied to each wait so that many clients
	// do not retry in lockstep. The zero value is ProportionalJitter.
	// Use NoJitter for an exact schedule.
	Jitter Jitter

	// Rand returns a number drawn uniformly from [0, 1) for Jitter and for
	// Backoff strategies that use randomness. It must be safe for
	// concurrent use. If nil, math/rand/v2's Float64 is used. Tests can
	// set it to make waits repeatable.
	Rand func() float64

	// Statuses lists response status codes to retry in addition to the
	// default ones (408, 429 and every 5xx except 501 and 505).
	// Each must be in [100, 599].
	Statuses []int

	// Errors lists errors to retry in addition to the default transient
	// ones; an attempt error is retried when errors.Is(err, target) holds
	// for one of them. Errors never retried (see the package documentation)
	// stay unretried whatever this list says. Nil entries are errors.
	Errors []error

	// Methods lists the request methods that are retried on any retryable
	// status or error once the request may have reached the server, in any
	// letter case. If nil, the idempotent methods of RFC 9110 are used:
	// GET, HEAD, OPTIONS, TRACE, PUT and DELETE. Methods not in the list are
	// still retried when the request never left the client, on 429 and 503,
	// and when the request carries an Idempotency-Key header. Names other
	// than the methods of RFC 9110 and PATCH are errors.
	Methods []string

	// Policy decides which failed attempts are retried. If nil,
	// DefaultPolicy is used, with Statuses, Errors and Methods above.
	Policy Policy

	// AttemptTimeout bounds each attempt, from sending the request until
	// its outcome is judged (the response headers, and what a Policy reads
	// of the body), on top of the caller's own deadline: an attempt that
	// times out is retried, the caller's deadline ends the loop. The
	// returned response's body is then the caller's, readable for as long
	// as it takes, until closed. If zero or negative, attempts have no
	// timeout of their own.
	AttemptTimeout time.Duration

	// Rewrite, if not nil, is called before each retry (attempts 2, 3, ...)
	// with the attempt number and a fresh deep copy of the request, whose
	// context and body are the attempt's. It may change the copy's URL,
	// headers or body and return it, or return another request, whose
	// context is then replaced by the attempt's so that trace hooks and
	// Attempt keep working. Use it to fail over to a mirror or to refresh a
	// token. An error, or a nil request, ends the loop with that error.
	Rewrite func(attempt int, req *http.Request) (*http.Request, error)

	// Logger, if not nil, gets one line for each retry (level Info) and one
	// when the loop gives up (level Warn), with the method, the URL without
	// user information or query, the attempt, the status or error, and the
	// wait. Header values and bodies are never logged.
	Logger *slog.Logger

	// Budget, if not nil, limits retries across every call that shares it,
	// against retry storms; see Budget. A Budget is shared by pointer: one
	// value for a whole client or service.
	Budget *Budget

	// MaxBufferedBody is how many bytes of a request body that cannot be
	// re-read (a plain io.Reader without GetBody) are kept while the body is
	// sent, so that it can be sent again on a retry. A longer body is sent
	// once and not retried. Bodies with GetBody, *os.File and other
	// io.ReaderAt bodies are never buffered.
	// If zero, DefaultMaxBufferedBody (1 MiB) is used. Negative means such
	// bodies are never buffered, so never retried once read.
	MaxBufferedBody int64
}

// Jitter is the shape of the random spread applied to each wait. Every
// shape draws within MaxTimeout, so no wait exceeds it: the computed wait is
// capped, then spread below the cap (and capped again), so that waits that
// reach the cap stay spread instead of all landing on MaxTimeout in
// lockstep. Set RetryOptions.Jitter to NoJitter to turn jitter off.
type Jitter int

const (
	// ProportionalJitter draws each wait from [0.8 w, 1.2 w), after gRPC,
	// where w is the computed wait: the schedule stays recognisable while
	// clients spread apart. Near the cap the range is cut at MaxTimeout,
	// so waits at the cap spread over [0.8, 1) × MaxTimeout. It is the zero
	// value, so the default.
	ProportionalJitter Jitter = iota

	// NoJitter uses the schedule as computed.
	NoJitter

	// FullJitter draws each wait from [0, w).
	FullJitter

	// DecorrelatedJitter draws each wait from [first wait, 3 × previous
	// wait), after the "decorrelated" shape of the AWS architecture blog,
	// so that waits wander instead of stepping; only the first wait comes
	// from the Backoff (or StartTimeout), Factor is not used.
	DecorrelatedJitter

	numJitters // keep last
)

var jitterNames = [...]string{"ProportionalJitter", "NoJitter", "FullJitter", "DecorrelatedJitter"}

// String returns the name of the jitter shape.
func (j Jitter) String() string {
	if j >= 0 && j < numJitters {
		return jitterNames[j]
	}
	return "Jitter(" + strconv.Itoa(int(j)) + ")"
}

// OptionError reports an invalid field of [RetryOptions]. A call made with
// invalid options sends nothing and returns an OptionError inside its
// *url.Error.
type OptionError struct {
	Field  string // the field, such as "Factor" or "Statuses[2]"
	Reason string // what is wrong with it
}

// Error names the field and says what is wrong with it.
func (e *OptionError) Error() string {
	return "retryclient: invalid RetryOptions." + e.Field + ": " + e.Reason
}

// Validate reports the first invalid field of o as an [*OptionError], or nil.
// Every call validates its options; Validate lets a program check them once
// at start-up.
func (o *RetryOptions) Validate() error {
	if o == nil {
		return nil // nil options are the defaults
	}
	switch {
	case o.Attempts < 0:
		return &OptionError{"Attempts", "must not be negative, got " + strconv.Itoa(o.Attempts)}
	case o.MaxTimeout < 0:
		return &OptionError{"MaxTimeout", "must not be negative, got " + o.MaxTimeout.String()}
	case o.MaxTimeout > 0 && o.StartTimeout > o.MaxTimeout:
		return &OptionError{"MaxTimeout", "must not be below StartTimeout (" + o.StartTimeout.String() + "), got " + o.MaxTimeout.String()}
	case o.Factor != 0 && !(o.Factor >= 1 && o.Factor <= math.MaxFloat64):
		return &OptionError{"Factor", "must be 0 (default) or a finite number >= 1, got " + strconv.FormatFloat(o.Factor, 'g', -1, 64)}
	case o.Jitter < 0 || o.Jitter >= numJitters:
		return &OptionError{"Jitter", "unknown shape " + o.Jitter.String()}
	}
	if o.Budget != nil {
		if err := o.Budget.validate(); err != nil {
			return err
		}
	}
	if v := reflect.ValueOf(o.Backoff); (v.Kind() == reflect.Pointer || v.Kind() == reflect.Func) && v.IsNil() {
		return &OptionError{"Backoff", "nil " + v.Type().String()}
	}
	if v, ok := o.Backoff.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	for i, s := range o.Statuses {
		if s < 100 || s > 599 {
			return &OptionError{"Statuses[" + strconv.Itoa(i) + "]", "must be an HTTP status in [100, 599], got " + strconv.Itoa(s)}
		}
	}
	for i, e := range o.Errors {
		if e == nil {
			return &OptionError{"Errors[" + strconv.Itoa(i) + "]", "must not be nil"}
		}
	}
	for i, m := range o.Methods {
		if !knownMethod(m) {
			return &OptionError{"Methods[" + strconv.Itoa(i) + "]", "unknown method " + strconv.Quote(m)}
		}
	}
	return nil
}

// knownMethods are the methods of RFC 9110 section 9 and PATCH (RFC 5789).
var knownMethods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
	http.MethodConnect, http.MethodOptions, http.MethodTrace, http.MethodPatch,
}

func knownMethod(m string) bool {
	for _, k := range knownMethods {
		if strings.EqualFold(m, k) {
			return true
		}
	}
	return false
}

func (o *RetryOptions) attempts() int {
	if o.Attempts == 0 {
		return DefaultAttempts
	}
	return o.Attempts
}

func (o *RetryOptions) startTimeout() time.Duration {
	switch {
	case o.StartTimeout == 0:
		return DefaultStartTimeout
	case o.StartTimeout < 0:
		return 0
	}
	return o.StartTimeout
}

func (o *RetryOptions) maxTimeout() time.Duration {
	if o.MaxTimeout == 0 {
		return DefaultMaxTimeout
	}
	return o.MaxTimeout
}

func (o *RetryOptions) factor() float64 {
	if o.Factor == 0 {
		return DefaultFactor
	}
	return o.Factor
}

func (o *RetryOptions) maxBufferedBody() int64 {
	if o.MaxBufferedBody == 0 {
		return DefaultMaxBufferedBody
	}
	return max(o.MaxBufferedBody, 0)
}

// clone returns a copy of o that shares no slice with it.
func (o *RetryOptions) clone() *RetryOptions {
	c := *o
	c.Statuses = slices.Clone(o.Statuses)
	c.Errors = slices.Clone(o.Errors)
	c.Methods = slices.Clone(o.Methods)
	if w, ok := o.Backoff.(Waits); ok {
		c.Backoff = slices.Clone(w)
	}
	return &c
}

type optionsKey struct{}

// WithRetryOptions returns a copy of ctx that carries opts. A request made
// with that context, through [Client.Do] or [Transport.RoundTrip], uses opts
// instead of the client's RetryOptions: the whole value replaces the
// client's, nothing is merged, as in aiohttp_retry. opts is copied, its
// slices and a Waits backoff included, so later changes to them do not
// affect the context; a Budget, a Logger and funcs are shared, as intended.
func WithRetryOptions(ctx context.Context, opts RetryOptions) context.Context {
	return context.WithValue(ctx, optionsKey{}, opts.clone())
}

// contextOptions returns the options carried by ctx, or def.
func contextOptions(ctx context.Context, def *RetryOptions) *RetryOptions {
	if o, ok := ctx.Value(optionsKey{}).(*RetryOptions); ok {
		return o
	}
	return def
}
