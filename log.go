package retryclient

import (
	"log/slog"
	"net/http"
)

// This file reports the loop's retries and give-ups to the Trace hooks and
// to RetryOptions.Logger.

// retrying reports a retry to the hooks and the logger.
func (c *call) retrying(i RetryInfo) {
	c.trace.retry(i)
	if l := c.opts.Logger; l != nil && l.Enabled(c.req.Context(), slog.LevelInfo) {
		attrs := logAttrs(i.Request, i.Attempt, i.Attempts, i.Response, i.Err, i.Reason)
		attrs = append(attrs, slog.Duration("wait", i.Wait))
		l.LogAttrs(c.req.Context(), slog.LevelInfo, "retryclient: retrying", attrs...)
	}
}

// gaveUp reports a give-up to the hooks and the logger.
func (c *call) gaveUp(i GiveUpInfo) {
	c.trace.giveUp(i)
	if l := c.opts.Logger; l != nil && l.Enabled(c.req.Context(), slog.LevelWarn) {
		attrs := logAttrs(i.Request, i.Attempt, i.Attempts, i.Response, i.Err, i.Reason)
		l.LogAttrs(c.req.Context(), slog.LevelWarn, "retryclient: giving up", attrs...)
	}
}

// logAttrs describes an attempt for a log line: never header values nor
// bodies, and a URL without user information or query.
func logAttrs(req *http.Request, attempt, attempts int, resp *http.Response, err error, reason string) []slog.Attr {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("method", method),
		slog.String("url", redactURL(req.URL)),
		slog.Int("attempt", attempt),
		slog.Int("attempts", attempts),
	)
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	return append(attrs, slog.String("reason", reason))
}
