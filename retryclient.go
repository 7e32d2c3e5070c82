// Package retryclient is a drop-in replacement for [*http.Client] that
// retries transient failures with exponential backoff and jitter.
//
// Swap the type and keep every call site:
//
//	client := &retryclient.Client{} // uses http.DefaultClient
//	resp, err := client.Get("https://example.com/")
//
// By default a call makes up to 3 attempts, waiting about 100ms, then 200ms,
// between them (see [RetryOptions]). It retries:
//
//   - the statuses 408, 429 and every 5xx except 501 and 505, plus
//     [RetryOptions.Statuses];
//   - transient transport errors: connection refused, reset or aborted, EOF
//     before a complete response, a timed-out attempt (http.Client.Timeout
//     applies to each attempt), a temporary DNS failure, plus
//     [RetryOptions.Errors].
//
// It never retries when the caller's context is done, on TLS certificate
// errors, on invalid requests (bad URL, scheme or header), on errors from
// CheckRedirect, or on errors from the request body or its GetBody.
//
// Methods are safe by default (RFC 9110 section 9.2.2): a request that never
// reached the server is retried whatever its method; otherwise POST, PATCH
// and CONNECT are retried only on 429 and 503, when the request carries an
// Idempotency-Key or X-Idempotency-Key header, or when listed in
// [RetryOptions.Methods]. After a 301, 302 or 303 redirect the server has
// acted on the request, so only the last two cases allow a retry.
//
// A Retry-After header on a retried response lengthens the wait; one beyond
// [RetryOptions.MaxTimeout] ends the loop and returns that response. The
// caller's context bounds everything: a cancel during a wait returns at once,
// and a wait that would end past the context's deadline is not started.
//
// Each attempt sends the same body: bodies with [http.Request.GetBody] and
// regular files are read again, other readers are kept in memory up to
// [RetryOptions.MaxBufferedBody] while they are sent. The last response is
// returned as it is, body unread, like http.Client does; the responses of
// earlier attempts are drained (a bounded amount) and closed.
//
// Per-call options ride in the request's context ([WithRetryOptions]), and
// so do the hooks of the retry loop ([WithTrace]). Each attempt's context
// carries its number, which [Attempt] reads, for RoundTrippers and
// net/http/httptrace hooks.
package retryclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client is an [http.Client] that retries. Its zero value is usable and
// sends through [http.DefaultClient] with the default [RetryOptions].
//
// Each attempt is one call to the embedded http.Client's Do, so redirects,
// cookies and Timeout apply to each attempt: Timeout bounds one attempt, not
// the whole call. Use the request's context to bound the whole call.
//
// A Client is safe for concurrent use by multiple goroutines, as an
// http.Client is; create one and reuse it. No call changes its fields.
type Client struct {
	// Client sends each attempt. If nil, http.DefaultClient is used.
	*http.Client

	// RetryOptions are the options of every call whose context does not
	// carry its own (see WithRetryOptions).
	RetryOptions RetryOptions
}

// client returns the http.Client that sends attempts.
func (c *Client) client() *http.Client {
	if c == nil || c.Client == nil {
		return http.DefaultClient
	}
	return c.Client
}

// options returns the options for a call with context ctx.
func (c *Client) options(ctx context.Context) *RetryOptions {
	var def *RetryOptions
	if c != nil {
		def = &c.RetryOptions
	} else {
		def = new(RetryOptions)
	}
	return contextOptions(ctx, def)
}

// Do sends req, retrying as its options say, and returns the last attempt's
// response or error, as [http.Client.Do] does.
//
// The options are those carried by req's context ([WithRetryOptions]), or
// else c.RetryOptions. req is never changed: each attempt sends a copy of it
// whose context carries the attempt number ([Attempt]), with its own copy of
// the body.
//
// As with http.Client, a non-2xx status is not an error: a 503 after the
// last attempt is returned as (resp, nil), body open and unread. The caller
// must close the body of a non-nil response. Every error is a [*url.Error]
// whose URL has no user information and no query; when the loop made more
// than one attempt or gave up on a retryable failure, its Err is a
// [*RetryError]. errors.Is finds the underlying cause, such as
// syscall.ECONNREFUSED or context.Canceled. Invalid options return an
// [*OptionError] and send nothing.
//
// req.Body, if any, is closed, even on errors.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if req == nil {
		return nil, &url.Error{Op: "Get", Err: errNilRequest}
	}
	return run(req, c.options(req.Context()), (*clientSender)(c.client()), true)
}

