package mdesim

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"
)

// Names of the well-known library files.
const (
	ScriptTriage      = "collect-triage.ps1"  // has parameters
	ScriptProcessList = "Get-ProcessList.ps1" // optional -Name filter
	ScriptNetstat     = "netstat.sh"          // Linux/macOS connections
	ToolWinpmem       = "winpmem.exe"         // a binary tool, no parameters
	ScriptBroken      = "broken-check.ps1"    // its RunScript command fails
	ScriptSlow        = "slow-scan.ps1"       // runs for SlowScriptDuration
	ScriptHostile     = "hostile-output.ps1"  // output full of escape sequences
	scriptSlow        = ScriptSlow
	scriptBroken      = ScriptBroken
	maxLibraryFileLen = 20 << 20
)

// libraryFile is one file of the tenant's live response library.
type libraryFile struct {
	name        string
	description string
	created     time.Time
	updated     time.Time
	createdBy   string
	hasParams   bool
	paramsDesc  string
	content     []byte
	sha256      string
}

// libraryFileJSON is the LibraryFile entity (reference §2.3, §6.3).
type libraryFileJSON struct {
	Context               string  `json:"@odata.context,omitempty"`
	FileName              string  `json:"fileName"`
	SHA256                string  `json:"sha256"`
	Description           *string `json:"description"`
	CreationTime          string  `json:"creationTime"`
	LastUpdatedTime       string  `json:"lastUpdatedTime"`
	CreatedBy             string  `json:"createdBy"`
	HasParameters         bool    `json:"hasParameters"`
	ParametersDescription *string `json:"parametersDescription,omitempty"`
}

func (f *libraryFile) json() libraryFileJSON {
	j := libraryFileJSON{
		FileName: f.name, SHA256: f.sha256,
		CreationTime: formatTime(f.created), LastUpdatedTime: formatTime(f.updated),
		CreatedBy: f.createdBy, HasParameters: f.hasParams,
	}
	if f.description != "" {
		d := f.description
		j.Description = &d
	}
	if f.hasParams {
		p := f.paramsDesc
		j.ParametersDescription = &p
	}
	return j
}

func newLibraryFile(name, desc, by string, hasParams bool, paramsDesc string, content []byte, created, updated time.Time) *libraryFile {
	sum := sha256.Sum256(content)
	return &libraryFile{
		name: name, description: desc, createdBy: by, hasParams: hasParams, paramsDesc: paramsDesc,
		content: content, sha256: hex.EncodeToString(sum[:]), created: created, updated: updated,
	}
}

// defaultLibrary returns the well-known library, dated relative to epoch.
func defaultLibrary(epoch time.Time) map[string]*libraryFile {
	day := 24 * time.Hour
	at := func(days int, h int) time.Time {
		return epoch.Add(-time.Duration(days)*day + time.Duration(h)*time.Minute).UTC()
	}
	files := []*libraryFile{
		newLibraryFile(ScriptTriage, "Collects autoruns, event logs and prefetch into a zip", "ir-automation@contoso.com",
			true, "-OutPath <path to zip> [-Days <n>]", []byte(triageScript), at(86, 0), at(40, 17)),
		newLibraryFile(ScriptProcessList, "Lists running processes with owner, PID and command line", "j.doe@contoso.com",
			true, "[-Name <process name>]", []byte(processListScript), at(120, 3), at(120, 3)),
		newLibraryFile(ScriptNetstat, "Lists TCP/UDP connections with owning processes (Linux and macOS)", "sec-eng@contoso.com",
			false, "", []byte(netstatScript), at(60, 9), at(33, 2)),
		newLibraryFile(ToolWinpmem, "", "ir-automation@contoso.com",
			false, "", winpmemBytes(), at(200, 5), at(200, 5)),
		newLibraryFile(ScriptBroken, "Checks the Contoso health agent registry keys", "a.smith@contoso.com",
			false, "", []byte(brokenScript), at(10, 11), at(2, 30)),
		newLibraryFile(ScriptSlow, "Full file-system IOC sweep (slow, about 8 minutes)", "sec-eng@contoso.com",
			true, "[-Root <path>]", []byte(slowScript), at(45, 8), at(45, 8)),
		newLibraryFile(ScriptHostile, "Red-team test script: prints terminal control sequences", "red-team@contoso.com",
			false, "", []byte(hostileScript), at(5, 1), at(5, 1)),
	}
	lib := make(map[string]*libraryFile, len(files))
	for _, f := range files {
		lib[f.name] = f
	}
	return lib
}

// sortedLibrary returns the library files ordered by name.
func sortedLibrary(lib map[string]*libraryFile) []*libraryFile {
	out := make([]*libraryFile, 0, len(lib))
	for _, f := range lib {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// validLibraryName reports whether name uses only alphanumerics, '-', '_' and '.'.
func validLibraryName(name string) bool {
	if name == "" || len(name) > 255 || name == "." || name == ".." {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func winpmemBytes() []byte {
	b := make([]byte, 0, 4096)
	b = append(b, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"...)
	for i := 0; len(b) < 4096; i++ {
		b = append(b, byte(i*31+7))
	}
	return b
}

const triageScript = `param([Parameter(Mandatory)][string]$OutPath, [int]$Days = 7)
$items = Get-ChildItem C:\Windows\Prefetch, C:\Windows\System32\winevt\Logs
Compress-Archive -Path $items.FullName -DestinationPath $OutPath -Force
Write-Output "Collected $($items.Count) files"
`

const processListScript = `param([string]$Name)
Get-Process @(if ($Name) { @{Name = $Name} } else { @{} }) -IncludeUserName |
  Format-Table Id, ProcessName, UserName, CPU, WorkingSet -AutoSize
`

const netstatScript = `#!/bin/sh
if command -v ss >/dev/null 2>&1; then ss -tunap; else netstat -an; fi
`

const brokenScript = `Get-ItemProperty -Path 'HKLM:\SOFTWARE\Contoso\HealthAgent' -ErrorAction Stop
`

const slowScript = `param([string]$Root = 'C:\')
Get-ChildItem -Path $Root -Recurse -File -ErrorAction SilentlyContinue | Get-FileHash
`

const hostileScript = "Write-Output \"`e]0;pwned`a`e[2J`e]52;c;ZWNobyBwd25lZA==`a\"\n"
