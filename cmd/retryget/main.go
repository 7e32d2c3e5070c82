// Command retryget fetches a URL with retries and prints each attempt.
//
// Usage:
//
//	go run ./cmd/retryget [flags] [URL]
//
// It prints one line per attempt (number, status or error, wait) to
// standard error and the final response body to standard output, like
// curl --retry but with the rules of package retryclient. It exits 0 when
// the final status is 2xx, and 1 with a one-line error otherwise (2 for bad
// flags).
//
// With no URL it starts a local demo server that fails twice (a 503 with
// Retry-After: 1, then a reset connection) and then answers 200, and
// fetches from it: the command shows the library at work on a machine with
// no network.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/retryclient/retryclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is what the flags say.
type config struct {
	opts    retryclient.RetryOptions
	method  string
	data    string
	headers http.Header
	timeout time.Duration
	verbose bool
	url     string
}

// headerFlags collects repeated -H flags.
type headerFlags struct{ h http.Header }

func (f headerFlags) String() string { return "" }

func (f headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("want \"Name: value\", got %q", v)
	}
	f.h.Add(name, strings.TrimSpace(value))
	return nil
}

// statusFlags parses a comma-separated list of statuses.
type statusFlags struct{ s *[]int }

func (f statusFlags) String() string { return "" }

func (f statusFlags) Set(v string) error {
	for field := range strings.SplitSeq(v, ",") {
		code, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil {
			return fmt.Errorf("not a status code: %q", field)
		}
		*f.s = append(*f.s, code)
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{headers: http.Header{}}
	fs := flag.NewFlagSet("retryget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: retryget [flags] [URL]\n\nWith no URL, fetches from a local demo server that fails twice.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.IntVar(&cfg.opts.Attempts, "attempts", retryclient.DefaultAttempts, "tries in all, the first included")
	fs.DurationVar(&cfg.opts.StartTimeout, "start", 0, "wait before the second attempt (0: 100ms; negative: no wait)")
	fs.DurationVar(&cfg.opts.MaxTimeout, "max", 0, "cap on any one wait and on Retry-After (0: 30s)")
	fs.Float64Var(&cfg.opts.Factor, "factor", retryclient.DefaultFactor, "growth of the wait per attempt")
	fs.Var(statusFlags{&cfg.opts.Statuses}, "status", "extra statuses to retry, comma-separated (e.g. 404,409)")
	fs.DurationVar(&cfg.opts.AttemptTimeout, "attempt-timeout", 0, "timeout of each attempt (0: none)")
	fs.DurationVar(&cfg.timeout, "timeout", 0, "timeout of the whole command, waits included (0: none)")
	fs.StringVar(&cfg.method, "X", "", "request method (default GET, or POST with -d)")
	fs.StringVar(&cfg.data, "d", "", "request body; @path reads a file")
	fs.Var(headerFlags{cfg.headers}, "H", "request header \"Name: value\" (repeatable)")
	fs.BoolVar(&cfg.verbose, "v", false, "also print the response status line and headers to stderr")
	// Long names for the short flags, and the option names of the library.
	fs.DurationVar(&cfg.opts.StartTimeout, "start-timeout", 0, "same as -start")
	fs.DurationVar(&cfg.opts.MaxTimeout, "max-timeout", 0, "same as -max")
	fs.Var(statusFlags{&cfg.opts.Statuses}, "statuses", "same as -status")
	fs.StringVar(&cfg.method, "method", "", "same as -X")
	fs.StringVar(&cfg.data, "data", "", "same as -d")
	fs.Var(headerFlags{cfg.headers}, "header", "same as -H")
	fs.BoolVar(&cfg.verbose, "verbose", false, "same as -v")
	jitter := fs.Bool("jitter", true, "spread waits at random (ProportionalJitter); false for the exact schedule")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if !*jitter {
		cfg.opts.Jitter = retryclient.NoJitter
	}
	switch fs.NArg() {
	case 0:
	case 1:
		cfg.url = fs.Arg(0)
	default:
		return nil, fmt.Errorf("want at most one URL, got %d arguments", fs.NArg())
	}
	if cfg.method == "" {
		cfg.method = http.MethodGet
		if cfg.data != "" {
			cfg.method = http.MethodPost
		}
	}
	if err := cfg.opts.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "retryget: %v\n", err)
		return 2
	}
	if cfg.url == "" {
		srv := startDemo()
		defer srv.Close()
		cfg.url = srv.URL + "/"
		fmt.Fprintf(stderr, "retryget: no URL given; fetching %s from a local demo server that fails twice\n", cfg.url)
	}
	if err := fetch(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "retryget: %v\n", err)
		return 1
	}
	return 0
}