// Get issues a GET to url with retries. See [http.Client.Get].
func (c *Client) Get(url string) (*http.Response, error) {
	return c.verb(http.MethodGet, url, "", nil)
}

// Head issues a HEAD to url with retries. See [http.Client.Head].
func (c *Client) Head(url string) (*http.Response, error) {
	return c.verb(http.MethodHead, url, "", nil)
}

// Options issues an OPTIONS request to url with retries.
func (c *Client) Options(url string) (*http.Response, error) {
	return c.verb(http.MethodOptions, url, "", nil)
}

// Delete issues a DELETE to url with retries.
func (c *Client) Delete(url string) (*http.Response, error) {
	return c.verb(http.MethodDelete, url, "", nil)
}

// Post issues a POST to url with retries. See [http.Client.Post].
// A POST is retried only in the cases the package documentation lists.
// If body is an [io.Closer], it is closed after the request.
func (c *Client) Post(url, contentType string, body io.Reader) (*http.Response, error) {
	return c.verb(http.MethodPost, url, contentType, body)
}

// Put issues a PUT to url with retries, with the given body and content
// type. If body is an [io.Closer], it is closed after the request.
func (c *Client) Put(url, contentType string, body io.Reader) (*http.Response, error) {
	return c.verb(http.MethodPut, url, contentType, body)
}

// Patch issues a PATCH to url with retries, with the given body and content
// type. A PATCH is retried only in the cases the package documentation
// lists. If body is an [io.Closer], it is closed after the request.
func (c *Client) Patch(url, contentType string, body io.Reader) (*http.Response, error) {
	return c.verb(http.MethodPatch, url, contentType, body)
}

// PostForm issues a POST to url with data URL-encoded as the body, with
// retries. See [http.Client.PostForm].
func (c *Client) PostForm(url string, data url.Values) (*http.Response, error) {
	return c.Post(url, "application/x-www-form-urlencoded", strings.NewReader(data.Encode()))
}

// CloseIdleConnections closes the idle connections of the embedded
// http.Client's transport. The retry loop itself never calls it.
func (c *Client) CloseIdleConnections() {
	c.client().CloseIdleConnections()
}

// verb builds a request as http.NewRequest does (which sets GetBody for
// bytes and strings readers) and sends it with Do.
func (c *Client) verb(method, rawURL, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		if cl, ok := body.(io.Closer); ok {
			cl.Close()
		}
		// The parse error quotes the raw URL, secrets and all.
		return nil, &url.Error{Op: urlErrorOp(method), URL: redactRawURL(rawURL), Err: unwrapURLError(err)}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.Do(req)
}

var errNilRequest = errors.New("retryclient: nil *http.Request")

// A sender sends one attempt: an http.Client or a RoundTripper.
type sender interface {
	send(*http.Request) (*http.Response, error)
	// changesHeaders reports whether send adds to the request's Header
	// map, as http.Client does with the cookies of its Jar: each attempt
	// then gets a copy of the caller's headers.
	changesHeaders() bool
}

// clientSender sends attempts with an http.Client. Converting a
// *http.Client to it allocates nothing.
type clientSender http.Client

func (c *clientSender) send(req *http.Request) (*http.Response, error) {
	return (*http.Client)(c).Do(req)
}

func (c *clientSender) changesHeaders() bool { return c.Jar != nil }

