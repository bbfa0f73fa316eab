package mdesim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func (h *harness) link(id string, index int) (int, string, []byte) {
	h.t.Helper()
	status, _, b := h.do("GET", "/api/machineactions/"+id+"/GetLiveResponseResultDownloadLink(index="+itoa(index)+")", nil)
	if status != 200 {
		return status, "", b
	}
	m := obj(h.t, b)
	if m["@odata.context"] == nil {
		h.t.Errorf("link response lacks @odata.context")
	}
	v, _ := m["value"].(string)
	return status, v, b
}

func (h *harness) fetchBlob(link, auth string) (int, []byte) {
	h.t.Helper()
	status, _, b := h.doWith("GET", link, nil, auth)
	return status, b
}

func TestResultLinksAndBlobs(t *testing.T) {
	h := newHarness(t, Options{LinkLifetime: 30 * time.Minute})
	id := h.submit(DeviceAnalyst, []string{"PutFile", "FileName", ToolWinpmem},
		[]string{"RunScript", "ScriptName", ScriptTriage, "Args", `-OutPath C:\Windows\Temp\triage.zip -Days 3`},
		[]string{"GetFile", "Path", `C:\Windows\Temp\triage.zip`})
	if status, _, b := h.link(id, 1); status != 400 {
		t.Errorf("link before completion: %d %s", status, b)
	}
	h.advance(10 * time.Minute)
	if status, _, b := h.link(id, 0); status != 400 || errCode(t, b) == "" {
		t.Errorf("link for PutFile: %d %s", status, b)
	}
	if status, _, _ := h.link(id, 9); status != 400 {
		t.Errorf("link for bad index: %d", status)
	}
	status, link, _ := h.link(id, 1)
	if status != 200 || !strings.Contains(link, "/blob/") || !strings.Contains(link, "sp=r") ||
		!strings.Contains(link, "sv=2019-07-07") || !strings.Contains(link, "sr=b") || !strings.Contains(link, "sig=") {
		t.Fatalf("link %q", link)
	}
	if status, b := h.fetchBlob(link, "Bearer "+h.token); status != 403 {
		t.Errorf("blob with Authorization: %d %s", status, b)
	}
	status, body := h.fetchBlob(link, "")
	if status != 200 {
		t.Fatalf("blob: %d %s", status, body)
	}
	var res map[string]any
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("script result is not JSON: %v", err)
	}
	out, _ := res["script_output"].(string)
	if res["script_name"] != ScriptTriage || res["exit_code"] != float64(0) || res["script_errors"] != "" {
		t.Errorf("result fields %v", res)
	}
	if !strings.HasPrefix(out, "Transcript started, output file is C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\Temp\\PSScriptOutputs\\PSScript_Transcript_{") ||
		!strings.HasSuffix(out, "\u0000\u0000") || !strings.Contains(out, `Wrote C:\Windows\Temp\triage.zip`) || !strings.Contains(out, "last 3 days") {
		t.Errorf("script_output %q", out)
	}
	if _, ok := res["script_error"]; ok {
		t.Errorf("uses the docs' wrong key script_error")
	}

	_, fileLink, _ := h.link(id, 2)
	status, gz := h.fetchBlob(fileLink, "")
	if status != 200 || len(gz) < 2 || gz[0] != 0x1f || gz[1] != 0x8b {
		t.Fatalf("GetFile blob: %d, magic %x", status, gz[:min(2, len(gz))])
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, FileContent(`C:\Windows\Temp\triage.zip`)) {
		t.Errorf("gunzipped content (%d bytes) differs from FileContent", len(plain))
	}
	if bytes.Equal(plain, FileContent(`C:\Windows\Temp\other.zip`)) {
		t.Errorf("content does not depend on the path")
	}

	h.advance(30 * time.Minute)
	status, body = h.fetchBlob(link, "")
	if status != 403 || !strings.Contains(string(body), "AuthenticationFailed") {
		t.Errorf("expired link: %d %s", status, body)
	}
	if _, fresh, _ := h.link(id, 1); fresh == link {
		t.Errorf("re-minting gave the same link")
	} else if status, _ := h.fetchBlob(fresh, ""); status != 200 {
		t.Errorf("fresh link: %d", status)
	}
	if status, _ := h.fetchBlob(strings.Replace(link, "sig=", "sig=x", 1), ""); status != 403 {
		t.Errorf("tampered signature: %d", status)
	}
}

func TestBigGetFileAndHostileAndLinuxOutput(t *testing.T) {
	h := newHarness(t, Options{})
	win := h.submit(DeviceHostile, []string{"RunScript", "ScriptName", ScriptHostile}, []string{"GetFile", "Path", `C:\dumps\big-memory.raw`})
	lnx := h.submit(DeviceLinux, []string{"RunScript", "ScriptName", ScriptNetstat})
	h.advance(10 * time.Minute)

	_, link, _ := h.link(win, 0)
	_, raw := h.fetchBlob(link, "")
	if !bytes.Contains(raw, []byte("\xff\xfe")) {
		t.Errorf("hostile result should carry raw invalid UTF-8 bytes")
	}
	var res map[string]any
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("hostile result not JSON: %v", err)
	}
	out := res["script_output"].(string)
	for _, want := range []string{"\x1b]52;c;", "\x1b]0;", "\x1bP", "\u009b", "\x00", "\x1b[31m"} {
		if !strings.Contains(out, want) {
			t.Errorf("hostile output lacks %q", want)
		}
	}

	_, bigLink, _ := h.link(win, 1)
	resp, err := http.Get(bigLink)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil || n < 2<<20 || n != int64(fileSize(`C:\dumps\big-memory.raw`)) {
		t.Errorf("big file: %d bytes, err %v", n, err)
	}

	_, link, _ = h.link(lnx, 0)
	_, raw = h.fetchBlob(link, "")
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	out = res["script_output"].(string)
	if strings.HasPrefix(out, "Transcript") || strings.Contains(out, "\x00") || !strings.Contains(out, "ESTAB") {
		t.Errorf("linux netstat output %q", out)
	}
}

func TestProcessListFilter(t *testing.T) {
	all, one := processTable(""), processTable("lsass.exe")
	if !strings.Contains(all, "MsMpEng") || !strings.Contains(all, "explorer") {
		t.Errorf("full table lacks processes: %s", all)
	}
	if !strings.Contains(one, "lsass") || strings.Contains(one, "explorer") {
		t.Errorf("filtered table: %s", one)
	}
	if !strings.Contains(processTable("nope"), "Cannot find a process") {
		t.Errorf("unknown process should report an error")
	}
}

func TestExpireLinksFault(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", ScriptProcessList})
	h.advance(time.Minute)
	h.sim.SetFaults(Faults{ExpireLinks: true})
	_, link, _ := h.link(id, 0)
	if status, _ := h.fetchBlob(link, ""); status != 403 {
		t.Errorf("ExpireLinks: blob status %d, want 403", status)
	}
}
