package mdesim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
)

// transcriptBanner starts Windows RunScript output, as on real devices.
const transcriptBanner = `Transcript started, output file is C:\ProgramData\Microsoft\Windows Defender Advanced Threat Protection\Temp\PSScriptOutputs\PSScript_Transcript_{%s}.txt` + "\n"

// HostileOutput is the script_output of hostile-output.ps1 (before the
// Windows banner and trailing NULs): terminal escapes, C1 bytes, NULs and
// invalid UTF-8.
const HostileOutput = "Checking terminal handling\n" +
	"\x1b[31mRED TEXT\x1b[0m and \x1b[1;5mblink\x1b[0m\n" +
	"\x1b]52;c;ZWNobyBwd25lZA==\x07clipboard written\n" +
	"\x1b]0;pwned-title\x07title changed\n" +
	"\x1bP1$r0m\x1b\\device control string\n" +
	"C1 CSI: \u009b2J and raw \x9b31m\n" +
	"NULs:\x00\x00 end\n" +
	"invalid UTF-8: \xff\xfe\xc3\x28\n" +
	"\x1b[2J\x1b[Hscreen cleared\n"

// scriptResultJSON renders the RunScript result document of command idx.
func scriptResultJSON(a *action, idx int) []byte {
	c := a.commands[idx]
	name, args := c.param(keyScriptName), c.param(keyArgs)
	out, errs := scriptOutput(a, name, args)
	windows := strings.HasPrefix(a.machineOS, "Windows")
	if windows {
		h := sha256.Sum256([]byte(a.id + strconv.Itoa(idx)))
		var g [16]byte
		copy(g[:], h[:16])
		out = fmt.Sprintf(transcriptBanner, strings.ToUpper(formatGUID(g))) + out + "\x00\x00"
	}
	var b bytes.Buffer
	b.WriteString(`{"script_name":`)
	appendRawJSONString(&b, name)
	b.WriteString(`,"exit_code":0,"script_output":`)
	appendRawJSONString(&b, out)
	b.WriteString(`,"script_errors":`)
	appendRawJSONString(&b, errs)
	b.WriteString("}")
	return b.Bytes()
}

// appendRawJSONString writes s as a JSON string, escaping quotes,
// backslashes and control bytes but passing every other byte through, so
// invalid UTF-8 reaches the client as the real service would send it.
func appendRawJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// argValue returns the value following -name in a PowerShell-style argument string.
func argValue(args, name string) string {
	f := strings.Fields(args)
	for i := 0; i+1 < len(f); i++ {
		if strings.EqualFold(f[i], "-"+name) {
			return strings.Trim(f[i+1], `"'`)
		}
	}
	return ""
}

// scriptOutput returns stdout and stderr of a script run on a's device.
func scriptOutput(a *action, name, args string) (string, string) {
	switch name {
	case ScriptTriage:
		outPath := argValue(args, "OutPath")
		if outPath == "" {
			return "", "collect-triage.ps1 : Cannot bind argument to parameter 'OutPath' because it is an empty string.\n"
		}
		days := argValue(args, "Days")
		if days == "" {
			days = "7"
		}
		n := 300 + len(outPath)*7%200
		return fmt.Sprintf("Collecting artefacts from the last %s days\nCollected %d files\nWrote %s (%d MB)\n", days, n, outPath, n/11), ""
	case ScriptProcessList:
		return processTable(argValue(args, "Name")), ""
	case ScriptNetstat:
		return netstatOutput(a), ""
	case ScriptSlow:
		return "Scanning C:\\ recursively\nHashed 184233 files\nNo indicators of compromise found\n", ""
	case ScriptHostile:
		return HostileOutput, "\x1b[41mstderr also \x1b]0;pwned\x07 hostile\x1b[0m\n"
	case ToolWinpmem:
		return "WinPmem64\nDriver loaded; use -o <file> to acquire memory\n", ""
	}
	out := fmt.Sprintf("Running %s", name)
	if args != "" {
		out += " with arguments: " + args
	}
	return out + "\nCompleted.\n", ""
}

