package retryclient

import (
	"context"
	"io"
	"sync"
	"time"
)

// This file holds what lives for one attempt: its own timeout, and keeping
// its context alive while the caller reads the response.

// attemptDeadline bounds one attempt under RetryOptions.AttemptTimeout.
// Unlike context.WithTimeout, its timer can be stopped without cancelling
// the context, so that the returned response's body can be read for as
// long as the caller likes.
type attemptDeadline struct {
	cancelFn context.CancelFunc
	timer    *time.Timer
}

// newAttemptDeadline returns the deadline and the attempt's context.
func newAttemptDeadline(parent context.Context, d time.Duration) (*attemptDeadline, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &attemptDeadline{cancelFn: cancel, timer: time.AfterFunc(d, cancel)}, ctx
}

// stop stops the timer and leaves the context alive. It reports false if
// the timer had already fired: the attempt timed out.
func (d *attemptDeadline) stop() bool {
	return d.timer.Stop()
}

// cancel stops the timer and cancels the context.
func (d *attemptDeadline) cancel() {
	if d != nil {
		d.timer.Stop()
		d.cancelFn()
	}
}

// AttemptTimeoutError is the error of an attempt that ran longer than
// [RetryOptions.AttemptTimeout]. Such an attempt is retried by
// [DefaultPolicy] like any timeout. errors.Is(err,
// context.DeadlineExceeded) reports true for it, and its Timeout method
// true, as for a deadline; errors.Is(err, context.Canceled) reports false,
// so that it is never taken for the caller's own cancel.
type AttemptTimeoutError struct {
	After time.Duration // the AttemptTimeout in force
	Err   error         // what the attempt failed with when it was cut off, for reading; not unwrapped
}

// Error describes the timeout and what the attempt failed with.
func (e *AttemptTimeoutError) Error() string {
	msg := "retryclient: attempt timed out after " + e.After.String()
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports whether target is context.DeadlineExceeded.
func (e *AttemptTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout reports true: the attempt timed out.
func (e *AttemptTimeoutError) Timeout() bool { return true }

// closeHook is a response body that runs hook once, after closing: it
// keeps what the response needs (the attempt's context, a file being sent)
// alive until the caller is done with the body.
type closeHook struct {
	io.ReadCloser
	hook func()
	once sync.Once
}

func (c *closeHook) Close() error {
	err := c.ReadCloser.Close()
	c.once.Do(c.hook)
	return err
}

// closeHookWriter keeps the Write method of a 101 Switching Protocols body,
// which net/http makes an io.ReadWriteCloser.
type closeHookWriter struct {
	*closeHook
	w io.Writer
}

func (b closeHookWriter) Write(p []byte) (int, error) { return b.w.Write(p) }

// onClose returns body wrapped so that hook runs when it is closed.
func onClose(body io.ReadCloser, hook func()) io.ReadCloser {
	h := &closeHook{ReadCloser: body, hook: hook}
	if w, ok := body.(io.Writer); ok {
		return closeHookWriter{h, w}
	}
	return h
}
