package mdesim

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
)

// machineJSON is the Machine entity (reference §2.2, §6.2).
type machineJSON struct {
	Context                string          `json:"@odata.context,omitempty"`
	ID                     string          `json:"id"`
	ComputerDNSName        string          `json:"computerDnsName"`
	FirstSeen              string          `json:"firstSeen"`
	LastSeen               string          `json:"lastSeen"`
	OSPlatform             string          `json:"osPlatform"`
	OSVersion              *string         `json:"osVersion"`
	OSProcessor            string          `json:"osProcessor"`
	Version                string          `json:"version"`
	OSBuild                *int64          `json:"osBuild"`
	OSArchitecture         string          `json:"osArchitecture"`
	LastIPAddress          string          `json:"lastIpAddress"`
	LastExternalIPAddress  string          `json:"lastExternalIpAddress"`
	AgentVersion           string          `json:"agentVersion"`
	HealthStatus           string          `json:"healthStatus"`
	OnboardingStatus       string          `json:"onboardingStatus"`
	DefenderAVStatus       string          `json:"defenderAvStatus"`
	DeviceValue            string          `json:"deviceValue"`
	RBACGroupID            int             `json:"rbacGroupId"`
	RBACGroupName          string          `json:"rbacGroupName"`
	RiskScore              string          `json:"riskScore"`
	ExposureLevel          string          `json:"exposureLevel"`
	IsAADJoined            bool            `json:"isAadJoined"`
	AADDeviceID            *string         `json:"aadDeviceId"`
	MachineTags            []string        `json:"machineTags"`
	ManagedBy              string          `json:"managedBy"`
	ManagedByStatus        string          `json:"managedByStatus"`
	IsPotentialDuplication bool            `json:"isPotentialDuplication"`
	MergedIntoMachineID    *string         `json:"mergedIntoMachineId"`
	IsExcluded             bool            `json:"isExcluded"`
	ExclusionReason        *string         `json:"exclusionReason"`
	VMMetadata             json.RawMessage `json:"vmMetadata"`
	IPAddresses            []ipAddressJSON `json:"ipAddresses"`
}

type ipAddressJSON struct {
	IPAddress         string `json:"ipAddress"`
	MACAddress        string `json:"macAddress"`
	Type              string `json:"type"`
	OperationalStatus string `json:"operationalStatus"`
}

func (m *machine) json() machineJSON {
	j := machineJSON{
		ID: m.id, ComputerDNSName: m.name, FirstSeen: formatTime(m.firstSeen), LastSeen: formatTime(m.lastSeen),
		OSPlatform: m.os, OSProcessor: "x64", Version: m.version, OSArchitecture: "64-bit",
		LastIPAddress: m.ip4, LastExternalIPAddress: m.extIP, AgentVersion: m.agent,
		HealthStatus: m.health, OnboardingStatus: "Onboarded", DefenderAVStatus: "Updated",
		DeviceValue: m.value, RBACGroupID: m.groupID, RBACGroupName: m.group, RiskScore: m.risk,
		ExposureLevel: m.exposure, IsAADJoined: m.aadJoined, MachineTags: m.tags,
		ManagedBy: "Intune", ManagedByStatus: "Success", VMMetadata: json.RawMessage("null"),
		IPAddresses: []ipAddressJSON{
			{m.ip4, m.mac, "Ethernet", "Up"},
			{m.ip6, m.mac, "Ethernet", "Up"},
		},
	}
	if m.build != 0 {
		b := m.build
		j.OSBuild = &b
	}
	if !m.windows() {
		j.ManagedBy, j.ManagedByStatus = "MicrosoftDefenderForEndpoint", "Success"
	}
	if m.aadID != "" {
		id := m.aadID
		j.AADDeviceID = &id
	}
	if j.MachineTags == nil {
		j.MachineTags = []string{}
	}
	return j
}

var machineFilterFields = map[string]bool{
	"computerDnsName": true, "id": true, "version": true, "deviceValue": true, "aadDeviceId": true,
	"lastSeen": true, "exposureLevel": true, "onboardingStatus": true, "lastIpAddress": true,
	"healthStatus": true, "osPlatform": true, "riskScore": true, "rbacGroupId": true,
}

// field returns the filterable value of property name.
func (m *machine) field(name string) (any, bool) {
	switch name {
	case "computerDnsName":
		return m.name, true
	case "id":
		return m.id, true
	case "version":
		return m.version, true
	case "deviceValue":
		return m.value, true
	case "aadDeviceId":
		return m.aadID, true
	case "lastSeen":
		return m.lastSeen, true
	case "exposureLevel":
		return m.exposure, true
	case "onboardingStatus":
		return "Onboarded", true
	case "lastIpAddress":
		return m.ip4, true
	case "healthStatus":
		return m.health, true
	case "osPlatform":
		return m.os, true
	case "riskScore":
		return m.risk, true
	case "rbacGroupId":
		return strconv.Itoa(m.groupID), true
	}
	return nil, false
}

// handleListMachines streams one page of machines as JSON.
func (s *Sim) handleListMachines(w http.ResponseWriter, r *http.Request) {
	po, msg := parsePage(r, machineFilterFields)
	if msg != "" {
		writeError(w, http.StatusBadRequest, codeODataError, msg)
		return
	}
	if s.fleet.size == 0 {
		writeError(w, http.StatusNotFound, codeNotFound, "No recent machines found")
		return
	}
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	_, _ = bw.WriteString(`{"@odata.context":"` + odataBase + `#Machines","value":[`)
	matched, written, next, start := 0, 0, -1, 0
	if po.filter == nil {
		// Without a filter every device matches: jump straight to $skip.
		start = min(po.skip, s.fleet.size)
		matched = start
	}
	for i := start; i < s.fleet.size; i++ {
		if written >= po.top {
			next = i
			break
		}
		if r.Context().Err() != nil {
			return
		}
		m := s.fleet.byIndex(i)
		if po.filter != nil && !po.filter.eval(m.field) {
			continue
		}
		matched++
		if matched <= po.skip {
			continue
		}
		if written > 0 {
			_ = bw.WriteByte(',')
		}
		_ = enc.Encode(m.json())
		written++
	}
	_, _ = bw.WriteString("]")
	if next >= 0 && !po.hasTop {
		q := r.URL.Query()
		q.Set("$skip", strconv.Itoa(po.skip+written))
		link, _ := json.Marshal("https://api.security.microsoft.com/api/machines?" + q.Encode())
		_, _ = bw.WriteString(`,"@odata.nextLink":` + string(link))
	}
	_, _ = bw.WriteString("}")
	_ = bw.Flush()
}

// handleGetMachine returns one machine by id or computer name.
func (s *Sim) handleGetMachine(w http.ResponseWriter, key string) {
	m := s.fleet.lookup(key)
	if m == nil {
		writeError(w, http.StatusNotFound, codeNotFound, "Machine "+key+" was not found")
		return
	}
	j := m.json()
	j.Context = odataBase + "#Machines/$entity"
	writeJSON(w, http.StatusOK, j)
}
