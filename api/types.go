package api

import (
	"encoding/json"
	"time"
)

// Machine is a device known to Defender for Endpoint (GET /api/machines).
// Fields follow the reference's Machine entity; unknown fields are ignored.
type Machine struct {
	ID                    string      `json:"id"`
	ComputerDNSName       string      `json:"computerDnsName"`
	FirstSeen             time.Time   `json:"firstSeen"`
	LastSeen              time.Time   `json:"lastSeen"`
	OSPlatform            string      `json:"osPlatform"`
	OSVersion             string      `json:"osVersion"`
	OSProcessor           string      `json:"osProcessor"`
	Version               string      `json:"version"`
	OSBuild               int64       `json:"osBuild"`
	OSArchitecture        string      `json:"osArchitecture"`
	LastIPAddress         string      `json:"lastIpAddress"`
	LastExternalIPAddress string      `json:"lastExternalIpAddress"`
	AgentVersion          string      `json:"agentVersion"`
	HealthStatus          string      `json:"healthStatus"`
	OnboardingStatus      string      `json:"onboardingStatus"`
	DefenderAVStatus      string      `json:"defenderAvStatus"`
	DeviceValue           string      `json:"deviceValue"`
	RBACGroupID           FlexString  `json:"rbacGroupId"`
	RBACGroupName         string      `json:"rbacGroupName"`
	RiskScore             string      `json:"riskScore"`
	ExposureLevel         string      `json:"exposureLevel"`
	IsAADJoined           bool        `json:"isAadJoined"`
	AADDeviceID           string      `json:"aadDeviceId"`
	MachineTags           []string    `json:"machineTags"`
	ManagedBy             string      `json:"managedBy"`
	IPAddresses           []IPAddress `json:"ipAddresses"`
}

// IPAddress is one network interface address of a Machine.
type IPAddress struct {
	IPAddress         string `json:"ipAddress"`
	MACAddress        string `json:"macAddress"`
	Type              string `json:"type"`
	OperationalStatus string `json:"operationalStatus"`
}

// FlexString decodes a JSON string or number (rbacGroupId is documented as a
// string but returned as a number) into a string.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = FlexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = FlexString(n.String())
	return nil
}

// LibraryFile is a file in the tenant's live response library.
type LibraryFile struct {
	FileName              string    `json:"fileName"`
	SHA256                string    `json:"sha256"`
	Description           string    `json:"description"`
	CreationTime          time.Time `json:"creationTime"`
	LastUpdatedTime       time.Time `json:"lastUpdatedTime"`
	CreatedBy             string    `json:"createdBy"`
	HasParameters         bool      `json:"hasParameters"`
	ParametersDescription string    `json:"parametersDescription"`
}

// Command types accepted by runliveresponse, in the order the API requires.
const (
	CommandPutFile   = "PutFile"
	CommandRunScript = "RunScript"
	CommandGetFile   = "GetFile"
)

// Parameter keys of live response commands.
const (
	ParamFileName   = "FileName"
	ParamScriptName = "ScriptName"
	ParamArgs       = "Args"
	ParamPath       = "Path"
)

// Param is one key/value parameter of a live response command.
type Param struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Command is one live response command as sent in a request and echoed in
// a MachineAction.
type Command struct {
	Type   string  `json:"type"`
	Params []Param `json:"params"`
}

// Param returns the value of the parameter named key, or "".
func (c Command) Param(key string) string {
	for _, p := range c.Params {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}

// RunLiveResponseRequest is the body of POST /api/machines/{id}/runliveresponse.
// Property casing matters: the service is case-sensitive.
type RunLiveResponseRequest struct {
	Commands []Command `json:"Commands"`
	Comment  string    `json:"Comment"`
}

// Machine action statuses.
const (
	StatusPending    = "Pending"
	StatusInProgress = "InProgress"
	StatusSucceeded  = "Succeeded"
	StatusFailed     = "Failed"
	StatusTimeOut    = "TimeOut"
	StatusCancelled  = "Cancelled"
)

// IsTerminalStatus reports whether a machine action status is final.
func IsTerminalStatus(s string) bool {
	switch s {
	case StatusSucceeded, StatusFailed, StatusTimeOut, StatusCancelled:
		return true
	}
	return false
}

// Per-command statuses documented by the API. Any other value is treated as
// not terminal.
const (
	CommandStatusCreated   = "Created"
	CommandStatusCompleted = "Completed"
	CommandStatusFailed    = "Failed"
)

// MachineAction is an action on a device; live response actions carry Commands.
type MachineAction struct {
	ID                      string          `json:"id"`
	Type                    string          `json:"type"`
	Title                   string          `json:"title"`
	Scope                   string          `json:"scope"`
	Requestor               string          `json:"requestor"`
	RequestorComment        string          `json:"requestorComment"`
	RequestSource           string          `json:"requestSource"`
	ExternalID              string          `json:"externalId"`
	Status                  string          `json:"status"`
	MachineID               string          `json:"machineId"`
	ComputerDNSName         string          `json:"computerDnsName"`
	CreationDateTimeUTC     time.Time       `json:"creationDateTimeUtc"`
	LastUpdateDateTimeUTC   time.Time       `json:"lastUpdateDateTimeUtc"`
	CancellationRequestor   string          `json:"cancellationRequestor"`
	CancellationComment     string          `json:"cancellationComment"`
	CancellationDateTimeUTC *time.Time      `json:"cancellationDateTimeUtc"`
	ErrorHResult            int64           `json:"errorHResult"`
	TroubleshootInfo        string          `json:"troubleshootInfo"`
	Commands                []CommandStatus `json:"commands"`
}

// CommandStatus is the state of one command within a live response action.
type CommandStatus struct {
	Index         int        `json:"index"`
	StartTime     *time.Time `json:"startTime"`
	EndTime       *time.Time `json:"endTime"`
	CommandStatus string     `json:"commandStatus"`
	Errors        []string   `json:"errors"`
	Command       Command    `json:"command"`
}

// ScriptResult is the downloaded result of a RunScript command.
type ScriptResult struct {
	ScriptName   string `json:"script_name"`
	ExitCode     int    `json:"exit_code"`
	ScriptOutput string `json:"script_output"`
	ScriptErrors string `json:"script_errors"`
}

// CancelRequest is the body of POST /api/machineactions/{id}/cancel.
type CancelRequest struct {
	Comment string `json:"Comment"`
}
