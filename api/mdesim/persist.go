package mdesim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// stateVersion is the format of the state file; other versions are refused.
// Version 1 kept a simulated clock running TimeScale times faster than the
// real one; version 2 keeps every time on the real clock and records each
// action's TimeScale instead.
const stateVersion = 2

// stateFile is what Options.StateFile holds: everything a restarted
// process needs to present the same tenant. Action lifecycles are derived
// from the clock, so an action is its spec plus its creation time and the
// TimeScale it was created under.
type stateFile struct {
	Version int   `json:"version"`
	Seed    int64 `json:"seed"`
	// Epoch dates the fleet and the built-in library (real clock at the
	// tenant's first start).
	Epoch time.Time `json:"epoch"`
	// IDState is the marshalled id generator (rand.PCG).
	IDState    []byte          `json:"idState"`
	Created    int             `json:"created"`
	PerMachine map[string]int  `json:"perMachine,omitempty"`
	Actions    []actionRecord  `json:"actions"`
	Library    []libraryRecord `json:"library"`
	Blobs      []blobRecord    `json:"blobs,omitempty"`
	// RefreshTokens are the refresh grants issued (hashed); absent in files
	// written before they were kept, which load with none.
	RefreshTokens []refreshRecord `json:"refreshTokens,omitempty"`
}

type actionRecord struct {
	ID              string          `json:"id"`
	MachineID       string          `json:"machineId"`
	MachineName     string          `json:"machineName"`
	MachineOS       string          `json:"machineOs"`
	Requestor       string          `json:"requestor"`
	Comment         string          `json:"comment"`
	Created         time.Time       `json:"created"`
	Scale           float64         `json:"scale"` // TimeScale at creation
	Offline         bool            `json:"offline,omitempty"`
	Endless         bool            `json:"endless,omitempty"`
	Commands        []commandRecord `json:"commands"`
	Cancelled       bool            `json:"cancelled,omitempty"`
	CancelAt        time.Time       `json:"cancelAt"`
	CancelRequestor string          `json:"cancelRequestor,omitempty"`
	CancelComment   string          `json:"cancelComment,omitempty"`
}

// commandRecord keeps the planned duration (at TimeScale 1) and outcome, so
// a restart under different constants does not rewrite history.
type commandRecord struct {
	Type     string        `json:"type"`
	Params   []paramKV     `json:"params"`
	Duration time.Duration `json:"duration"`
	Fail     string        `json:"fail,omitempty"`
}

// libraryRecord is a library file; Builtin means the content is the
// well-known file of the same name and is not stored.
type libraryRecord struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	CreatedBy   string    `json:"createdBy"`
	HasParams   bool      `json:"hasParams,omitempty"`
	ParamsDesc  string    `json:"paramsDesc,omitempty"`
	Builtin     bool      `json:"builtin,omitempty"`
	Content     []byte    `json:"content,omitempty"`
}

type blobRecord struct {
	Name     string    `json:"name"`
	ActionID string    `json:"actionId"`
	Index    int       `json:"index"`
	Sig      string    `json:"sig"`
	Expires  time.Time `json:"expires"`
}

