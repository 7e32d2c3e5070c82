package retryclient

import (
	"context"
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

// retryReason returns why the outcome of one attempt (resp or err) should be
// retried, or "" when it must not be. ctx is the caller's context.
func (o *RetryOptions) retryReason(ctx context.Context, req *http.Request, resp *http.Response, err error) string {
	if err != nil {
		return o.errorReason(ctx, req, err)
	}
	return o.statusReason(req, resp)
}

func (o *RetryOptions) statusReason(req *http.Request, resp *http.Response) string {
	code := resp.StatusCode
	if !retryableStatus(code) && !containsInt(o.Statuses, code) {
		return ""
	}
	if !o.methodRetryable(req) && code != http.StatusTooManyRequests && code != http.StatusServiceUnavailable {
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

func (o *RetryOptions) errorReason(ctx context.Context, req *http.Request, err error) string {
	if ctx.Err() != nil || neverRetried(err) {
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
	if notSent(err) || o.methodRetryable(req) {
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
	case errors.Is(err, net.ErrClosed):
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

// notSent reports whether err proves that the request never reached the
// server: the connection could not even be made.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
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