var processRows = []struct {
	pid        int
	name, user string
	cpu        float64
	ws         int
}{
	{4, "System", "", 812.44, 151552},
	{108, "Registry", "", 3.20, 89432064},
	{612, "smss", "NT AUTHORITY\\SYSTEM", 0.11, 1228800},
	{884, "csrss", "NT AUTHORITY\\SYSTEM", 14.02, 5632000},
	{1020, "wininit", "NT AUTHORITY\\SYSTEM", 0.20, 7016448},
	{1096, "services", "NT AUTHORITY\\SYSTEM", 41.37, 11419648},
	{1112, "lsass", "NT AUTHORITY\\SYSTEM", 66.91, 24997888},
	{1344, "svchost", "NT AUTHORITY\\SYSTEM", 120.50, 31825920},
	{2876, "MsMpEng", "NT AUTHORITY\\SYSTEM", 903.11, 298311680},
	{3312, "MsSense", "NT AUTHORITY\\SYSTEM", 201.77, 120516608},
	{4480, "SenseIR", "NT AUTHORITY\\SYSTEM", 2.05, 40960000},
	{5124, "explorer", "CONTOSO\\j.doe", 77.81, 141836288},
	{6640, "msedge", "CONTOSO\\j.doe", 512.93, 331808768},
	{6712, "msedge", "CONTOSO\\j.doe", 48.12, 90054656},
	{7208, "OUTLOOK", "CONTOSO\\j.doe", 301.40, 288423936},
	{8120, "powershell", "CONTOSO\\j.doe", 5.66, 78848000},
	{9044, "rundll32", "CONTOSO\\j.doe", 0.91, 9142272},
}

// processTable renders Get-ProcessList.ps1 output, optionally filtered by name.
func processTable(filter string) string {
	filter = strings.TrimSuffix(strings.ToLower(filter), ".exe")
	var b strings.Builder
	b.WriteString("\n   Id ProcessName  UserName                   CPU  WorkingSet\n")
	b.WriteString("   -- -----------  --------                   ---  ----------\n")
	n := 0
	for _, p := range processRows {
		if filter != "" && strings.ToLower(p.name) != filter {
			continue
		}
		fmt.Fprintf(&b, "%5d %-12s %-22s %9.2f %11d\n", p.pid, p.name, p.user, p.cpu, p.ws)
		n++
	}
	if n == 0 {
		return "Get-Process : Cannot find a process with the name \"" + filter + "\".\n"
	}
	return b.String()
}

// netstatOutput renders netstat.sh output for a's device.
func netstatOutput(a *action) string {
	var b strings.Builder
	b.WriteString("Netid State  Recv-Q Send-Q Local Address:Port   Peer Address:Port   Process\n")
	rows := []string{
		"tcp   LISTEN 0      511    0.0.0.0:443          0.0.0.0:*           users:((\"nginx\",pid=812,fd=6))",
		"tcp   LISTEN 0      128    0.0.0.0:22           0.0.0.0:*           users:((\"sshd\",pid=640,fd=3))",
		"tcp   ESTAB  0      0      10.30.0.4:22         10.20.14.77:51544   users:((\"sshd\",pid=22811,fd=4))",
		"tcp   ESTAB  0      0      10.30.0.4:443        198.51.100.23:40112 users:((\"nginx\",pid=815,fd=12))",
		"tcp   ESTAB  0      0      10.30.0.4:38852      20.190.151.6:443    users:((\"wdavdaemon\",pid=1203,fd=41))",
		"udp   UNCONN 0      0      127.0.0.53:53        0.0.0.0:*           users:((\"systemd-resolve\",pid=511,fd=13))",
	}
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	return b.String()
}

// fileSize returns the deterministic size of the file at path.
func fileSize(path string) int {
	h := sha256.Sum256([]byte(path))
	n := int(binary.LittleEndian.Uint32(h[:4]))
	if strings.Contains(strings.ToLower(path), "big") {
		return 2<<20 + n%(1<<19)
	}
	return 2048 + n%8192
}

var logSources = []string{"sshd", "kernel", "svchost", "MsSense", "cron", "nginx", "lsass"}

var logMessages = []string{
	"session opened for user root", "connection accepted from 10.20.14.77", "scheduled task completed",
	"service state changed to running", "audit event recorded", "cache refreshed", "token validated",
}

// writeFileContent streams the deterministic content of the file at path.
func writeFileContent(w io.Writer, path string) error {
	h := sha256.Sum256([]byte(path))
	r := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(h[:8]), binary.LittleEndian.Uint64(h[8:16])))
	size := fileSize(path)
	head := "# mdesim GetFile content\n# path: " + path + "\n"
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, head...)
	written := 0
	for line := 0; written+len(buf) < size; line++ {
		buf = fmt.Appendf(buf, "%08d %s[%d]: %s %d\n", line, logSources[r.IntN(len(logSources))], 100+r.IntN(9000),
			logMessages[r.IntN(len(logMessages))], r.IntN(100000))
		if len(buf) >= 60<<10 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			written += len(buf)
			buf = buf[:0]
		}
	}
	remaining := size - written
	if remaining < len(buf) {
		buf = buf[:remaining]
	}
	_, err := w.Write(buf)
	return err
}

// FileContent returns the content a GetFile of path collects (before gzip).
func FileContent(path string) []byte {
	var b bytes.Buffer
	_ = writeFileContent(&b, path)
	return b.Bytes()
}