// call is the state of one call through the retry loop.
type call struct {
	req      *http.Request
	opts     *RetryOptions
	attempts int
	trace    *Trace
	body     *replayer     // replays the request body, or nil
	memBody  bool          // the body is in memory and GetBody copies it
	next     io.ReadCloser // memBody: the next attempt's body, from GetBody
	stopErr  error         // why the next attempt could not be prepared (GetBody)
	urlErr   bool          // wrap errors in *url.Error, as http.Client does
	copyHdr  bool          // give each attempt a copy of the caller's headers
	timer    *time.Timer   // created on the first non-zero wait, reused after
	prevWait time.Duration // the last wait, for DecorrelatedJitter
	deadline *attemptDeadline
}

// run is the retry loop shared by [Client] and [Transport]. s sends each
// attempt; urlErr says whether errors are wrapped in *url.Error.
func run(req *http.Request, opts *RetryOptions, s sender, urlErr bool) (*http.Response, error) {
	c := call{req: req, opts: opts, urlErr: urlErr}
	if req.URL == nil {
		closeBody(req)
		return nil, c.wrap(errors.New("retryclient: nil Request.URL"))
	}
	if err := opts.Validate(); err != nil {
		closeBody(req)
		return nil, c.wrap(err)
	}
	ctx := req.Context()
	c.attempts = opts.attempts()
	c.trace = ContextTrace(ctx)
	c.copyHdr = s.changesHeaders()
	if inMemoryBody(req) {
		c.memBody = true // GetBody makes copies that cannot fail: no wrapper needed
	} else {
		c.body = newReplayer(req, opts.maxBufferedBody())
		defer c.body.finish()
	}
	defer c.cleanup()
	var (
		prevReq *http.Request // the request of the attempt before this one
		prevErr error         // and its error
	)
	for n := 1; ; n++ {
		areq, resp, err := c.attempt(n, s)
		if areq == nil { // nothing was sent: context done, GetBody or Rewrite failed
			reason := "attempt " + strconv.Itoa(n) + " not sent"
			if n > 1 {
				c.gaveUp(GiveUpInfo{Attempt: n - 1, Attempts: c.attempts, Request: prevReq, Err: err, Reason: reason})
			}
			return nil, c.fail(n-1, err, prevErr, reason)
		}
		resp, reason, err := c.assess(n, areq, resp, err)
		if reason == "" { // success, or a failure that is never retried
			return c.result(n, resp, err, "")
		}
		wait, giveUp := c.plan(n, resp)
		if giveUp != "" {
			c.gaveUp(GiveUpInfo{Attempt: n, Attempts: c.attempts, Request: areq, Response: resp, Err: unwrapURLError(err), Reason: giveUp})
			return c.result(n, resp, err, giveUp)
		}
		c.retrying(RetryInfo{Attempt: n, Attempts: c.attempts, Request: areq, Response: resp, Err: unwrapURLError(err), Reason: reason, Wait: wait})
		discard(resp)
		c.endAttempt()
		if cerr := c.sleep(ctx, wait); cerr != nil {
			const reason = "context done during wait"
			c.gaveUp(GiveUpInfo{Attempt: n, Attempts: c.attempts, Request: areq, Err: cerr, Reason: reason})
			return nil, c.fail(n, cerr, err, reason)
		}
		prevReq, prevErr = areq, err
	}
}

// attempt sends attempt n. It returns a nil request when it sent nothing,
// with the error that stopped it.
func (c *call) attempt(n int, s sender) (*http.Request, *http.Response, error) {
	ctx := c.req.Context()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	ctx = withAttempt(ctx, n)
	if d := c.opts.AttemptTimeout; d > 0 {
		var actx context.Context
		c.deadline, actx = newAttemptDeadline(ctx, d)
		ctx = actx
	}
	areq, err := c.prepare(n, ctx)
	if err != nil {
		c.endAttempt()
		return nil, nil, err
	}
	c.trace.attemptStart(AttemptStartInfo{Attempt: n, Attempts: c.attempts, Request: areq})
	resp, err := s.send(areq)
	switch {
	case resp == nil && err == nil: // a RoundTripper broke its contract
		err = errors.New("retryclient: RoundTripper returned a nil *http.Response with a nil error")
	case resp != nil && resp.Body == nil:
		resp.Body = http.NoBody
	}
	if d := c.deadline; d != nil && err != nil && !d.stop() {
		err = &AttemptTimeoutError{After: c.opts.AttemptTimeout, Err: unwrapURLError(err)}
	}
	return areq, resp, err
}

