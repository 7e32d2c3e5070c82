package retryclient

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
)

// This file gives each attempt its own copy of the request body, so that a
// retry never sends a short or empty body.

// errStaleBody is what an attempt's body returns when a later attempt has
// taken over the caller's body, so that a transport still writing an old
// attempt cannot steal bytes from the new one.
var errStaleBody = errors.New("retryclient: request body was handed to a later attempt")

// replayMode says how a request body is sent again.
type replayMode uint8

const (
	replayGetBody  replayMode = iota // call Request.GetBody
	replayReaderAt                   // read a regular file again with ReadAt, never Seek
	replayBuffer                     // keep the bytes read so far, up to a cap
)

// replayer hands out one body per attempt for a request that has a body.
// All its fields after the first group are guarded by mu; mu is never held
// while the caller's body is being read, so Close never waits on a Read.
type replayer struct {
	req  *http.Request // the caller's request
	mode replayMode
	file *os.File      // replayReaderAt: the caller's body
	stat os.FileInfo   // replayReaderAt: file's, when the call started
	off  int64         // replayReaderAt: where the body starts in file
	size int64         // replayReaderAt: how many bytes to send
	cap  int64         // replayBuffer: the most bytes kept
	next io.ReadCloser // replayGetBody: the next attempt's body, from prefetch

	mu       sync.Mutex
	gen      int      // number of the attempt that owns the body; -1 between attempts
	started  bool     // an attempt has taken the caller's body
	open     int      // attempt bodies not closed yet
	finished bool     // the call is over; close the caller's body when open reaches 0
	closed   bool     // the caller's body was closed
	bodyErr  error    // first error returned by a body's Read, other than io.EOF
	reading  bool     // replayBuffer: a Read of the caller's body is under way
	chunks   [][]byte // replayBuffer: every byte read from the caller's body, while within cap
	consumed int64    // replayBuffer: bytes read from the caller's body in all
	overflow bool     // replayBuffer: more than cap bytes were read; chunks are dropped
	srcEOF   bool     // replayBuffer: the caller's body reached io.EOF

	first attemptBody // the first attempt's body, kept here to save an allocation
}

// attemptBody is the Body of one attempt's request.
type attemptBody struct {
	rp     *replayer
	gen    int
	r      io.Reader // replayGetBody, replayReaderAt: this attempt's reader
	c      io.Closer // replayGetBody: closes r
	pos    int64     // replayBuffer: bytes this attempt has read
	closed bool      // guarded by rp.mu
}

// nopCloserTypes are the types io.NopCloser returns.
var nopCloserTypes = [...]reflect.Type{
	reflect.TypeOf(io.NopCloser(nil)),
	reflect.TypeOf(io.NopCloser(strings.NewReader(""))), // the io.WriterTo variant
}

// inMemoryBody reports whether req's body is one that http.NewRequest made
// from a *bytes.Buffer, *bytes.Reader or *strings.Reader, with a GetBody
// that copies it. Such a body cannot fail, so it is sent as it is, without
// a wrapper: net/http then writes it with the headers in one packet, and the
// call allocates nothing for it.
func inMemoryBody(req *http.Request) bool {
	if req.GetBody == nil || req.Body == nil {
		return false
	}
	t := reflect.TypeOf(req.Body)
	if t != nopCloserTypes[0] && t != nopCloserTypes[1] {
		return false
	}
	v := reflect.ValueOf(req.Body)
	if v.Kind() != reflect.Struct || v.NumField() == 0 || v.Field(0).Kind() != reflect.Interface {
		return false // the standard library changed io.NopCloser: play safe
	}
	switch v.Field(0).Interface().(type) {
	case *bytes.Reader, *strings.Reader, *bytes.Buffer:
		return true
	}
	return false
}

// newReplayer returns nil when req has no body.
func newReplayer(req *http.Request, bufferCap int64) *replayer {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	rp := &replayer{req: req}
	switch {
	case req.GetBody != nil:
		rp.mode = replayGetBody
	case rp.openFile():
	default:
		rp.mode, rp.cap = replayBuffer, bufferCap
		if _, ok := req.Body.(*io.PipeReader); ok {
			// A pipe is a live stream from another goroutine, often large
			// or endless: send it once, never buffer it.
			rp.cap = 0
		}
	}
	return rp
}

