package mdesim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func (h *harness) upload(name string, content []byte, fields map[string]string) (int, []byte) {
	h.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", h.url+"/api/libraryfiles", &buf)
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.Bytes()
}

func (h *harness) libraryNames() map[string]map[string]any {
	h.t.Helper()
	_, _, b := h.do("GET", "/api/libraryfiles", nil)
	out := map[string]map[string]any{}
	for _, f := range obj(h.t, b)["value"].([]any) {
		m := f.(map[string]any)
		out[m["fileName"].(string)] = m
	}
	return out
}

func TestLibraryDefaults(t *testing.T) {
	h := newHarness(t, Options{})
	lib := h.libraryNames()
	for _, n := range []string{ScriptTriage, ScriptProcessList, ScriptNetstat, ToolWinpmem, ScriptBroken, ScriptSlow, ScriptHostile} {
		if lib[n] == nil {
			t.Errorf("library lacks %s", n)
		}
	}
	tr := lib[ScriptTriage]
	if tr["hasParameters"] != true || tr["parametersDescription"] != "-OutPath <path to zip> [-Days <n>]" {
		t.Errorf("triage: %v", tr)
	}
	if lib[ScriptProcessList]["parametersDescription"] != "[-Name <process name>]" {
		t.Errorf("process list: %v", lib[ScriptProcessList])
	}
	pm := lib[ToolWinpmem]
	if _, has := pm["parametersDescription"]; has || pm["hasParameters"] != false {
		t.Errorf("winpmem should have no parametersDescription: %v", pm)
	}
	sum := sha256.Sum256([]byte(triageScript))
	if tr["sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 %v does not match content", tr["sha256"])
	}
	for _, k := range []string{"creationTime", "lastUpdatedTime", "createdBy", "description"} {
		if _, ok := tr[k]; !ok {
			t.Errorf("library file lacks %s", k)
		}
	}
}

func TestLibraryUploadAndDelete(t *testing.T) {
	h := newHarness(t, Options{})
	content := []byte("Write-Output 'hi'\n")
	status, b := h.upload("my-tool_v2.ps1", content, map[string]string{
		"Description": "hello", "HasParameters": "true", "ParametersDescription": "-X <n>",
	})
	if status != 200 {
		t.Fatalf("upload: %d %s", status, b)
	}
	sum := sha256.Sum256(content)
	if f := obj(t, b); f["fileName"] != "my-tool_v2.ps1" || f["sha256"] != hex.EncodeToString(sum[:]) ||
		f["hasParameters"] != true || f["parametersDescription"] != "-X <n>" || f["description"] != "hello" {
		t.Errorf("uploaded entity %v", f)
	}
	if h.libraryNames()["my-tool_v2.ps1"] == nil {
		t.Fatal("uploaded file not listed")
	}
	id := h.submit(DeviceAnalyst, []string{"RunScript", "ScriptName", "my-tool_v2.ps1"})
	if id == "" {
		t.Fatal("uploaded script not runnable")
	}
	if status, b := h.upload("my-tool_v2.ps1", content, nil); status != 400 || !strings.Contains(errMessage(t, b), "already exists") {
		t.Errorf("duplicate upload: %d %s", status, b)
	}
	if status, b := h.upload("my-tool_v2.ps1", []byte("new"), map[string]string{"OverrideIfExists": "true"}); status != 200 {
		t.Errorf("override upload: %d %s", status, b)
	}
	for _, bad := range []string{"bad name.ps1", "semi;colon.ps1", "ünï.ps1"} {
		if status, b := h.upload(bad, content, nil); status != 400 {
			t.Errorf("upload %q: %d %s", bad, status, b)
		}
	}
	if status, b := h.upload("huge.bin", make([]byte, maxLibraryFileLen+1), nil); status != 400 || !strings.Contains(errMessage(t, b), "20 MB") {
		t.Errorf("oversized upload: %d %.200s", status, b)
	}
	if status, _, _ := h.do("DELETE", "/api/libraryfiles/my-tool_v2.ps1", nil); status != 204 {
		t.Errorf("delete: %d", status)
	}
	if status, _, b := h.do("DELETE", "/api/libraryfiles/my-tool_v2.ps1", nil); status != 404 || errCode(t, b) != "ResourceNotFound" {
		t.Errorf("second delete: %d %s", status, b)
	}
	if h.libraryNames()["my-tool_v2.ps1"] != nil {
		t.Error("deleted file still listed")
	}
}
