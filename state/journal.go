package state

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"mdlr/api"
)

// Phase is where an intent stands in its life.
type Phase string

// Journal phases.
const (
	PhaseIntent    Phase = "intent"    // written, submission not (known to be) sent
	PhaseSubmitted Phase = "submitted" // the service returned an action id
	PhaseUnknown   Phase = "unknown"   // sent, but the outcome is not known; resolve, never resubmit
	PhaseRejected  Phase = "rejected"  // the service definitely refused it (or it never arrived)
	PhaseDone      Phase = "done"      // terminal and every result fetched or given up
)

func (p Phase) valid() bool {
	switch p {
	case PhaseIntent, PhaseSubmitted, PhaseUnknown, PhaseRejected, PhaseDone:
		return true
	}
	return false
}

// Finished reports whether nothing more will happen to an entry in this phase.
func (p Phase) Finished() bool { return p == PhaseRejected || p == PhaseDone }

// ResultRecord is what became of one command's result.
type ResultRecord struct {
	Index int
	Type  string
	// ResultFile is the RunScript result, relative to the journal directory.
	ResultFile string         `json:",omitempty"`
	ExitCode   *int           `json:",omitempty"`
	File       *api.SavedFile `json:",omitempty"` // GetFile result on disk
	Tries      int
	LastError  string `json:",omitempty"`
	GaveUp     bool   `json:",omitempty"`
}

// Fetched reports whether the result is stored locally.
func (r ResultRecord) Fetched() bool { return r.ResultFile != "" || r.File != nil }

// Entry is the journal record of one intent: everything needed to reattach.
type Entry struct {
	IntentID  string
	CreatedAt time.Time // UTC, when the intent was written
	UpdatedAt time.Time
	Tenant    string
	// Adopted marks an action tracked by id that was not submitted here.
	Adopted   bool `json:",omitempty"`
	Device    Device
	Plan      Plan
	Request   api.RunLiveResponseRequest
	OutDir    string
	Phase     Phase
	ActionID  string             `json:",omitempty"`
	Action    *api.MachineAction `json:",omitempty"`
	Results   []ResultRecord     `json:",omitempty"`
	LastError string             `json:",omitempty"`
}

// Result returns the record for command index (creating none).
func (e *Entry) Result(index int) (ResultRecord, bool) {
	for _, r := range e.Results {
		if r.Index == index {
			return r, true
		}
	}
	return ResultRecord{}, false
}

// setResult replaces or appends the record for r.Index.
func (e *Entry) setResult(r ResultRecord) {
	for i := range e.Results {
		if e.Results[i].Index == r.Index {
			e.Results[i] = r
			return
		}
	}
	e.Results = append(e.Results, r)
	sort.Slice(e.Results, func(a, b int) bool { return e.Results[a].Index < e.Results[b].Index })
}

// Journal is the on-disk record of intents and actions: one JSON file per
// intent under actions/, large script results under results/. Directories
// are 0700, files 0600, every write atomic.
type Journal struct {
	dir string
	mu  sync.Mutex // serializes read-modify-write in Update
}

// DefaultStateDir is $MDLR_STATE_DIR, else $XDG_STATE_HOME/mdlr, else
// ~/.local/state/mdlr.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("MDLR_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "mdlr"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w (set MDLR_STATE_DIR)", err)
	}
	return filepath.Join(home, ".local", "state", "mdlr"), nil
}

// OpenJournal opens (creating if needed) the journal in dir.
func OpenJournal(dir string) (*Journal, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("journal directory is empty")
	}
	for _, d := range []string{dir, filepath.Join(dir, "actions"), filepath.Join(dir, "results")} {
		if err := ensurePrivateDir(d); err != nil {
			return nil, fmt.Errorf("open journal: %w", err)
		}
	}
	return &Journal{dir: dir}, nil
}

// Dir is the journal's directory.
func (j *Journal) Dir() string { return j.dir }

// NewIntentID returns a random 16-hex-digit intent id.
func NewIntentID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate intent id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// validIntentID accepts exactly 16 lowercase hex digits.
func validIntentID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// validActionID accepts ids safe to use in a file name.
func validActionID(id string) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (j *Journal) entryPath(id string) string {
	return filepath.Join(j.dir, "actions", id+".json")
}

// Create writes a new entry, assigning IntentID (if empty), CreatedAt (if
// zero) and Phase (if empty, PhaseIntent). It fails if the id exists.
func (j *Journal) Create(e Entry) (Entry, error) {
	if e.IntentID == "" {
		id, err := NewIntentID()
		if err != nil {
			return Entry{}, err
		}
		e.IntentID = id
	}
	if !validIntentID(e.IntentID) {
		return Entry{}, fmt.Errorf("invalid intent id %q", e.IntentID)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now()
	}
	e.CreatedAt = e.CreatedAt.UTC()
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = e.CreatedAt
	}
	if e.Phase == "" {
		e.Phase = PhaseIntent
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := os.Stat(j.entryPath(e.IntentID)); err == nil {
		return Entry{}, fmt.Errorf("intent %s already exists", e.IntentID)
	}
	return e, j.write(e)
}

