package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Audit log files in the state directory.
const (
	// AuditFileName is the append-only, hash-chained JSON-lines audit log.
	AuditFileName = "audit.jsonl"
	// AuditHeadName records the seq and hash of the last entry written, so
	// that entries removed from the end of the log are detected.
	AuditHeadName = "audit.head"
)

// Audit entry kinds: everything that changes the tenant.
const (
	AuditSubmit    = "submit"
	AuditCancel    = "cancel"
	AuditUpload    = "library.upload"
	AuditDelete    = "library.delete"
	AuditRecovered = "audit.recovered" // an interrupted write was found and set aside
)

// Audit phases: the intent is written before the call, the outcome after.
const (
	AuditIntent  = "intent"
	AuditOutcome = "outcome"
)

// Audit results of an outcome entry.
const (
	AuditOK       = "ok"       // the service accepted the change
	AuditRejected = "rejected" // the service refused it; nothing changed
	AuditUnknown  = "unknown"  // sent, but the outcome is not known
	AuditFailed   = "failed"   // sign-in failed, so nothing was sent (see Error)
	AuditNotSent  = "not sent" // mdlr stopped before sending
)

// AuditFile describes the library file of an upload or delete.
type AuditFile struct {
	Name        string `json:"name"`
	Size        int64  `json:"size,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	Description string `json:"description,omitempty"`
}

// AuditEntry is one line of the audit log. Hash covers the canonical entry
// (its JSON without the hash); Prev is the sha256 of the previous line.
type AuditEntry struct {
	Seq        int64           `json:"seq"`
	Time       time.Time       `json:"time"`
	Kind       string          `json:"kind"`
	Phase      string          `json:"phase,omitempty"`
	Tenant     string          `json:"tenant,omitempty"`
	Identity   string          `json:"identity,omitempty"`
	IntentID   string          `json:"intentId,omitempty"`
	DeviceID   string          `json:"deviceId,omitempty"`
	DeviceName string          `json:"deviceName,omitempty"`
	Comment    string          `json:"comment,omitempty"`
	Request    json.RawMessage `json:"request,omitempty"` // the exact request body
	File       *AuditFile      `json:"file,omitempty"`
	ActionID   string          `json:"actionId,omitempty"`
	Result     string          `json:"result,omitempty"`
	Error      string          `json:"error,omitempty"`
	// Discarded is, on an audit.recovered entry, the sha256 of the
	// interrupted line that precedes it.
	Discarded string `json:"discarded,omitempty"`
	Prev      string `json:"prev"`
	Hash      string `json:"hash,omitempty"`
}

// AuditLog appends entries to audit.jsonl in a state directory. Each append
// opens the file O_APPEND, writes one line with one write call and fsyncs
// it, so a crash can at worst leave the last line incomplete; the next
// append sets that line aside with an audit.recovered entry. It is safe for
// concurrent use, also with other AuditLogs of the same directory in this
// process (appends from two processes at once are not coordinated).
type AuditLog struct {
	dir string
	now func() time.Time
	mu  *sync.Mutex
}

// auditLocks holds one mutex per audit log path in this process.
var auditLocks sync.Map

// auditLock returns the process-wide mutex of the log in dir.
func auditLock(dir string) *sync.Mutex {
	key := filepath.Clean(dir)
	if abs, err := filepath.Abs(dir); err == nil {
		key = abs
	}
	m, _ := auditLocks.LoadOrStore(key, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// NewAuditLog returns the audit log of state directory dir (nothing is
// opened until the first Append). now is the clock (nil: time.Now).
func NewAuditLog(dir string, now func() time.Time) *AuditLog {
	if now == nil {
		now = time.Now
	}
	return &AuditLog{dir: dir, now: now, mu: auditLock(dir)}
}

// Path is the log file's path.
func (l *AuditLog) Path() string { return filepath.Join(l.dir, AuditFileName) }

// maxAuditLine bounds one line when reading the tail of the log.
const maxAuditLine = 16 << 20

// Append assigns Seq, Time (UTC), Prev and Hash, writes the entry durably
// and returns it as written.
func (l *AuditLog) Append(e AuditEntry) (AuditEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := ensurePrivateDir(l.dir); err != nil {
		return AuditEntry{}, fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(l.Path(), os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return AuditEntry{}, fmt.Errorf("audit log: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return AuditEntry{}, fmt.Errorf("audit log: restrict permissions: %w", err)
		}
	}
	last, torn, err := readTail(f, st.Size())
	if err != nil {
		return AuditEntry{}, fmt.Errorf("audit log: %w", err)
	}
	var prev AuditEntry
	if last != nil {
		if prev, err = parseAuditLine(last); errors.Is(err, errIncomplete) {
			// A second crash while setting an interrupted line aside.
			last, torn, prev, err = lastIntactEntry(f)
		}
		if err != nil {
			return AuditEntry{}, fmt.Errorf("audit log %s: its last entry is damaged (%v); run `mdlr audit verify`, and move the file aside to start a new log", l.Path(), err)
		}
	}
	prevHash := lineHash(last)
	if len(torn) > 0 {
		rec := AuditEntry{Seq: prev.Seq + 1, Time: l.now().UTC(), Kind: AuditRecovered,
			Error: "an interrupted write was found at the end of the log; it is not part of the chain", Discarded: lineHash(torn), Prev: prevHash}
		line, err := encodeAuditLine(&rec)
		if err != nil {
			return AuditEntry{}, err
		}
		var out []byte
		if endsMidLine(f, st.Size()) {
			out = append(out, '\n')
		}
		if err := writeSync(f, append(append(out, line...), '\n')); err != nil {
			return AuditEntry{}, err
		}
		prev, prevHash = rec, lineHash(line)
	}
	e.Seq, e.Time, e.Prev, e.Hash = prev.Seq+1, l.now().UTC(), prevHash, ""
	line, err := encodeAuditLine(&e)
	if err != nil {
		return AuditEntry{}, err
	}
	if err := writeSync(f, append(line, '\n')); err != nil {
		return AuditEntry{}, err
	}
	head, _ := json.Marshal(auditHead{Seq: e.Seq, Hash: e.Hash})
	if err := writeFileAtomic(filepath.Join(l.dir, AuditHeadName), append(head, '\n')); err != nil {
		return e, fmt.Errorf("audit log: entry %d written, but its head record was not: %w", e.Seq, err)
	}
	return e, nil
}

// endsMidLine reports whether the file's last byte is not a newline.
func endsMidLine(f io.ReaderAt, size int64) bool {
	if size == 0 {
		return false
	}
	b := make([]byte, 1)
	_, err := f.ReadAt(b, size-1)
	return err == nil && b[0] != '\n'
}

// auditHead is the content of audit.head.
type auditHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// writeSync writes b in one call and fsyncs.
func writeSync(f *os.File, b []byte) error {
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("audit log: write: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("audit log: sync: %w", err)
	}
	return nil
}

// hashSuffixLen is the length of `,"hash":"<64 hex>"}`.
const hashSuffixLen = len(`,"hash":"`) + 64 + len(`"}`)

// encodeAuditLine sets e.Hash and returns the line (without newline): the
// canonical JSON of e without its hash, with the hash as the last member.
func encodeAuditLine(e *AuditEntry) ([]byte, error) {
	e.Hash = ""
	body, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("audit log: encode entry: %w", err)
	}
	sum := sha256.Sum256(body)
	e.Hash = hex.EncodeToString(sum[:])
	line := append(body[:len(body)-1:len(body)-1], `,"hash":"`+e.Hash+`"}`...)
	return line, nil
}

// errIncomplete marks a line that is not a whole entry (an interrupted write).
var errIncomplete = errors.New("not a complete audit entry")

// lastIntactEntry scans the whole log for the last line that is an intact
// entry; torn is the last incomplete line after it. A modified line after
// it is an error.
func lastIntactEntry(f *os.File) (last, torn []byte, e AuditEntry, err error) {
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		return nil, nil, AuditEntry{}, fmt.Errorf("read: %w", err)
	}
	lines := splitLines(data)
	for i := len(lines) - 1; i >= 0; i-- {
		pe, perr := parseAuditLine(lines[i])
		if perr == nil {
			return lines[i], torn, pe, nil
		}
		if !errors.Is(perr, errIncomplete) {
			return nil, nil, AuditEntry{}, perr
		}
		if torn == nil {
			torn = lines[i]
		}
	}
	return nil, torn, AuditEntry{}, nil
}

// parseAuditLine checks one line's own hash and decodes it.
func parseAuditLine(line []byte) (AuditEntry, error) {
	if len(line) < hashSuffixLen+2 || !bytes.HasPrefix(line[len(line)-hashSuffixLen:], []byte(`,"hash":"`)) ||
		!bytes.HasSuffix(line, []byte(`"}`)) {
		return AuditEntry{}, errIncomplete
	}
	var e AuditEntry
	if err := json.Unmarshal(line, &e); err != nil {
		return AuditEntry{}, errIncomplete
	}
	body := append(bytes.Clone(line[:len(line)-hashSuffixLen]), '}')
	sum := sha256.Sum256(body)
	if want := string(line[len(line)-hashSuffixLen+len(`,"hash":"`) : len(line)-2]); hex.EncodeToString(sum[:]) != want || e.Hash != want {
		return AuditEntry{}, errors.New("the entry was modified (its hash does not match its content)")
	}
	return e, nil
}

