package retryclient

import "net/http"

// Transport is an [http.RoundTripper] that retries, with the same engine,
// options, hooks and body rules as [Client]. Use it where code accepts only
// an *http.Client or a RoundTripper: SDKs, OAuth2 clients, otelhttp.
//
//	hc := &http.Client{Transport: &retryclient.Transport{}}
//
// Client or Transport? A Client retries around the whole of http.Client's
// work: each attempt follows redirects and gets its own
// http.Client.Timeout. A Transport retries each hop of a redirect chain on
// its own, and an http.Client.Timeout around it bounds all the attempts
// together (so a Timeout shorter than the waits stops the retries). Do not
// stack them: retries at two layers multiply.
//
// A Transport is safe for concurrent use by multiple goroutines; create
// one and reuse it. Its zero value sends through [http.DefaultTransport]
// with the default [RetryOptions].
type Transport struct {
	// Base sends each attempt. If nil, http.DefaultTransport is used.
	Base http.RoundTripper

	// RetryOptions are the options of every request whose context does not
	// carry its own (see WithRetryOptions).
	RetryOptions RetryOptions
}

// RoundTrip sends req, retrying as its options say, and returns the last
// attempt's response or error. It never changes req, and closes req.Body,
// even on errors. Errors are not wrapped in *url.Error (http.Client does
// that); when more than one attempt was made the error is a [*RetryError].
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req == nil {
		return nil, errNilRequest
	}
	var def *RetryOptions
	if t != nil {
		def = &t.RetryOptions
	} else {
		def = new(RetryOptions)
	}
	return run(req, contextOptions(req.Context(), def), (*transportSender)(t), false)
}

// CloseIdleConnections closes the idle connections of Base, if it can.
// An http.Client calls it through its own CloseIdleConnections.
func (t *Transport) CloseIdleConnections() {
	if ci, ok := t.base().(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func (t *Transport) base() http.RoundTripper {
	if t == nil || t.Base == nil {
		return http.DefaultTransport
	}
	return t.Base
}

// transportSender sends attempts with a Transport's Base.
type transportSender Transport

func (t *transportSender) send(req *http.Request) (*http.Response, error) {
	return (*Transport)(t).base().RoundTrip(req)
}

func (t *transportSender) changesHeaders() bool { return false }