// fetch sends the request, reporting each attempt to stderr, and copies
// the final body to stdout.
func fetch(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	body, err := requestBody(cfg.data)
	if err != nil {
		return err
	}
	// Every attempt gets one line: the Retry and GiveUp hooks write it for
	// the attempts they see, the end of fetch for the last one otherwise.
	var last, total, reported int
	ctx = retryclient.WithTrace(ctx, &retryclient.Trace{
		AttemptStart: func(i retryclient.AttemptStartInfo) { last, total = i.Attempt, i.Attempts },
		Retry: func(i retryclient.RetryInfo) {
			reported = i.Attempt
			fmt.Fprintf(stderr, "attempt %d/%d: %s; retrying in %v (%s)\n",
				i.Attempt, i.Attempts, outcome(i.Response, i.Err), i.Wait.Round(time.Millisecond), i.Reason)
		},
		GiveUp: func(i retryclient.GiveUpInfo) {
			if i.Attempt == reported { // its line is out: the loop stopped before the next attempt
				fmt.Fprintf(stderr, "giving up (%s): %s\n", i.Reason, outcome(i.Response, i.Err))
				return
			}
			reported = i.Attempt
			fmt.Fprintf(stderr, "attempt %d/%d: %s; giving up (%s)\n", i.Attempt, i.Attempts, outcome(i.Response, i.Err), i.Reason)
		},
	})
	lastLine := func(what string) {
		if last > reported {
			fmt.Fprintf(stderr, "attempt %d/%d: %s\n", last, total, what)
		}
	}
	req, err := http.NewRequestWithContext(ctx, cfg.method, cfg.url, body)
	if err != nil {
		if f, ok := body.(*os.File); ok {
			f.Close()
		}
		return err
	}
	if f, ok := body.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			req.ContentLength = st.Size() // sent with a length, not chunked
		}
	}
	for name, values := range cfg.headers {
		req.Header[name] = values
	}
	client := &retryclient.Client{RetryOptions: cfg.opts}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			lastLine(ue.Err.Error())
		}
		return err
	}
	defer resp.Body.Close()
	lastLine(resp.Status)
	if cfg.verbose {
		fmt.Fprintf(stderr, "%s %s\n", resp.Proto, resp.Status)
		resp.Header.Write(stderr)
	}
	if _, err := io.Copy(stdout, resp.Body); err != nil {
		return fmt.Errorf("reading the body: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("final status %s after %s", resp.Status, plural(last, "attempt"))
	}
	return nil
}

// requestBody returns the body for -d: nil, the text, or a file for @path.
// A file is sent through its *os.File so that retries re-read it instead of
// holding it in memory.
func requestBody(data string) (io.Reader, error) {
	switch {
	case data == "":
		return nil, nil
	case strings.HasPrefix(data, "@"):
		return os.Open(data[1:])
	}
	return strings.NewReader(data), nil
}

// plural returns "1 attempt", "2 attempts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// outcome describes an attempt's result in a few words.
func outcome(resp *http.Response, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case resp != nil:
		return resp.Status
	}
	return "no response"
}

// startDemo starts the demo server on loopback: the first request gets a
// 503 with Retry-After: 1, the second a reset connection, the rest a 200.
func startDemo() *httptest.Server {
	var hits atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch hits.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Connection", "close") // so the reset below hits a fresh connection
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "busy, come back in a second\n")
		case 2:
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // close with RST instead of FIN
			}
			conn.Close()
		default:
			io.WriteString(w, "hello from the retryget demo server\n")
		}
	}))
}
