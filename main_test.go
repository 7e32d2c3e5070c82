package retryclient_test

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMain fails the run if goroutines started by the tests are still alive
// once every test is over: a retry loop must not leave timers, drains or
// connections behind.
func TestMain(m *testing.M) {
	code := m.Run()
	http.DefaultClient.CloseIdleConnections()
	if code == 0 {
		if leaked := leakedGoroutines(5 * time.Second); len(leaked) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: %d goroutines leaked:\n%s\n", len(leaked), strings.Join(leaked, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

// leakedGoroutines returns the stacks of goroutines that are neither the
// runtime's nor the testing package's, waiting up to grace for them to end.
func leakedGoroutines(grace time.Duration) []string {
	deadline := time.Now().Add(grace)
	for {
		leaked := interestingGoroutines()
		if len(leaked) == 0 || time.Now().After(deadline) {
			return leaked
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func interestingGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var gs []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		_, stack, _ := strings.Cut(g, "\n")
		if stack == "" || slices.ContainsFunc(boringStacks, func(s string) bool { return strings.Contains(stack, s) }) {
			continue
		}
		gs = append(gs, strings.TrimSpace(g))
	}
	return gs
}

// boringStacks mark goroutines that are not the tests' to end.
var boringStacks = []string{
	"testing.(*M).",
	"testing.Main(",
	"testing.tRunner(",
	"testing.runTests",
	"runtime.goexit",
	"created by runtime.gc",
	"interestingGoroutines",
	"runtime.MHeap_Scavenger",
	"signal.signal_recv",
	"sigterm.handler",
	"runtime_mcall",
	"(*loggingConn).serve",
	"created by os/signal.init",
	"os/signal.loop",
}

// checkNoLeaks fails t if goroutines other than those running when it was
// called are still alive shortly after the test ends.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	before := map[string]bool{}
	for _, g := range interestingGoroutines() {
		before[firstLine(g)] = true
	}
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		deadline := time.Now().Add(3 * time.Second)
		for {
			var leaked []string
			for _, g := range interestingGoroutines() {
				if !before[firstLine(g)] {
					leaked = append(leaked, g)
				}
			}
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines leaked:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func firstLine(g string) string {
	line, _, _ := strings.Cut(g, "\n")
	return line
}
