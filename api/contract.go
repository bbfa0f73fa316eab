package api

// This file fixes the exported surface of package api so that state/, ui/
// and main.go can be written against it while the bodies are filled in.

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Config configures a Client. BaseURL is the API root (e.g.
// https://api.security.microsoft.com); TokenURL the OAuth2 token endpoint.
type Config struct {
	BaseURL      string
	TokenURL     string
	ClientID     string
	ClientSecret string
	Scope        string
	// HTTPClient is the base transport used for API and token calls
	// (nil: a default client with TLS verification and sane timeouts).
	HTTPClient *http.Client
	// BlobClient fetches result links; it never carries an Authorization header.
	BlobClient *http.Client
	// Limits overrides the documented rate budgets (zero values: defaults).
	Limits Limits
	// Now is the clock (nil: time.Now). Sleep waits (nil: a timer honouring ctx).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetries bounds retries of one GET (0: default 5).
	MaxRetries int
	// UserAgent is sent on every request.
	UserAgent string
}

// Limits are the documented API budgets; the stricter documented values are the defaults.
type Limits struct {
	CallsPerMinute  int // all endpoints, whole process (default 100)
	CallsPerHour    int // default 1500
	SubmitPerMinute int // runliveresponse (default 10)
}

// Budget is the remaining request budget of the process.
type Budget struct {
	MinuteRemaining int
	HourRemaining   int
	SubmitRemaining int
}

// ListOptions are OData query options for list endpoints.
type ListOptions struct {
	Filter string // raw $filter expression; build it with the OData helpers
	Top    int    // 0: server default
	Skip   int
}

// UploadRequest describes a library upload.
type UploadRequest struct {
	FileName              string
	Content               io.Reader
	Description           string
	ParametersDescription string
	HasParameters         bool
	OverrideIfExists      bool
}

// SavedFile describes a GetFile result written to disk.
type SavedFile struct {
	Path   string
	Bytes  int64
	SHA256 string // hex
}

// Service is what front ends and the state engine need from the API; *Client implements it.
type Service interface {
	ListMachines(ctx context.Context, opts ListOptions) ([]Machine, error)
	ListAllMachines(ctx context.Context, filter string, pageSize int, onPage func([]Machine) error) error
	GetMachine(ctx context.Context, idOrName string) (Machine, error)
	ListLibraryFiles(ctx context.Context) ([]LibraryFile, error)
	UploadLibraryFile(ctx context.Context, req UploadRequest) (LibraryFile, error)
	DeleteLibraryFile(ctx context.Context, fileName string) error
	SubmitLiveResponse(ctx context.Context, machineID string, req RunLiveResponseRequest, intentTime time.Time) (MachineAction, error)
	GetMachineAction(ctx context.Context, id string) (MachineAction, error)
	ListMachineActions(ctx context.Context, opts ListOptions) ([]MachineAction, error)
	GetResultDownloadLink(ctx context.Context, actionID string, index int) (string, error)
	FetchScriptResult(ctx context.Context, actionID string, index int) (ScriptResult, error)
	SaveFileResult(ctx context.Context, actionID string, index int, destPath string) (SavedFile, error)
	CancelMachineAction(ctx context.Context, actionID, comment string) (MachineAction, error)
	Budget() Budget
}
