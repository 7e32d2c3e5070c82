package retryclient

import (
	"errors"
	"sync/atomic"
)

// ErrBudgetExhausted is reported, through errors.Is on the call's error,
// when a retry was refused by a [Budget].
var ErrBudgetExhausted = errors.New("retryclient: retry budget exhausted")

// reasonBudget is the give-up reason of a retry refused by a Budget.
const reasonBudget = "retry budget exhausted"

// Defaults used where a field of [Budget] is left zero.
const (
	DefaultBudgetTokens = 100
	DefaultBudgetRatio  = 0.1
)

// Budget stops retry storms: it is shared by every call that carries it
// (in RetryOptions.Budget) and lets them retry only while most recent
// attempts succeed. It follows the retry throttling of gRPC (gRFC A6,
// "Retry Throttling"): a bucket holds up to MaxTokens tokens and starts
// full; every attempt that fails in a retryable way takes one token, every
// response that the policy does not retry (a success, or a 404: the server
// is up) puts back Ratio tokens, and errors that are never retried (a TLS
// failure) do neither; a retry is allowed only while the bucket holds more
// than half of MaxTokens.
//
// Under a total outage, a budget thus bounds the attempts sent to about
// requests × (1 + Ratio) + MaxTokens/2, where retrying alone would send
// requests × Attempts. Once the server recovers, successes refill the
// bucket and retries resume. First attempts are never delayed or refused.
// A refused retry ends the call at once with the last response or error;
// the GiveUp hook and the log see the reason "retry budget exhausted", and
// errors.Is(err, ErrBudgetExhausted) reports true for a returned error.
//
// The zero value is a full budget with the default sizes. A Budget is safe
// for concurrent use and must not be copied after first use.
type Budget struct {
	// MaxTokens is the size of the bucket. If zero, DefaultBudgetTokens
	// (100) is used. Other values must be in [1, 1e12].
	MaxTokens float64

	// Ratio is the tokens a success puts back, a fraction of the one token
	// a failure takes. If zero, DefaultBudgetRatio (0.1) is used. Other
	// values must be in [0.001, 1]: the bucket counts thousandths.
	Ratio float64

	// deficit is how many milli-tokens are missing from a full bucket, so
	// that the zero value is full without any lazy initialisation.
	deficit atomic.Int64
}

const milli = 1000

func (b *Budget) size() int64 {
	if b.MaxTokens == 0 {
		return DefaultBudgetTokens * milli
	}
	return int64(b.MaxTokens * milli)
}

func (b *Budget) ratio() int64 {
	if b.Ratio == 0 {
		return DefaultBudgetRatio * milli
	}
	return int64(b.Ratio * milli)
}

// validate reports an invalid field of b.
func (b *Budget) validate() error {
	switch {
	case b.MaxTokens != 0 && !(b.MaxTokens >= 1 && b.MaxTokens <= 1e12):
		return &OptionError{"Budget.MaxTokens", "must be 0 (default) or in [1, 1e12]"}
	case b.Ratio != 0 && !(b.Ratio >= 0.001 && b.Ratio <= 1):
		return &OptionError{"Budget.Ratio", "must be 0 (default) or in [0.001, 1]"}
	}
	return nil
}

// Tokens returns how many tokens the bucket holds now; 0 for a nil Budget.
func (b *Budget) Tokens() float64 {
	if b == nil {
		return 0
	}
	return float64(b.size()-b.deficit.Load()) / milli
}

// failure takes a token for a failed attempt.
func (b *Budget) failure() {
	if b != nil {
		b.add(milli)
	}
}

// success puts Ratio tokens back for a successful attempt.
func (b *Budget) success() {
	if b != nil {
		b.add(-b.ratio())
	}
}

// add moves the deficit by d milli-tokens, kept within [0, size].
func (b *Budget) add(d int64) {
	size := b.size()
	for {
		old := b.deficit.Load()
		nu := min(max(old+d, 0), size)
		if nu == old || b.deficit.CompareAndSwap(old, nu) {
			return
		}
	}
}

// allow reports whether a retry may start now.
func (b *Budget) allow() bool {
	return b == nil || b.deficit.Load() < b.size()/2
}
