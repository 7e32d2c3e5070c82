package retryclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
)

// This file decides which failed attempts are retried.

// An Outcome is the result of one attempt, as a [Policy] sees it.
type Outcome struct {
	Attempt  int            // 1-based number of the attempt
	Request  *http.Request  // the attempt's request; its context is the attempt's
	Response *http.Response // the response, or nil when Err is set
	Err      error          // the attempt's error, or nil
	Options  *RetryOptions  // the options in force for the call; read only

	// Redirected reports whether the attempt followed a redirect, so that
	// Request certainly reached a server even if the outcome is an error
	// that would otherwise prove the contrary (a refused connection to the
	// redirect's target).
	Redirected bool
}

// A Policy decides whether an attempt is retried: it reports retry and a
// short reason for hooks and logs (such as "status 503"). It is called
// after every attempt, the last included, but a retry needs attempts left,
// a body that can be sent again, and time before the context's deadline.
//
// A Policy may read the response body: what it reads is kept and given back
// to the caller when the response is returned. It must not close the body.
// Whatever the Policy says, a call never retries once its own context is
// done, nor after its request body failed.
//
// Call [DefaultPolicy] from a Policy of your own to add to it or to
// override it in some cases.
type Policy func(Outcome) (retry bool, reason string)

// DefaultPolicy is the policy used when RetryOptions.Policy is nil. It
// retries:
//   - statuses 408, 429, every 5xx but 501 and 505, and o.Options.Statuses;
//   - transient transport errors (connection refused, reset or aborted,
//     EOF before a response, timeouts of one attempt, temporary DNS
//     failures), and errors matching o.Options.Errors;
//
// never TLS certificate errors, and, once the request may have reached the
// server, only methods that are idempotent (or listed in
// o.Options.Methods), requests with an Idempotency-Key or
// X-Idempotency-Key header, and 429 or 503 responses that did not follow a
// redirect (o.Redirected).
func DefaultPolicy(o Outcome) (retry bool, reason string) {
	opts := o.Options
	if opts == nil {
		opts = new(RetryOptions)
	}
	var r string
	if o.Err != nil {
		r = opts.errorReason(o.Request, o.Err, o.Redirected)
	} else if o.Response != nil {
		r = opts.statusReason(o.Request, o.Response, o.Redirected)
	}
	return r != "", r
}

// statusReason: a 429 or 503 means that the server did not act on the
// request, so any method may retry it, unless the response came after a
// redirect: the request itself was then accepted by the first server.
func (o *RetryOptions) statusReason(req *http.Request, resp *http.Response, redirected bool) string {
	code := resp.StatusCode
	if !retryableStatus(code) && !containsInt(o.Statuses, code) {
		return ""
	}
	refused := (code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable) && !redirected
	if !o.methodRetryable(req) && !refused {
		return ""
	}
	return "status " + strconv.Itoa(code)
}

// retryableStatus reports whether code is retried by default: 408, 429 and
// every 5xx but 501 Not Implemented and 505 HTTP Version Not Supported,
// which a retry cannot fix.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests:
		return true
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return false
	}
	return code >= 500 && code <= 599
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (o *RetryOptions) errorReason(req *http.Request, err error, redirected bool) string {
	if neverRetried(err) {
		return ""
	}
	reason := transientReason(err)
	if reason == "" {
		for _, target := range o.Errors {
			if errors.Is(err, target) {
				reason = "error in RetryOptions.Errors"
				break
			}
		}
	}
	if reason == "" {
		return ""
	}
	if notSent(err) && !redirected || o.methodRetryable(req) {
		return reason
	}
	return ""
}

// neverRetried reports whether err is one that a retry cannot fix: the
// server's certificate is not trusted, or the server does not speak TLS.
func neverRetried(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		rhe tls.RecordHeaderError
		uae x509.UnknownAuthorityError
		hne x509.HostnameError
		cie x509.CertificateInvalidError
	)
	return errors.As(err, &cve) || errors.As(err, &rhe) || errors.As(err, &uae) ||
		errors.As(err, &hne) || errors.As(err, &cie)
}

// transientReason names the transient transport failure that err is, or
// returns "". It goes by error identity and type, never by message text.
func transientReason(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.ECONNABORTED):
		return "connection aborted"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "unreachable"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected EOF"
	case errors.Is(err, io.EOF):
		return "EOF"
	case errors.Is(err, net.ErrClosed), isServerClosedIdle(err):
		return "connection closed"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsTimeout || dnsErr.IsTemporary {
			return "temporary DNS failure"
		}
		return ""
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return "timeout"
	}
	return ""
}

// isServerClosedIdle reports whether err is net/http's
// "server closed idle connection": the server closed the connection before
// the request was written to it. net/http does not export this sentinel, so
// it is the one error recognised by its exact text (the text of the
// innermost error, not a substring of a message).
func isServerClosedIdle(err error) bool {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error() == "http: server closed idle connection"
		}
		err = next
	}
}

// notSent reports whether err proves that the request never reached the
// server: the connection could not even be made, or the server closed it
// before the request was written.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" || isServerClosedIdle(err)
}

// idempotentMethods are the methods of RFC 9110 section 9.2.2.
var idempotentMethods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace,
	http.MethodPut, http.MethodDelete,
}

// methodRetryable reports whether req may be retried after it was sent:
// its method is idempotent (or listed in o.Methods), or it carries an
// idempotency key.
func (o *RetryOptions) methodRetryable(req *http.Request) bool {
	if req == nil {
		return false
	}
	m := req.Method
	if m == "" {
		m = http.MethodGet
	}
	if o.Methods != nil {
		if containsFold(o.Methods, m) {
			return true
		}
	} else if containsFold(idempotentMethods[:], m) {
		return true
	}
	return hasIdempotencyKey(req.Header)
}

func hasIdempotencyKey(h http.Header) bool {
	return len(h["Idempotency-Key"]) > 0 || len(h["X-Idempotency-Key"]) > 0
}

func containsFold(s []string, v string) bool {
	for _, x := range s {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// peekBody lets a Policy read a response body that may still be returned
// to the caller: it keeps what the Policy read and, once rewound, serves it
// again before the rest of the body.
type peekBody struct {
	src     io.ReadCloser
	buf     []byte
	off     int
	rewound bool
}

func (p *peekBody) Read(b []byte) (int, error) {
	if p.rewound && p.off < len(p.buf) {
		n := copy(b, p.buf[p.off:])
		p.off += n
		return n, nil
	}
	n, err := p.src.Read(b)
	if !p.rewound {
		p.buf = append(p.buf, b[:n]...)
	}
	return n, err
}

func (p *peekBody) Close() error { return p.src.Close() }