// prepare returns the request of attempt n: a shallow copy of the caller's
// with the attempt's context and body, or for a retry with Rewrite set, what
// Rewrite makes of a deep copy.
func (c *call) prepare(n int, ctx context.Context) (*http.Request, error) {
	rewrite := n > 1 && c.opts.Rewrite != nil
	var areq *http.Request
	if rewrite {
		areq = c.req.Clone(ctx)
	} else {
		areq = c.req.WithContext(ctx)
		if c.copyHdr {
			areq.Header = c.req.Header.Clone()
		}
	}
	var body io.ReadCloser
	switch {
	case c.memBody && n > 1:
		body, c.next = c.next, nil // fetched by decide, before the wait
		areq.Body = body
	case c.body != nil:
		b, getBody, err := c.body.body(n)
		if err != nil {
			return nil, err
		}
		areq.Body, areq.GetBody, body = b, getBody, b
	}
	if !rewrite {
		return areq, nil
	}
	r, err := c.opts.Rewrite(n, areq)
	if err == nil && r == nil {
		err = errors.New("retryclient: RetryOptions.Rewrite returned a nil *http.Request")
	}
	if err == nil && r.URL == nil {
		err = errors.New("retryclient: RetryOptions.Rewrite returned a request with a nil URL")
	}
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, err
	}
	if body != nil && r.Body != body {
		body.Close() // Rewrite gave the attempt a body of its own
	}
	if r.Context() != ctx {
		r = r.WithContext(ctx)
	}
	return r, nil
}

// assess judges the outcome of attempt n: it returns the outcome, and why
// it should be retried, or "" when it is final: a success or a failure that
// is never retried. Under AttemptTimeout, the attempt's time runs until its
// outcome is judged (a Policy may read the body); an attempt whose time ran
// out first becomes an AttemptTimeoutError, judged as such.
func (c *call) assess(n int, areq *http.Request, resp *http.Response, err error) (*http.Response, string, error) {
	switch {
	case c.req.Context().Err() != nil:
		return resp, "", err // the caller's context ended: never retried
	case resp != nil && err != nil:
		return resp, "", err // http.Client's CheckRedirect failed: never retried
	case err != nil && c.body.failed() != nil:
		return resp, "", err // the request body failed, not the network
	}
	o := Outcome{Attempt: n, Request: areq, Response: resp, Err: unwrapURLError(err),
		Redirected: redirected(areq, resp, err), Options: c.opts}
	reason := c.judge(o)
	if d := c.deadline; d != nil && resp != nil && !d.stop() {
		resp.Body.Close()
		resp, err = nil, &AttemptTimeoutError{After: c.opts.AttemptTimeout, Err: context.DeadlineExceeded}
		o.Response, o.Err = nil, err
		reason = c.judge(o)
	}
	if reason == "" {
		if err == nil {
			c.opts.Budget.success()
		}
	} else {
		c.opts.Budget.failure()
	}
	return resp, reason, err
}

// plan returns the wait before the attempt after n, or why the loop must
// give up instead.
func (c *call) plan(n int, resp *http.Response) (wait time.Duration, giveUp string) {
	if n >= c.attempts {
		return 0, "attempts exhausted"
	}
	if !c.opts.Budget.allow() {
		return 0, reasonBudget
	}
	wait, ok := c.opts.wait(n, resp, c.prevWait, time.Now())
	if !ok {
		return 0, "Retry-After exceeds MaxTimeout"
	}
	if dl, ok := c.req.Context().Deadline(); ok && !time.Now().Add(wait).Before(dl) {
		return 0, "context deadline before next attempt"
	}
	if ok, why := c.body.detach(); !ok {
		return 0, why
	}
	// Get the next body now, while this attempt's outcome can still be
	// returned if GetBody fails.
	if c.memBody {
		c.next, c.stopErr = c.nextBody()
	} else {
		c.stopErr = c.body.prefetch()
	}
	if c.stopErr != nil {
		return 0, "GetBody failed"
	}
	c.prevWait = wait
	return wait, ""
}