// write stores e atomically. The caller holds j.mu.
func (j *Journal) write(e Entry) error {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("encode intent %s: %w", e.IntentID, err)
	}
	if err := writeFileAtomic(j.entryPath(e.IntentID), append(data, '\n')); err != nil {
		return fmt.Errorf("write intent %s: %w", e.IntentID, err)
	}
	return nil
}

// Get reads one entry.
func (j *Journal) Get(intentID string) (Entry, error) {
	if !validIntentID(intentID) {
		return Entry{}, fmt.Errorf("invalid intent id %q", intentID)
	}
	return j.read(j.entryPath(intentID))
}

func (j *Journal) read(path string) (Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Entry{}, fmt.Errorf("read %s: %w", path, err)
	}
	e, err := DecodeEntry(data)
	if err != nil {
		return Entry{}, fmt.Errorf("%s: %w", path, err)
	}
	if want := strings.TrimSuffix(filepath.Base(path), ".json"); e.IntentID != want {
		return Entry{}, fmt.Errorf("%s: holds intent %q, not %q", path, e.IntentID, want)
	}
	return e, nil
}

// DecodeEntry parses and checks one journal entry.
func DecodeEntry(data []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return Entry{}, fmt.Errorf("corrupted journal entry: %w", err)
	}
	if !validIntentID(e.IntentID) {
		return Entry{}, fmt.Errorf("corrupted journal entry: invalid intent id %q", e.IntentID)
	}
	if !e.Phase.valid() {
		return Entry{}, fmt.Errorf("corrupted journal entry: unknown phase %q", e.Phase)
	}
	if e.ActionID != "" && !validActionID(e.ActionID) {
		return Entry{}, fmt.Errorf("corrupted journal entry: invalid action id %q", e.ActionID)
	}
	for _, r := range e.Results {
		if r.ResultFile != "" && !validResultFile(r.ResultFile) {
			return Entry{}, fmt.Errorf("corrupted journal entry: invalid result file %q", r.ResultFile)
		}
	}
	return e, nil
}

// Update applies fn to the stored entry and writes it back atomically.
// fn must not change IntentID.
func (j *Journal) Update(intentID string, fn func(*Entry)) (Entry, error) {
	if !validIntentID(intentID) {
		return Entry{}, fmt.Errorf("invalid intent id %q", intentID)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	e, err := j.read(j.entryPath(intentID))
	if err != nil {
		return Entry{}, err
	}
	fn(&e)
	if e.IntentID != intentID {
		return Entry{}, fmt.Errorf("update of intent %s changed its id", intentID)
	}
	e.UpdatedAt = time.Now().UTC()
	return e, j.write(e)
}

// List loads every entry, oldest first. A corrupted or unreadable file is
// reported in the errors (naming the file) and the rest still load.
func (j *Journal) List() ([]Entry, []error) {
	dir := filepath.Join(j.dir, "actions")
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, []error{fmt.Errorf("list journal %s: %w", dir, err)}
	}
	var out []Entry
	var errs []error
	for _, de := range des {
		name := de.Name()
		if !de.Type().IsRegular() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		e, err := j.read(filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].CreatedAt.Before(out[b].CreatedAt) })
	return out, errs
}

// Unfinished lists entries that are neither rejected nor done.
func (j *Journal) Unfinished() ([]Entry, []error) {
	all, errs := j.List()
	var out []Entry
	for _, e := range all {
		if !e.Phase.Finished() {
			out = append(out, e)
		}
	}
	return out, errs
}

// resultFileName is the relative path of a stored script result.
func resultFileName(actionID string, index int) string {
	return "results/" + actionID + "-" + fmt.Sprint(index) + ".json"
}

func validResultFile(rel string) bool {
	if !strings.HasPrefix(rel, "results/") || !strings.HasSuffix(rel, ".json") {
		return false
	}
	base := strings.TrimSuffix(strings.TrimPrefix(rel, "results/"), ".json")
	return validActionID(base)
}

// SaveScriptResult stores a RunScript result in results/<actionID>-<index>.json
// (0600) and returns that relative path.
func (j *Journal) SaveScriptResult(actionID string, index int, r api.ScriptResult) (string, error) {
	if !validActionID(actionID) || index < 0 {
		return "", fmt.Errorf("invalid result key %q/%d", actionID, index)
	}
	data, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode script result: %w", err)
	}
	rel := resultFileName(actionID, index)
	if err := writeFileAtomic(filepath.Join(j.dir, filepath.FromSlash(rel)), data); err != nil {
		return "", fmt.Errorf("store script result: %w", err)
	}
	return rel, nil
}

// LoadScriptResult reads a stored RunScript result.
func (j *Journal) LoadScriptResult(actionID string, index int) (api.ScriptResult, error) {
	if !validActionID(actionID) || index < 0 {
		return api.ScriptResult{}, fmt.Errorf("invalid result key %q/%d", actionID, index)
	}
	path := filepath.Join(j.dir, filepath.FromSlash(resultFileName(actionID, index)))
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return api.ScriptResult{}, fmt.Errorf("no stored result for command %d of action %s", index, actionID)
	}
	if err != nil {
		return api.ScriptResult{}, fmt.Errorf("read %s: %w", path, err)
	}
	var r api.ScriptResult
	if err := json.Unmarshal(data, &r); err != nil {
		return api.ScriptResult{}, fmt.Errorf("%s: corrupted script result: %w", path, err)
	}
	return r, nil
}