// snapshotLocked copies the persistent state. s.mu must be held. Command
// params and library content are never mutated, so they are shared.
func (s *Sim) snapshotLocked() *stateFile {
	idState, _ := s.idSrc.MarshalBinary() // cannot fail
	st := &stateFile{
		Version: stateVersion, Seed: s.opts.Seed, Epoch: s.fleet.epoch,
		IDState: idState, Created: s.created,
		PerMachine:    make(map[string]int, len(s.perMachine)),
		Actions:       make([]actionRecord, len(s.actions)),
		Library:       make([]libraryRecord, 0, len(s.library)),
		Blobs:         make([]blobRecord, 0, len(s.blobs)),
		RefreshTokens: s.refreshRecordsLocked(),
	}
	for k, v := range s.perMachine {
		st.PerMachine[k] = v
	}
	for i, a := range s.actions {
		r := actionRecord{
			ID: a.id, MachineID: a.machineID, MachineName: a.machineName, MachineOS: a.machineOS,
			Requestor: a.requestor, Comment: a.comment, Created: a.created, Scale: a.scale, Offline: a.offline, Endless: a.endless,
			Commands:  make([]commandRecord, len(a.commands)),
			Cancelled: a.cancelled, CancelAt: a.cancelAt, CancelRequestor: a.cancelRequestor, CancelComment: a.cancelComment,
		}
		for j, c := range a.commands {
			r.Commands[j] = commandRecord{Type: c.typ, Params: c.params, Duration: c.duration, Fail: c.fail}
		}
		st.Actions[i] = r
	}
	builtin := builtinSums()
	for _, f := range sortedLibrary(s.library) {
		r := libraryRecord{
			Name: f.name, Description: f.description, Created: f.created, Updated: f.updated,
			CreatedBy: f.createdBy, HasParams: f.hasParams, ParamsDesc: f.paramsDesc, Content: f.content,
		}
		if builtin[f.name] == f.sha256 {
			r.Builtin, r.Content = true, nil
		}
		st.Library = append(st.Library, r)
	}
	for name, b := range s.blobs {
		st.Blobs = append(st.Blobs, blobRecord{Name: name, ActionID: b.action.id, Index: b.index, Sig: b.sig, Expires: b.expires})
	}
	return st
}

// builtinSums maps each well-known library file to its content hash.
var builtinSums = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for name, f := range defaultLibrary(time.Time{}) {
		out[name] = f.sha256
	}
	return out
})

// persist writes the current state to Options.StateFile, if configured.
// The snapshot is taken under s.mu; encoding and disk I/O happen outside
// it, serialised by saveMu, and a snapshot older than the last one written
// is dropped, so the file never goes back in time.
func (s *Sim) persist() {
	if s.opts.StateFile == "" {
		return
	}
	s.mu.Lock()
	st := s.snapshotLocked()
	s.stateGen++
	gen := s.stateGen
	s.mu.Unlock()

	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if gen <= s.savedGen {
		return
	}
	data, err := json.Marshal(st)
	if err == nil {
		err = writeFileAtomic(s.opts.StateFile, data)
	}
	s.savedGen, s.saveErr = gen, err
}

// writeFileAtomic replaces path with data: a 0600 temporary file in the
// same directory (created 0700 if missing), fsync, rename, directory fsync.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("mdesim: state file directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("mdesim: write state file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
			err = fmt.Errorf("mdesim: write state file: %w", err)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename durable (best effort)
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// loadState restores Options.StateFile into s (not yet shared). It reports
// whether the file was loaded; a missing file is no error. An unreadable or
// invalid file is renamed to <name>.corrupt and leaves s untouched.
func (s *Sim) loadState() (bool, error) {
	path := s.opts.StateFile
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err == nil {
		err = s.restore(data)
	}
	if err != nil {
		err = fmt.Errorf("mdesim: state file %s is unusable, starting a fresh tenant: %w", path, err)
		if rerr := os.Rename(path, path+".corrupt"); rerr != nil {
			err = errors.Join(err, fmt.Errorf("mdesim: keep unusable state file: %w", rerr))
		}
		return false, err
	}
	return true, nil
}