// openFile sets rp up to send a regular file again with ReadAt or a fresh
// descriptor, and reports whether the body is one. A pipe, a socket or a
// file whose offset cannot be read is a plain reader instead.
func (rp *replayer) openFile() bool {
	f, ok := rp.req.Body.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil || off > st.Size() {
		return false
	}
	// Every attempt sends the rest of the file, as the first one would
	// with http.Client; net/http checks it against ContentLength.
	rp.mode, rp.file, rp.stat, rp.off, rp.size = replayReaderAt, f, st, off, st.Size()-off
	return true
}

// body returns the body for attempt n and, where the body can be rewound
// by net/http itself (redirects, HTTP/2 retries), a GetBody for it.
// It takes the body from any earlier attempt still being written.
func (rp *replayer) body(n int) (io.ReadCloser, func() (io.ReadCloser, error), error) {
	if rp.mode == replayReaderAt {
		if f := rp.reopen(); f != nil {
			return f, rp.sectionBody, nil // the transport closes it
		}
	}
	var b *attemptBody
	if n == 1 {
		b = &rp.first
	} else {
		b = new(attemptBody)
	}
	b.rp = rp
	switch rp.mode {
	case replayGetBody:
		if n == 1 {
			b.r, b.c = rp.req.Body, rp.req.Body
		} else {
			if rp.next == nil {
				if err := rp.prefetch(); err != nil {
					return nil, nil, err
				}
			}
			b.r, b.c = rp.next, rp.next
			rp.next = nil
		}
	case replayReaderAt:
		b.r = io.NewSectionReader(rp.file, rp.off, rp.size)
	}
	rp.mu.Lock()
	rp.gen = n
	rp.started = true
	rp.open++
	rp.mu.Unlock()
	b.gen = n
	var getBody func() (io.ReadCloser, error)
	switch rp.mode {
	case replayGetBody:
		getBody = rp.req.GetBody
	case replayReaderAt:
		getBody = rp.sectionBody
	}
	return b, getBody, nil
}

// reopen opens the caller's file again for one attempt, with an offset of
// its own at the start of the body, so that net/http can send it with
// sendfile while the caller's file is never shared between attempts. It
// returns nil when the file cannot be opened again unchanged (deleted,
// replaced, resized, no permission): the attempt then reads the caller's
// file with ReadAt, which never moves its offset.
func (rp *replayer) reopen() *os.File {
	f, err := os.Open(rp.file.Name())
	if err != nil {
		return nil
	}
	st, err := f.Stat()
	if err != nil || !os.SameFile(st, rp.stat) || st.Size() != rp.stat.Size() {
		f.Close()
		return nil
	}
	if _, err := f.Seek(rp.off, io.SeekStart); err != nil {
		f.Close()
		return nil
	}
	return f
}

// prefetch calls GetBody for the next attempt ahead of time, while the
// current attempt's outcome can still be returned if it fails.
func (rp *replayer) prefetch() error {
	if rp == nil || rp.mode != replayGetBody || rp.next != nil {
		return nil
	}
	rc, err := rp.req.GetBody()
	if err == nil && rc == nil {
		err = errors.New("retryclient: Request.GetBody returned a nil body")
	}
	rp.next = rc
	return err
}

// sectionBody is the GetBody of a file body.
func (rp *replayer) sectionBody() (io.ReadCloser, error) {
	return io.NopCloser(io.NewSectionReader(rp.file, rp.off, rp.size)), nil
}

