package mdesim

import (
	crand "crypto/rand"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Sim is a simulated Defender tenant. It is safe for concurrent use.
type Sim struct {
	opts    Options
	fleet   *fleet
	log     requestLog
	loadErr error // set once by New

	saveMu   sync.Mutex // serialises state file writes; never held with mu
	savedGen uint64     // generation of the last snapshot written (saveMu)
	saveErr  error      // result of the last write (saveMu)

	mu         sync.Mutex
	tokens     map[string]*tokenInfo   // access token → what it grants and when it expires
	jwtKey     [32]byte                // signs access tokens (never checked by the API)
	devices    map[string]*deviceCode  // device_code → pending device sign-in
	refresh    map[string]*refreshInfo // refresh token → its grant
	usedJTIs   map[string]time.Time    // client assertion jti → its exp (replay check)
	calls      map[string]*window      // per-token API call history
	submits    window                  // runliveresponse calls
	library    map[string]*libraryFile
	actions    []*action // creation order, oldest first
	actionByID map[string]*action
	perMachine map[string]int // LR actions created per machine id
	created    int            // LR actions created through the API
	blobs      map[string]*blob
	idSrc      *rand.PCG // idRand's source, persisted in the state file
	idRand     *rand.Rand
	stateGen   uint64 // snapshots taken for the state file
	faults     Faults
	faultRand  *rand.Rand
}

// timeLayout renders DateTimeOffset values like the service (7 fractional digits).
const timeLayout = "2006-01-02T15:04:05.0000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// New returns a Sim for opts (zero values take the documented defaults).
func New(opts Options) *Sim {
	opts = opts.withDefaults()
	now := opts.Now()
	s := &Sim{
		opts:       opts,
		fleet:      &fleet{seed: opts.Seed, size: opts.Devices, epoch: now.UTC()},
		tokens:     map[string]*tokenInfo{},
		devices:    map[string]*deviceCode{},
		refresh:    map[string]*refreshInfo{},
		usedJTIs:   map[string]time.Time{},
		calls:      map[string]*window{},
		library:    defaultLibrary(now),
		actionByID: map[string]*action{},
		perMachine: map[string]int{},
		blobs:      map[string]*blob{},
		// Ids depend on the seed and the tenant's first start, so two fresh
		// tenants never hand out the same action ids (a journal may outlive
		// a demo tenant) while a test's fake clock keeps them reproducible.
		idSrc: rand.NewPCG(uint64(opts.Seed), 0x5eed^uint64(now.UnixNano())),
	}
	s.idRand = rand.New(s.idSrc)
	_, _ = crand.Read(s.jwtKey[:])
	s.SetFaults(Faults{})
	loaded := false
	if opts.StateFile != "" {
		loaded, s.loadErr = s.loadState()
	}
	if !loaded {
		if s.fleet.size > 5 {
			s.seedBusyAction()
		}
		s.persist() // pin the epoch and the busy action of a fresh tenant
	}
	return s
}

// LoadError reports why Options.StateFile could not be loaded (nil when it
// was loaded, absent or not configured). When the file was unusable the
// tenant started fresh and the file was kept as StateFile+".corrupt".
func (s *Sim) LoadError() error { return s.loadErr }

// SaveError returns the error of the most recent write of Options.StateFile
// (nil after a successful write or when no state file is configured).
func (s *Sim) SaveError() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	return s.saveErr
}

// seedBusyAction gives the busy device a never-ending action by another requestor.
func (s *Sim) seedBusyAction() {
	m := s.fleet.lookup(DeviceBusyID)
	if m == nil {
		return
	}
	a := &action{
		id: s.newID(), machineID: m.id, machineName: m.name, machineOS: m.os,
		requestor: "other.analyst@contoso.com", comment: "INC-0815 memory capture",
		created: s.now().Add(-12 * time.Minute), scale: s.opts.TimeScale, endless: true,
		commands: []commandSpec{
			{typ: typePutFile, params: []paramKV{{keyFileName, ToolWinpmem}}, duration: PutFileDuration},
			{typ: typeGetFile, params: []paramKV{{keyPath, `C:\Windows\Temp\mem.raw`}}, duration: GetFileDuration},
		},
	}
	s.actions = append(s.actions, a)
	s.actionByID[a.id] = a
}

