package retryclient

import (
	"context"
	"net/http"
	"time"
)

type attemptKey struct{}

// withAttempt returns a context derived from the caller's context that
// carries attempt number n. Small integers box into an interface without
// allocating, so this costs one context value per attempt, and nothing for
// the first attempts of a request made without a context of its own
// (http.NewRequest's context.Background), which share prebuilt values:
// contexts are immutable, so sharing them is safe.
func withAttempt(ctx context.Context, n int) context.Context {
	if n <= len(backgroundAttempts) && ctx == context.Background() {
		return backgroundAttempts[n-1]
	}
	return context.WithValue(ctx, attemptKey{}, n)
}

var backgroundAttempts = func() (a [8]context.Context) {
	for i := range a {
		a[i] = context.WithValue(context.Background(), attemptKey{}, i+1)
	}
	return a
}()

// Attempt returns the 1-based number of the attempt that ctx belongs to, or
// 0 when ctx does not come from a retry loop. Each attempt's request context
// carries its number, so an [http.RoundTripper], an httptrace.ClientTrace
// hook or a server-side test double can tell a retry from a first try with
// Attempt(req.Context()).
func Attempt(ctx context.Context) int {
	n, _ := ctx.Value(attemptKey{}).(int)
	return n
}

// Trace is a set of hooks that run at the steps of a retry loop, in the style
// of net/http/httptrace: any field may be nil. Hooks run synchronously in the
// goroutine that made the call; they should return quickly. A Trace is
// placed in a request's context with [WithTrace].
//
// Hooks receive the attempt's request and response: they may read the
// status and headers but must not read or close a response body, and must
// not keep the values after they return.
type Trace struct {
	// AttemptStart is called before each attempt is sent, the first
	// included.
	AttemptStart func(AttemptStartInfo)

	// Retry is called when an attempt failed and another one will follow,
	// before the wait.
	Retry func(RetryInfo)

	// GiveUp is called when the last attempt failed in a way that would
	// have been retried, and the loop stops: attempts exhausted, the
	// context's deadline too close, a Retry-After hint beyond MaxTimeout, a
	// body that cannot be sent again, the retry budget spent, the context
	// ended during a wait, or the next attempt could not be prepared
	// (GetBody or RetryOptions.Rewrite failed). A failure that is never
	// retried (a TLS certificate error, a 404) ends the loop without
	// GiveUp.
	GiveUp func(GiveUpInfo)
}

// AttemptStartInfo is the argument of [Trace.AttemptStart].
type AttemptStartInfo struct {
	Attempt  int           // 1-based number of the attempt about to start
	Attempts int           // attempts allowed in all
	Request  *http.Request // the attempt's request; read it, do not change it
}

// RetryInfo is the argument of [Trace.Retry].
type RetryInfo struct {
	Attempt  int            // the attempt that failed
	Attempts int            // attempts allowed in all
	Request  *http.Request  // the request of the attempt that failed
	Response *http.Response // the failed attempt's response, or nil; its body is about to be drained and closed
	Err      error          // the failed attempt's error, or nil
	Reason   string         // why it is retried, such as "status 503" or "connection refused"
	Wait     time.Duration  // how long the loop waits before the next attempt
}

// GiveUpInfo is the argument of [Trace.GiveUp].
type GiveUpInfo struct {
	Attempt  int            // the last attempt made
	Attempts int            // attempts allowed in all
	Request  *http.Request  // the request of the last attempt
	Response *http.Response // the response returned to the caller, or nil
	Err      error          // the error returned to the caller's *url.Error, or nil
	Reason   string         // why the loop stops, such as "attempts exhausted"
}

type traceKey struct{}

// WithTrace returns a context based on ctx that runs the hooks of t. If ctx
// already carries a Trace, its hooks still run, after those of t, as with
// httptrace.WithClientTrace. A nil t returns ctx unchanged.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	if t == nil {
		return ctx
	}
	if old := ContextTrace(ctx); old != nil {
		t = t.compose(old)
	}
	return context.WithValue(ctx, traceKey{}, t)
}

// ContextTrace returns the [Trace] carried by ctx, or nil.
func ContextTrace(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// compose returns a new Trace whose hooks call those of t, then those of old.
func (t *Trace) compose(old *Trace) *Trace {
	return &Trace{
		AttemptStart: chain(t.AttemptStart, old.AttemptStart),
		Retry:        chain(t.Retry, old.Retry),
		GiveUp:       chain(t.GiveUp, old.GiveUp),
	}
}

func chain[T any](first, then func(T)) func(T) {
	switch {
	case first == nil:
		return then
	case then == nil:
		return first
	}
	return func(v T) { first(v); then(v) }
}

func (t *Trace) attemptStart(i AttemptStartInfo) {
	if t != nil && t.AttemptStart != nil {
		t.AttemptStart(i)
	}
}

func (t *Trace) retry(i RetryInfo) {
	if t != nil && t.Retry != nil {
		t.Retry(i)
	}
}

func (t *Trace) giveUp(i GiveUpInfo) {
	if t != nil && t.GiveUp != nil {
		t.GiveUp(i)
	}
}