// detach reports whether the body can be sent again in full, and if not,
// why. When it can, it takes the body back from the attempt that had it, in
// the same step, so that a transport still writing that attempt cannot read
// the caller's body any more. It must be called after the attempt's round
// trip returned.
func (rp *replayer) detach() (bool, string) {
	if rp == nil {
		return true, ""
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	switch {
	case rp.bodyErr != nil:
		return false, "request body failed"
	case rp.mode != replayBuffer:
		return true, ""
	case rp.reading:
		return false, "request body still being read"
	case rp.overflow:
		return false, "request body cannot be replayed"
	}
	rp.gen = -1
	return true, ""
}

// failed returns the error that a body returned from Read, if any.
func (rp *replayer) failed() error {
	if rp == nil {
		return nil
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.bodyErr
}

// finish marks the call as over: the caller's body is closed once no
// attempt's body is open any more, as http.Client would have closed it.
func (rp *replayer) finish() {
	if rp == nil {
		return
	}
	if rp.next != nil {
		rp.next.Close() // prefetched for an attempt that never came
		rp.next = nil
	}
	rp.mu.Lock()
	rp.finished = true
	closeNow := rp.open == 0
	rp.mu.Unlock()
	if closeNow {
		rp.closeCaller()
	}
}

// closeCaller closes the caller's body once, unless each attempt's body
// already closed it (replayGetBody).
func (rp *replayer) closeCaller() {
	rp.mu.Lock()
	done := rp.closed || rp.mode == replayGetBody && rp.started
	rp.closed = true
	rp.mu.Unlock()
	if !done {
		rp.req.Body.Close()
	}
}

func (b *attemptBody) Read(p []byte) (int, error) {
	rp := b.rp
	if rp.mode == replayBuffer {
		return b.readBuffered(p)
	}
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		rp.recordErr(b.gen, err)
	}
	return n, err
}

// readBuffered serves a replayBuffer attempt: first the bytes an earlier
// attempt read, then new bytes from the caller's body, which it keeps.
func (b *attemptBody) readBuffered(p []byte) (int, error) {
	rp := b.rp
	rp.mu.Lock()
	switch {
	case b.gen != rp.gen || b.closed:
		rp.mu.Unlock()
		return 0, errStaleBody
	case b.pos < rp.consumed && rp.overflow:
		// An earlier attempt's transport read past the cap after this
		// attempt began: the bytes are gone.
		rp.mu.Unlock()
		return 0, errStaleBody
	case b.pos < rp.consumed:
		chunk := rp.chunks[b.pos/chunkSize]
		n := copy(p, chunk[b.pos%chunkSize:])
		b.pos += int64(n)
		rp.mu.Unlock()
		return n, nil
	case rp.srcEOF:
		rp.mu.Unlock()
		return 0, io.EOF
	case rp.bodyErr != nil:
		err := rp.bodyErr
		rp.mu.Unlock()
		return 0, err
	}
	rp.reading = true
	rp.mu.Unlock()

	n, err := rp.req.Body.Read(p)

	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.reading = false
	if n > 0 {
		switch {
		case rp.overflow:
		case rp.consumed+int64(n) > rp.cap:
			rp.overflow, rp.chunks = true, nil
		default:
			rp.keep(p[:n])
		}
		rp.consumed += int64(n)
		b.pos += int64(n)
	}
	switch {
	case err == io.EOF:
		rp.srcEOF = true
	case err != nil && rp.bodyErr == nil:
		rp.bodyErr = err
	}
	return n, err
}

// chunkSize is the size of the pieces a buffered body is kept in: growing
// by pieces never copies what is kept, so memory stays within the cap.
const chunkSize = 32 << 10

// keep appends p to the kept bytes, which hold rp.consumed bytes so far;
// the caller has checked that the cap allows p.
func (rp *replayer) keep(p []byte) {
	kept := rp.consumed
	for len(p) > 0 {
		if kept%chunkSize == 0 {
			rp.chunks = append(rp.chunks, make([]byte, 0, min(chunkSize, rp.cap-kept)))
		}
		last := &rp.chunks[len(rp.chunks)-1]
		n := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:n]...)
		p = p[n:]
		kept += int64(n)
	}
}

// recordErr keeps the first error of attempt gen's body, unless a later
// attempt has the body now: a transport still reading an old attempt must
// not stop the retries of the current one.
func (rp *replayer) recordErr(gen int, err error) {
	rp.mu.Lock()
	if rp.bodyErr == nil && gen == rp.gen {
		rp.bodyErr = err
	}
	rp.mu.Unlock()
}

// Close closes this attempt's reader and, once the call is over and every
// attempt's body is closed, the caller's body.
func (b *attemptBody) Close() error {
	rp := b.rp
	rp.mu.Lock()
	if b.closed {
		rp.mu.Unlock()
		return nil
	}
	b.closed = true
	rp.open--
	last := rp.finished && rp.open == 0
	rp.mu.Unlock()
	var err error
	if b.c != nil {
		err = b.c.Close()
	}
	if last {
		rp.closeCaller()
	}
	return err
}
