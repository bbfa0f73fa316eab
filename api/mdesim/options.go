package mdesim

import (
	"crypto/x509"
	"math"
	"time"
)

// Credentials the simulated tenant accepts by default.
const (
	DemoTenantID     = "4f8333ab-8e68-4eb3-851c-cbd7bdf4ed2b"
	DemoClientID     = "81957979-7999-4c8d-b0b0-46d9031e7011"
	DemoClientSecret = "mdesim-demo-secret"
	// DemoReadOnlyClientID is a second app registration whose roles lack
	// Machine.LiveResponse and Library.Manage (it holds Machine.Read.All
	// only), so the API answers 403 on runliveresponse and libraryfiles for
	// its tokens. Public client flows are not allowed on it.
	DemoReadOnlyClientID     = "0d1c3f55-6a2e-4b8f-9d77-2c5e8a4b1f03"
	DemoReadOnlyClientSecret = "mdesim-readonly-secret"
	// DemoUser is the signed-in user of the device code flow.
	DemoUser = "analyst@contoso.com"
)

// Simulated durations of the live response lifecycle at TimeScale 1; at
// TimeScale k each lasts 1/k as long on the clock (see (*Sim).Scaled).
const (
	PickupDelay        = 3 * time.Second  // from creation to InProgress
	CommandGap         = 1 * time.Second  // between two commands
	PutFileDuration    = 5 * time.Second  // one PutFile
	RunScriptDuration  = 20 * time.Second // one RunScript
	SlowScriptDuration = 8 * time.Minute  // RunScript of slow-scan.ps1
	GetFileDuration    = 15 * time.Second // one GetFile
	BigGetFileDuration = 45 * time.Second // GetFile of a path containing "big"
)

// Options configure a Sim. Zero values select the documented defaults.
type Options struct {
	// Devices is the fleet size (default 250, max 100_000). The well-known
	// devices are always included; a negative value gives an empty fleet.
	Devices int
	// Seed makes the fleet and generated ids deterministic.
	Seed int64
	// TimeScale speeds up the simulated lifecycle (default 1): the pickup
	// delay, command gaps and durations, QueueWindow and LinkLifetime are
	// divided by it. It never shifts the clock: every timestamp the tenant
	// returns is read from Now, so at TimeScale 10 a RunScript takes
	// RunScriptDuration/10 and its startTime and endTime are that far apart.
	TimeScale float64
	// Now is the clock every timestamp is read from (default time.Now).
	Now func() time.Time
	// TenantID, ClientID and ClientSecret are the accepted credentials
	// (defaults: the Demo* constants).
	TenantID, ClientID, ClientSecret string
	// TokenLifetime is the access token lifetime in real time (default 3599s).
	TokenLifetime time.Duration
	// QueueWindow is how long an offline device's action stays Pending
	// before TimeOut (at TimeScale 1; default 2h).
	QueueWindow time.Duration
	// LinkLifetime is the validity of result links (at TimeScale 1;
	// default 30m).
	LinkLifetime time.Duration
	// MaxConcurrent caps concurrent (Pending or InProgress) live response
	// actions (default 25).
	MaxConcurrent int
	// SubmitPerMinute limits runliveresponse calls (default 10).
	SubmitPerMinute int
	// CallsPerMinute and CallsPerHour limit API calls per token
	// (defaults 100 and 1500).
	CallsPerMinute, CallsPerHour int
	// Requestor is recorded on created actions (default: the ClientID).
	Requestor string
	// StateFile, when set, makes the tenant survive a restart: New loads it
	// if it exists, and every state change (live response submission,
	// cancellation, library upload or delete, result link) rewrites it
	// atomically. It holds the actions, the library (uploaded content
	// included), the id generator, the counters and the fleet's epoch; all
	// times in it are on the clock (Now), so a restarted tenant simply
	// carries on. An unusable file (including one in an older format) is
	// renamed to StateFile+".corrupt" and the tenant starts
	// fresh; see (*Sim).LoadError.
	StateFile string

	// ClientCertificates are the certificates registered on ClientID for
	// client assertions (default: DemoCertificate).
	ClientCertificates []*x509.Certificate
	// DeviceCodeApproveAfter approves a pending device code this long (real
	// time) after it was issued (default 3s; negative: only
	// (*Sim).ApproveDeviceCode approves).
	DeviceCodeApproveAfter time.Duration
	// DeviceCodeInterval is the polling interval the device code response
	// asks for, in whole seconds (default 5s; under 1s selects the default).
	DeviceCodeInterval time.Duration
	// DeviceCodeLifetime is how long (real time) a device code can be
	// redeemed (default 15m, rounded up to whole seconds).
	DeviceCodeLifetime time.Duration
	// RefreshTokenLifetime is the validity of a refresh token on the clock
	// (Now) since it was issued (default 90 days).
	RefreshTokenLifetime time.Duration
}

// MaxDevices is the largest supported fleet.
const MaxDevices = 100_000

func (o Options) withDefaults() Options {
	switch {
	case o.Devices == 0:
		o.Devices = 250
	case o.Devices < 0:
		o.Devices = 0
	case o.Devices > MaxDevices:
		o.Devices = MaxDevices
	case o.Devices < len(wellKnown):
		o.Devices = len(wellKnown)
	}
	if !(o.TimeScale > 0) || math.IsInf(o.TimeScale, 0) { // also NaN
		o.TimeScale = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TenantID == "" {
		o.TenantID = DemoTenantID
	}
	if o.ClientID == "" {
		o.ClientID = DemoClientID
	}
	if o.ClientSecret == "" {
		o.ClientSecret = DemoClientSecret
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = 3599 * time.Second
	}
	if o.QueueWindow <= 0 {
		o.QueueWindow = 2 * time.Hour
	}
	if o.LinkLifetime <= 0 {
		o.LinkLifetime = 30 * time.Minute
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 25
	}
	if o.SubmitPerMinute <= 0 {
		o.SubmitPerMinute = 10
	}
	if o.CallsPerMinute <= 0 {
		o.CallsPerMinute = 100
	}
	if o.CallsPerHour <= 0 {
		o.CallsPerHour = 1500
	}
	if len(o.ClientCertificates) == 0 {
		o.ClientCertificates = []*x509.Certificate{DemoCertificate()}
	}
	if o.DeviceCodeApproveAfter == 0 {
		o.DeviceCodeApproveAfter = 3 * time.Second
	}
	if o.DeviceCodeInterval < time.Second {
		o.DeviceCodeInterval = 5 * time.Second
	}
	if o.DeviceCodeLifetime <= 0 {
		o.DeviceCodeLifetime = 15 * time.Minute
	}
	if o.RefreshTokenLifetime <= 0 {
		o.RefreshTokenLifetime = 90 * 24 * time.Hour
	}
	if o.Requestor == "" {
		o.Requestor = o.ClientID
	}
	return o
}
