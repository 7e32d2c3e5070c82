package retryclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/retryclient/retryclient"
)

// storm sends requests from 256 goroutines to an always-503 server and
// returns the server's hits.
func storm(t *testing.T, budget *retryclient.Budget, requests int) int64 {
	t.Helper()
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer s.Close()
	c := &retryclient.Client{
		Client:       &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}},
		RetryOptions: retryclient.RetryOptions{Attempts: 3, StartTimeout: -1, Budget: budget},
	}
	defer c.CloseIdleConnections()
	var wg sync.WaitGroup
	per := requests / 256
	for range 256 {
		wg.Go(func() {
			for range per {
				resp, err := c.Get(s.URL)
				if err != nil {
					t.Errorf("Get() error = %v", err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 503 {
					t.Errorf("Get() status = %d; want 503", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	return hits.Load()
}

func TestBudgetStopsRetryStorm(t *testing.T) {
	const requests = 1024
	budget := &retryclient.Budget{}
	withBudget := storm(t, budget, requests)
	without := storm(t, nil, requests)
	bound := float64(requests)*(1+retryclient.DefaultBudgetRatio) + retryclient.DefaultBudgetTokens/2
	limit := int64(bound)
	t.Logf("always-503 server, %d requests from 256 goroutines, Attempts 3: %d hits without a budget (%.2fx), %d with the default Budget (%.2fx, bound %d)",
		requests, without, float64(without)/requests, withBudget, float64(withBudget)/requests, limit)
	if withBudget > limit {
		t.Errorf("hits with budget = %d; want <= %d", withBudget, limit)
	}
	if without != 3*requests {
		t.Errorf("hits without budget = %d; want %d", without, 3*requests)
	}
	if budget.Tokens() > retryclient.DefaultBudgetTokens/2 {
		t.Errorf("budget holds %v tokens after the storm; want at most half", budget.Tokens())
	}
}

func TestBudgetRefillsAfterRecovery(t *testing.T) {
	t.Parallel()
	var failing atomic.Bool
	var hits atomic.Int64
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		if failing.Load() {
			return respond(503), nil
		}
		return respond(200), nil
	})
	budget := &retryclient.Budget{MaxTokens: 10, Ratio: 0.5}
	var reasons []string
	ctx := retryclient.WithTrace(context.Background(), &retryclient.Trace{
		GiveUp: func(i retryclient.GiveUpInfo) { reasons = append(reasons, i.Reason) },
	})
	c := &retryclient.Client{Client: &http.Client{Transport: rt}, RetryOptions: retryclient.RetryOptions{Attempts: 3, StartTimeout: -1, Budget: budget}}
	get := func() int64 {
		before := hits.Load()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.invalid/", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return hits.Load() - before
	}
	failing.Store(true)
	for range 10 {
		get()
	}
	if n := get(); n != 1 {
		t.Fatalf("attempts once the budget is spent = %d; want 1", n)
	}
	if reasons[len(reasons)-1] != "retry budget exhausted" {
		t.Errorf("GiveUp reason = %q; want retry budget exhausted", reasons[len(reasons)-1])
	}
	failing.Store(false)
	for range 20 {
		get() // successes put tokens back
	}
	failing.Store(true)
	if n := get(); n != 3 {
		t.Errorf("attempts after recovery = %d; want 3 (retries resumed)", n)
	}
}

func TestBudgetError(t *testing.T) {
	t.Parallel()
	et := &errTransport{err: errCustom}
	budget := &retryclient.Budget{MaxTokens: 2}
	c := &retryclient.Client{Client: &http.Client{Transport: et}, RetryOptions: retryclient.RetryOptions{
		StartTimeout: -1, Budget: budget, Errors: []error{errCustom},
	}}
	var last error
	for range 3 {
		_, last = c.Get("http://example.invalid/")
	}
	if !errors.Is(last, retryclient.ErrBudgetExhausted) || !errors.Is(last, errCustom) {
		t.Errorf("Get() error = %v; want ErrBudgetExhausted and the cause", last)
	}
	bad := &retryclient.Client{RetryOptions: retryclient.RetryOptions{Budget: &retryclient.Budget{Ratio: 2}}}
	var oe *retryclient.OptionError
	if _, err := bad.Get("http://example.invalid/"); !errors.As(err, &oe) || oe.Field != "Budget.Ratio" {
		t.Errorf("Get() with Ratio 2 = %v; want OptionError for Budget.Ratio", err)
	}
}