// nextBody calls the caller's GetBody for the next attempt.
func (c *call) nextBody() (io.ReadCloser, error) {
	rc, err := c.req.GetBody()
	if err == nil && rc == nil {
		err = errors.New("retryclient: Request.GetBody returned a nil body")
	}
	return rc, err
}

// redirected reports whether an attempt followed a redirect that shows the
// server acted on its request (301, 302 or 303; 307 and 308 ask for the
// request to be sent elsewhere, untouched), or failed after a redirect of
// any kind.
func redirected(areq *http.Request, resp *http.Response, err error) bool {
	if resp != nil {
		// http.Client sets Request.Response on each request it makes to
		// follow a redirect; a hop of our own Transport may carry the one
		// that led to it, which is not ours.
		for r := resp.Request; r != nil && r.Response != nil && r.Response != areq.Response; r = r.Response.Request {
			if c := r.Response.StatusCode; c != http.StatusTemporaryRedirect && c != http.StatusPermanentRedirect {
				return true // 301, 302, 303: the server acted on the request
			}
		}
		return false
	}
	// An error after a redirect names the hop that failed: another URL
	// than the one http.Client names for the attempt's own request.
	ue, ok := err.(*url.Error)
	return ok && ue.URL != "" && ue.URL != stripPassword(areq.URL)
}

// stripPassword returns u as http.Client writes it in its errors, the
// password replaced by "***".
func stripPassword(u *url.URL) string {
	if _, ok := u.User.Password(); ok {
		return strings.Replace(u.String(), u.User.String()+"@", u.User.Username()+":***@", 1)
	}
	return u.String()
}

// judge applies the policy and returns the reason to retry, or "". A
// custom Policy may read the response body; what it read is put back.
func (c *call) judge(o Outcome) string {
	policy := c.opts.Policy
	if policy == nil {
		_, reason := DefaultPolicy(o)
		return reason
	}
	var pb *peekBody
	if o.Response != nil && o.Response.Body != nil {
		pb = &peekBody{src: o.Response.Body}
		o.Response.Body = pb
	}
	retry, reason := policy(o)
	if pb != nil {
		if len(pb.buf) == 0 {
			o.Response.Body = pb.src // nothing read: give back the original
		} else {
			pb.rewound = true
		}
	}
	switch {
	case !retry:
		return ""
	case reason == "":
		return "RetryOptions.Policy"
	}
	return reason
}