// restore validates data and, only if it is entirely valid, replaces the
// state of s (not yet shared).
func (s *Sim) restore(data []byte) error {
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil {
		return err
	}
	switch {
	case st.Version != stateVersion:
		return fmt.Errorf("version %d, want %d", st.Version, stateVersion)
	case st.Seed != s.opts.Seed:
		return fmt.Errorf("written for seed %d, not %d", st.Seed, s.opts.Seed)
	case st.Epoch.IsZero():
		return errors.New("missing epoch")
	case st.Created < 0:
		return errors.New("negative action count")
	}
	idSrc := &rand.PCG{}
	if err := idSrc.UnmarshalBinary(st.IDState); err != nil {
		return fmt.Errorf("id generator: %w", err)
	}

	actions := make([]*action, 0, len(st.Actions))
	byID := make(map[string]*action, len(st.Actions))
	for i, r := range st.Actions {
		a, err := r.action()
		if err != nil {
			return fmt.Errorf("action %d: %w", i, err)
		}
		if byID[a.id] != nil {
			return fmt.Errorf("action %d: duplicate id %s", i, a.id)
		}
		actions = append(actions, a)
		byID[a.id] = a
	}
	perMachine := make(map[string]int, len(st.PerMachine))
	for k, v := range st.PerMachine {
		if v < 0 {
			return fmt.Errorf("negative action count for %s", k)
		}
		perMachine[k] = v
	}

	defaults := defaultLibrary(st.Epoch)
	library := make(map[string]*libraryFile, len(st.Library))
	for _, r := range st.Library {
		if !validLibraryName(r.Name) || library[r.Name] != nil {
			return fmt.Errorf("invalid or duplicate library file %q", r.Name)
		}
		content := r.Content
		if r.Builtin {
			d := defaults[r.Name]
			if d == nil {
				return fmt.Errorf("library file %q is not a built-in file", r.Name)
			}
			content = d.content
		}
		if content == nil {
			content = []byte{}
		}
		if len(content) > maxLibraryFileLen {
			return fmt.Errorf("library file %q exceeds the size limit", r.Name)
		}
		library[r.Name] = newLibraryFile(r.Name, r.Description, r.CreatedBy, r.HasParams, r.ParamsDesc,
			content, r.Created.UTC(), r.Updated.UTC())
	}

	blobs := make(map[string]*blob, len(st.Blobs))
	for _, r := range st.Blobs {
		a := byID[strings.ToLower(r.ActionID)]
		if r.Name == "" || r.Sig == "" || a == nil || r.Index < 0 || r.Index >= len(a.commands) {
			return fmt.Errorf("invalid result link %q", r.Name)
		}
		blobs[r.Name] = &blob{action: a, index: r.Index, sig: r.Sig, expires: r.Expires.UTC()}
	}

	refresh, err := restoreRefresh(st.RefreshTokens)
	if err != nil {
		return err
	}

	s.fleet.epoch = st.Epoch.UTC()
	s.idSrc = idSrc
	s.idRand = rand.New(idSrc)
	s.created, s.perMachine = st.Created, perMachine
	s.actions, s.actionByID = actions, byID
	s.library, s.blobs = library, blobs
	s.refresh = refresh
	return nil
}

// action validates r and converts it.
func (r actionRecord) action() (*action, error) {
	if r.ID == "" || r.MachineID == "" || r.Created.IsZero() || len(r.Commands) == 0 {
		return nil, errors.New("missing id, device, creation time or commands")
	}
	if r.Cancelled && r.CancelAt.IsZero() {
		return nil, errors.New("cancelled without a cancellation time")
	}
	if !(r.Scale > 0) || math.IsInf(r.Scale, 0) {
		return nil, fmt.Errorf("invalid time scale %v", r.Scale)
	}
	a := &action{
		id: strings.ToLower(r.ID), machineID: r.MachineID, machineName: r.MachineName, machineOS: r.MachineOS,
		requestor: r.Requestor, comment: r.Comment, created: r.Created.UTC(), scale: r.Scale, offline: r.Offline, endless: r.Endless,
		cancelled: r.Cancelled, cancelAt: r.CancelAt.UTC(), cancelRequestor: r.CancelRequestor, cancelComment: r.CancelComment,
	}
	for _, c := range r.Commands {
		if _, ok := commandParams[c.Type]; !ok || c.Duration < 0 {
			return nil, fmt.Errorf("invalid command %q", c.Type)
		}
		a.commands = append(a.commands, commandSpec{typ: c.Type, params: c.Params, duration: c.Duration, fail: c.Fail})
	}
	return a, nil
}