// now is the clock every returned timestamp is on: Options.Now, in UTC.
// TimeScale never changes it; it shortens the simulated durations instead.
func (s *Sim) now() time.Time { return s.opts.Now().UTC() }

// Scaled returns how long a simulated duration given at TimeScale 1 (such
// as RunScriptDuration, PickupDelay or Options.QueueWindow) lasts on the
// clock at this Sim's TimeScale: d divided by TimeScale. Tests use it to
// know how far to advance a fake clock.
func (s *Sim) Scaled(d time.Duration) time.Duration { return scaleDuration(d, s.opts.TimeScale) }

// newID returns a deterministic GUID not used by any action; s.mu must be
// held or s not yet shared.
func (s *Sim) newID() string {
	for {
		var b [16]byte
		for i := 0; i < 16; i += 8 {
			v := s.idRand.Uint64()
			for j := 0; j < 8; j++ {
				b[i+j] = byte(v >> (8 * j))
			}
		}
		if id := formatGUID(b); s.actionByID[id] == nil {
			return id
		}
	}
}

// ServeHTTP routes token, API and blob requests, applying faults first.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	var once sync.Once
	record := func() {
		s.log.add(RequestRecord{
			Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			HadAuth: r.Header.Get("Authorization") != "", Status: rec.status, At: s.opts.Now(),
		})
	}
	// A dropped request is logged before its connection closes, so a client
	// that sees the transport error also sees the record.
	rec.beforeDrop = func() { once.Do(record) }
	defer once.Do(record)
	s.serveWithFaults(rec, r, s.route)
}

// route dispatches a request to the token, blob or API handlers.
func (s *Sim) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/oauth2/v2.0/token"):
		s.handleToken(w, r, strings.Trim(strings.TrimSuffix(p, "/oauth2/v2.0/token"), "/"))
	case strings.HasSuffix(p, "/oauth2/v2.0/devicecode"):
		s.handleDeviceCode(w, r, strings.Trim(strings.TrimSuffix(p, "/oauth2/v2.0/devicecode"), "/"))
	case p == devicePagePath:
		s.handleDevicePage(w, r)
	case strings.HasPrefix(p, "/blob/"):
		s.handleBlob(w, r, strings.TrimPrefix(p, "/blob/"))
	case hasPrefixFold(p, "/api/"):
		s.handleAPI(w, r)
	default:
		writeError(w, http.StatusNotFound, codeNotFound, "No route for "+p)
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// Requests returns the most recent requests (bounded), oldest first.
func (s *Sim) Requests() []RequestRecord { return s.log.snapshot() }

// ActionsFor returns how many live response actions were created on a
// device (by id or name) through the API.
func (s *Sim) ActionsFor(machineID string) int {
	m := s.fleet.lookup(machineID)
	if m == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perMachine[m.id]
}

// LiveResponseActionCount returns how many live response actions were
// created through the API.
func (s *Sim) LiveResponseActionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.created
}

// DeviceID returns the id of the device named name (or "" if unknown).
func (s *Sim) DeviceID(name string) string {
	if m := s.fleet.lookup(name); m != nil {
		return m.id
	}
	return ""
}

// DeviceName returns the computerDnsName of the device with id or name key.
func (s *Sim) DeviceName(key string) string {
	if m := s.fleet.lookup(key); m != nil {
		return m.name
	}
	return ""
}

// DeviceCount returns the fleet size.
func (s *Sim) DeviceCount() int { return s.fleet.size }

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status     int
	beforeDrop func() // called before the connection is dropped
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Flush forwards to the underlying writer when it can flush.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