// sleep waits d, or until ctx is done, whose error it returns. A zero wait
// uses no timer.
func (c *call) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if c.timer == nil {
		c.timer = time.NewTimer(d)
	} else {
		c.timer.Reset(d)
	}
	select {
	case <-c.timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// cleanup releases what the call holds when it returns.
func (c *call) cleanup() {
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.next != nil {
		c.next.Close()
	}
}

// endAttempt releases the context of an attempt whose outcome is not
// returned to the caller.
func (c *call) endAttempt() {
	c.deadline.cancel()
	c.deadline = nil
}

// result returns the outcome of the last attempt n. giveUp, when not
// empty, is why a retryable failure was not retried.
func (c *call) result(n int, resp *http.Response, err error, giveUp string) (*http.Response, error) {
	if err == nil {
		if d := c.deadline; d != nil {
			d.stop()
			// The caller reads the body after we return: keep the
			// attempt's context alive until the body is closed.
			resp.Body = onClose(resp.Body, d.cancel)
		}
		return resp, nil
	}
	c.endAttempt()
	err = unwrapURLError(err)
	if n > 1 || giveUp != "" {
		re := &RetryError{Attempts: n, Err: err, Reason: giveUp}
		if c.stopErr != nil {
			re.Err, re.Last = c.stopErr, err
		}
		err = re
	}
	// resp is not nil only when CheckRedirect failed: http.Client then
	// returns the last response, body closed, with the error. So do we.
	return resp, c.wrap(err)
}

// fail returns the error for a call that stopped before attempt n+1 was
// sent: err is why (the context's error, a GetBody or Rewrite error), last
// is the error of attempt n, if it had one, and reason says it in words.
func (c *call) fail(n int, err, last error, reason string) error {
	if n > 0 {
		re := &RetryError{Attempts: n, Err: err, Reason: reason}
		if last != nil {
			re.Last = unwrapURLError(last)
		}
		err = re
	}
	return c.wrap(err)
}

// wrap returns err as the call returns it: for a Client, in a *url.Error
// as http.Client does, with a URL stripped of user information and query,
// which may hold secrets.
func (c *call) wrap(err error) error {
	if !c.urlErr {
		return err
	}
	return &url.Error{Op: urlErrorOp(c.req.Method), URL: redactURL(c.req.URL), Err: err}
}

// RetryError is the Err of the [*url.Error] returned when the retry loop made
// more than one attempt, or gave up on a failure it would have retried.
// errors.Is and errors.As see through it to Err and Last.
type RetryError struct {
	Attempts int    // attempts made, the first included
	Reason   string // why the loop stopped, such as "attempts exhausted"
	Err      error  // the error that ended the call
	Last     error  // the last attempt's error when Err is not it (the context ended during the wait after it, or GetBody or Rewrite failed for the next attempt), or nil
}

// Error says how many attempts were made, why the loop stopped and the
// errors that ended it.
func (e *RetryError) Error() string {
	var b strings.Builder
	b.WriteString("retryclient: ")
	b.WriteString(strconv.Itoa(e.Attempts))
	if e.Attempts == 1 {
		b.WriteString(" attempt")
	} else {
		b.WriteString(" attempts")
	}
	if e.Reason != "" {
		b.WriteString(" (" + e.Reason + ")")
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Last != nil {
		b.WriteString(" (last attempt: " + e.Last.Error() + ")")
	}
	return b.String()
}

// Is reports whether target is ErrBudgetExhausted and a Budget ended the
// loop.
func (e *RetryError) Is(target error) bool {
	return target == ErrBudgetExhausted && e.Reason == reasonBudget
}

// Unwrap returns Err and Last.
func (e *RetryError) Unwrap() []error {
	if e.Last == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Last}
}

// Timeout reports whether the error that ended the call is a timeout, so
// that [url.Error.Timeout] keeps working through a RetryError.
func (e *RetryError) Timeout() bool {
	var te interface{ Timeout() bool }
	return errors.As(e.Err, &te) && te.Timeout()
}

// discard drains a little of a response that will not be returned and
// closes it, so that its connection can be reused. The drain is bounded in
// bytes and in time: a server that drips bytes forever cannot stall the
// loop. The time bound closes the body during a Read, which net/http's
// bodies support; a body with no bytes to drain takes no timer.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	if resp.ContentLength != 0 {
		t := time.AfterFunc(drainTimeout, func() { resp.Body.Close() })
		io.CopyN(io.Discard, resp.Body, drainLimit)
		t.Stop()
	}
	resp.Body.Close()
}

const (
	drainLimit   = 64 << 10
	drainTimeout = 100 * time.Millisecond
)

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// redactURL returns u without user information, query or fragment.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := *u
	r.User = nil
	r.RawQuery, r.ForceQuery = "", false
	r.Fragment, r.RawFragment = "", ""
	return r.String()
}

// redactRawURL drops the user information, query and fragment of a URL
// that does not parse.
func redactRawURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	if end := strings.IndexByte(rest, '/'); end >= 0 {
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			rest = rest[at+1:]
		}
	} else if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + "://" + rest
}

// urlErrorOp returns the url.Error Op for a method, as http.Client does:
// "Get", "Post", ...
func urlErrorOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}
