package mdesim

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Sim is a simulated Defender tenant. It is safe for concurrent use.
type Sim struct {
	opts      Options
	realEpoch time.Time
	fleet     *fleet
	log       requestLog

	mu         sync.Mutex
	tokens     map[string]time.Time // access token → real expiry
	calls      map[string]*window   // per-token API call history
	submits    window               // runliveresponse calls
	library    map[string]*libraryFile
	actions    []*action // creation order, oldest first
	actionByID map[string]*action
	perMachine map[string]int // LR actions created per machine id
	created    int            // LR actions created through the API
	blobs      map[string]*blob
	idRand     *rand.Rand
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
		realEpoch:  now,
		fleet:      &fleet{seed: opts.Seed, size: opts.Devices, epoch: now.UTC()},
		tokens:     map[string]time.Time{},
		calls:      map[string]*window{},
		library:    defaultLibrary(now),
		actionByID: map[string]*action{},
		perMachine: map[string]int{},
		blobs:      map[string]*blob{},
		idRand:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed)),
	}
	s.SetFaults(Faults{})
	if s.fleet.size > 5 {
		s.seedBusyAction()
	}
	return s
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
		created: s.simNow().Add(-12 * time.Minute), endless: true,
		commands: []commandSpec{
			{typ: typePutFile, params: []paramKV{{keyFileName, ToolWinpmem}}, duration: PutFileDuration},
			{typ: typeGetFile, params: []paramKV{{keyPath, `C:\Windows\Temp\mem.raw`}}, duration: GetFileDuration},
		},
	}
	s.actions = append(s.actions, a)
	s.actionByID[a.id] = a
}

// simNow is the simulated time: it starts at the real clock and runs
// TimeScale times faster.
func (s *Sim) simNow() time.Time {
	real := s.opts.Now().Sub(s.realEpoch)
	return s.realEpoch.Add(time.Duration(float64(real) * s.opts.TimeScale)).UTC()
}

// SimNow returns the simulated time used for action timestamps.
func (s *Sim) SimNow() time.Time { return s.simNow() }

// newID returns a deterministic GUID; s.mu must be held or s not yet shared.
func (s *Sim) newID() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := s.idRand.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return formatGUID(b)
}

// ServeHTTP routes token, API and blob requests, applying faults first.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		s.log.add(RequestRecord{
			Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			HadAuth: r.Header.Get("Authorization") != "", Status: rec.status, At: s.opts.Now(),
		})
	}()
	s.serveWithFaults(rec, r, s.route)
}

// route dispatches a request to the token, blob or API handlers.
func (s *Sim) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/oauth2/v2.0/token"):
		s.handleToken(w, r, strings.Trim(strings.TrimSuffix(p, "/oauth2/v2.0/token"), "/"))
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
	status int
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