// lineHash is the hex sha256 of a line ("" for no line).
func lineHash(line []byte) string {
	if line == nil {
		return ""
	}
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// readTail returns the last complete line of f (nil if none) and the bytes
// after it that have no newline yet (an interrupted write).
func readTail(f io.ReaderAt, size int64) (last, torn []byte, err error) {
	const chunk = 64 << 10
	var buf []byte
	off := size
	for {
		if nl := bytes.LastIndexByte(buf, '\n'); nl >= 0 {
			if p := bytes.LastIndexByte(buf[:nl], '\n'); p >= 0 || off == 0 {
				return buf[p+1 : nl], buf[nl+1:], nil
			}
		} else if off == 0 {
			return nil, buf, nil
		}
		if size-off > maxAuditLine {
			return nil, nil, errors.New("the last entry is too long")
		}
		n := min(int64(chunk), off)
		off -= n
		part := make([]byte, n)
		if _, err := f.ReadAt(part, off); err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("read: %w", err)
		}
		buf = append(part, buf...)
	}
}

// ReadAudit reads every entry of the audit log in dir, oldest first. Lines
// that are not complete entries are skipped and named in the error; the
// other entries are still returned. A missing log is no entries.
// It does not check the chain: use VerifyAudit.
func ReadAudit(dir string) ([]AuditEntry, error) {
	data, err := os.ReadFile(filepath.Join(dir, AuditFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	var out []AuditEntry
	var errs []error
	for i, line := range splitLines(data) {
		var e AuditEntry
		if err := json.Unmarshal(line, &e); err != nil {
			errs = append(errs, fmt.Errorf("audit log line %d: not a complete entry", i+1))
			continue
		}
		out = append(out, e)
	}
	return out, errors.Join(errs...)
}

// splitLines splits data into lines; a last line without newline is kept.
func splitLines(data []byte) [][]byte {
	lines := bytes.Split(data, []byte{'\n'})
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	return lines
}

// AuditProblem is one finding of VerifyAudit, located at a line (0: the
// log as a whole).
type AuditProblem struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// String formats the finding for people.
func (p AuditProblem) String() string {
	if p.Line == 0 {
		return p.Message
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// AuditReport is the result of VerifyAudit.
type AuditReport struct {
	Path     string         `json:"path"`
	Lines    int            `json:"lines"`
	Entries  int            `json:"entries"` // lines that are intact entries
	LastSeq  int64          `json:"lastSeq"`
	Problems []AuditProblem `json:"problems"` // tampering or damage
	Notes    []AuditProblem `json:"notes"`    // recovered interrupted writes
}

// Intact reports whether no problem was found.
func (r AuditReport) Intact() bool { return len(r.Problems) == 0 }

// VerifyAudit checks the audit log in dir: every line's own hash, that each
// entry's prev is the hash of the line before and its seq the next number,
// that an incomplete line was set aside by the next append, and that the
// log still holds the last entry recorded in audit.head (so a deleted tail
// is found). The error is only for a log that cannot be read.
func VerifyAudit(dir string) (AuditReport, error) {
	r := AuditReport{Path: filepath.Join(dir, AuditFileName), Problems: []AuditProblem{}, Notes: []AuditProblem{}}
	data, err := os.ReadFile(r.Path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return r, fmt.Errorf("read audit log: %w", err)
	}
	lines := splitLines(data)
	r.Lines = len(lines)
	complete := len(data) == 0 || data[len(data)-1] == '\n'
	problem := func(line int, format string, args ...any) {
		r.Problems = append(r.Problems, AuditProblem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	hashes := map[int64]string{}
	var (
		prevHash   string // hash of the previous line
		chainHash  string // hash of the last line that was an intact entry
		prevBad    bool   // the previous line was already reported
		tornLine   int    // an incomplete line waiting for its audit.recovered entry
		tornHash   string
		tornBefore string // chainHash before the incomplete line
	)
	for i, line := range lines {
		n := i + 1
		if n == len(lines) && !complete {
			problem(n, "incomplete last entry (the write was interrupted or the file was cut short)")
			break
		}
		e, err := parseAuditLine(line)
		if err != nil {
			if tornLine != 0 {
				problem(tornLine, "incomplete entry that no audit.recovered entry accounts for")
			}
			tornLine, tornHash, tornBefore = n, lineHash(line), chainHash
			if !errors.Is(err, errIncomplete) {
				problem(n, "%v", err)
				tornLine = 0
			}
			prevHash, prevBad = lineHash(line), true
			continue
		}
		switch {
		case e.Kind == AuditRecovered && tornLine != 0 && e.Discarded == tornHash:
			if e.Prev != tornBefore {
				problem(n, "does not follow the entry before the interrupted line %d", tornLine)
			}
			r.Notes = append(r.Notes, AuditProblem{Line: tornLine, Message: "an interrupted write, set aside by the next append"})
			tornLine = 0
		case tornLine != 0:
			problem(tornLine, "incomplete or damaged entry")
			tornLine = 0
		case e.Prev != prevHash && !prevBad:
			if n == 1 {
				problem(n, "the log does not start at its first entry (entries before it were removed)")
			} else {
				problem(n, "does not follow line %d (an entry was changed, removed, inserted or reordered)", n-1)
			}
		}
		if e.Seq != r.LastSeq+1 {
			problem(n, "entry %d follows entry %d (entries were removed, inserted or reordered)", e.Seq, r.LastSeq)
		}
		r.LastSeq, r.Entries = e.Seq, r.Entries+1
		hashes[e.Seq] = e.Hash
		prevHash, chainHash, prevBad = lineHash(line), lineHash(line), false
	}
	if tornLine != 0 {
		problem(tornLine, "incomplete or damaged entry")
	}
	checkAuditHead(dir, &r, hashes, problem)
	return r, nil
}

// checkAuditHead compares the log with audit.head.
func checkAuditHead(dir string, r *AuditReport, hashes map[int64]string, problem func(int, string, ...any)) {
	data, err := os.ReadFile(filepath.Join(dir, AuditHeadName))
	if errors.Is(err, fs.ErrNotExist) {
		if r.Entries > 1 {
			problem(0, "%s is missing, so a removed tail cannot be ruled out", AuditHeadName)
		}
		return
	}
	var h auditHead
	if err != nil || json.Unmarshal(data, &h) != nil || h.Seq < 1 {
		problem(0, "%s is unreadable or damaged", AuditHeadName)
		return
	}
	got, ok := hashes[h.Seq]
	switch {
	case h.Seq > r.LastSeq:
		problem(0, "the log ends at entry %d but entry %d was written: entries were removed from the end", r.LastSeq, h.Seq)
	case ok && got != h.Hash:
		problem(0, "entry %d is not the one that was written (its hash differs from %s)", h.Seq, AuditHeadName)
	}
}
