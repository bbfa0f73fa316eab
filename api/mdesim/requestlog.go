package mdesim

import (
	"sync"
	"time"
)

// RequestRecord is one request seen by the Sim. Status 0 means the
// connection was dropped without a response.
type RequestRecord struct {
	Method   string
	Path     string
	RawQuery string
	HadAuth  bool
	Status   int
	At       time.Time
}

// requestLogSize bounds the request log so long demos keep memory flat.
const requestLogSize = 4096

// requestLog is a fixed-size ring buffer of RequestRecords.
type requestLog struct {
	mu    sync.Mutex
	buf   []RequestRecord
	next  int
	total int
}

func (l *requestLog) add(r RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) < requestLogSize {
		l.buf = append(l.buf, r)
	} else {
		l.buf[l.next] = r
	}
	l.next = (l.next + 1) % requestLogSize
	l.total++
}

// snapshot returns the retained records, oldest first.
func (l *requestLog) snapshot() []RequestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) < requestLogSize {
		return append([]RequestRecord(nil), l.buf...)
	}
	out := make([]RequestRecord, 0, requestLogSize)
	out = append(out, l.buf[l.next:]...)
	return append(out, l.buf[:l.next]...)
}
