package compose

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/api"
	"mdlr/state"
	"mdlr/ui/common"
)

// selectFile moves the library cursor to the named file.
func selectFile(t *testing.T, m *Model, name string) {
	t.Helper()
	m.focus = focusLibrary
	for i, r := range m.rows {
		if m.library[r.index].FileName == name {
			m.libCursor = i
			return
		}
	}
	t.Fatalf("library has no %s", name)
}

// composeFull builds GetFile, RunScript and PutFile in reverse order plus a comment.
func composeFull(t *testing.T, m *Model) {
	t.Helper()
	press(m, 'f', "f")
	typeText(m, `C:\Windows\Temp\triage.zip`)
	press(m, tea.KeyEnter, "")
	selectFile(t, m, "collect-triage.ps1")
	press(m, 'r', "r")
	typeText(m, `-OutPath C:\Windows\Temp\triage.zip -Days 3`)
	press(m, tea.KeyEnter, "")
	selectFile(t, m, "winpmem.exe")
	press(m, 'p', "p")
	press(m, 'c', "c")
	typeText(m, "INC-4711 triage")
	press(m, tea.KeyEnter, "")
}

func TestEmptyGolden(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	out := frame(t, m)
	for _, want := range []string{"collect-triage.ps1", "script", "winpmem.exe", "tool", "No commands yet", "params: -OutPath <path to zip>", "by soc-lead@contoso.com"} {
		if !strings.Contains(out, want) {
			t.Fatalf("empty compose lacks %q:\n%s", want, out)
		}
	}
	golden.RequireEqual(t, []byte(out))
}

func TestAddKeepsOrderAndGolden(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	composeFull(t, m)
	want := []state.PlanCommand{
		{Type: api.CommandPutFile, Name: "winpmem.exe"},
		{Type: api.CommandRunScript, Name: "collect-triage.ps1", Args: `-OutPath C:\Windows\Temp\triage.zip -Days 3`},
		{Type: api.CommandGetFile, Path: `C:\Windows\Temp\triage.zip`},
	}
	got := m.Plan()
	if len(got.Commands) != 3 || got.Comment != "INC-4711 triage" {
		t.Fatalf("plan %+v", got)
	}
	for i := range want {
		if got.Commands[i] != want[i] {
			t.Fatalf("command %d = %+v, want %+v", i, got.Commands[i], want[i])
		}
	}
	if len(m.problems) != 0 {
		t.Fatalf("valid plan has problems %+v", m.problems)
	}
	golden.RequireEqual(t, []byte(frame(t, m)))
}

func TestArgsPrefilledHintAndForbiddenCharsAsTyped(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	selectFile(t, m, "collect-triage.ps1")
	press(m, 'r', "r")
	if !m.Capturing() || m.edit.field.Placeholder != "-OutPath <path to zip> [-Days <n>]" {
		t.Fatalf("args editor hint %q", m.edit.field.Placeholder)
	}
	if !strings.Contains(frame(t, m), "-OutPath <path to zip> [-Days <n>]") {
		t.Fatal("hint not shown in the editor")
	}
	typeText(m, "-OutPath x.zip; rm")
	if p := m.liveProblem(); !strings.Contains(p, "forbidden: ;") {
		t.Fatalf("live problem %q", p)
	}
	typeText(m, " | $(x)")
	if p := m.liveProblem(); !strings.Contains(p, "forbidden: ; | $ ( )") {
		t.Fatalf("live problem %q", p)
	}
	press(m, tea.KeyEnter, "")
	if _, ok := firstProblem(m, 0, "args"); !ok {
		t.Fatalf("saved command lacks its inline problem: %+v", m.problems)
	}
}

func firstProblem(m *Model, index int, field string) (state.Problem, bool) {
	for _, p := range m.problems {
		if p.Index == index && p.Field == field {
			return p, true
		}
	}
	return state.Problem{}, false
}

func TestGetFileHintFollowsOS(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	press(m, 'f', "f")
	if m.edit.field.Placeholder != `C:\Windows\Temp\file.zip` {
		t.Fatalf("windows hint %q", m.edit.field.Placeholder)
	}
	typeText(m, "/etc/passwd")
	if p := m.liveProblem(); !strings.Contains(p, "absolute for Windows") {
		t.Fatalf("windows path check %q", p)
	}
	linux := openFor(t, &fakeAPI{files: library()}, state.Device{ID: "d2", Name: "web-01", OSPlatform: "Linux", HealthStatus: "Active"})
	press(linux, 'f', "f")
	if linux.edit.field.Placeholder != "/var/log/syslog" {
		t.Fatalf("linux hint %q", linux.edit.field.Placeholder)
	}
	typeText(linux, "/var/log/auth.log")
	if p := linux.liveProblem(); p != "" {
		t.Fatalf("valid linux path flagged: %q", p)
	}
}

func TestValidationGoldenFocusesFirstField(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	press(m, 'g', "", tea.ModCtrl) // ctrl+g on an empty plan
	if m.mode != modeEdit || m.edit.kind != editComment {
		t.Fatalf("review of an empty plan should open the comment editor, mode %d", m.mode)
	}
	press(m, tea.KeyEscape, "")
	selectFile(t, m, "collect-triage.ps1")
	press(m, 'r', "r")
	typeText(m, "-OutPath a.zip & calc")
	press(m, tea.KeyEnter, "")
	press(m, 'f', "f")
	typeText(m, `Temp\x.zip`)
	press(m, tea.KeyEnter, "")
	press(m, 'c', "c")
	typeText(m, "INC-1")
	press(m, tea.KeyEnter, "")
	msgs := press(m, 'g', "", tea.ModCtrl)
	if len(msgs) != 0 {
		t.Fatalf("invalid plan navigated: %#v", msgs)
	}
	if m.mode != modeEdit || m.edit.kind != editArgs || m.edit.index != 0 {
		t.Fatalf("first problem not focused: mode %d kind %d index %d", m.mode, m.edit.kind, m.edit.index)
	}
	out := frame(t, m)
	if !strings.Contains(out, `Args may not contain "&"`) || !strings.Contains(out, "Path must be absolute for Windows") {
		t.Fatalf("inline problems missing:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out))
}

func TestReviewNavigatesToConfirmWithACopy(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	composeFull(t, m)
	msgs := press(m, 'g', "", tea.ModCtrl)
	if len(msgs) != 1 {
		t.Fatalf("messages %#v", msgs)
	}
	nav, ok := msgs[0].(common.NavigateMsg)
	if !ok || nav.To != common.ConfirmScreen || nav.Plan == nil || nav.Device == nil || nav.Device.ID != "dev-1" {
		t.Fatalf("navigate %#v", msgs[0])
	}
	m.plan.Commands[0].Name = "changed-after.exe"
	if nav.Plan.Commands[0].Name != "winpmem.exe" {
		t.Fatal("the plan sent to Confirm shares memory with the editor")
	}
	back := newScreen(t, &fakeAPI{files: library()}, false)
	run(back, back.Update(common.NavigateMsg{To: common.ComposeScreen, Plan: nav.Plan}))
	if len(back.plan.Commands) != 3 || back.plan.Comment != "INC-4711 triage" || back.device.ID != "dev-1" {
		t.Fatalf("reopening with a plan lost it: %+v", back.plan)
	}
}

func TestMoveRefusedExplainsOrder(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	composeFull(t, m)
	m.planSel = 0
	press(m, 'J', "J")
	if m.plan.Commands[0].Type != api.CommandPutFile || !strings.Contains(m.note, "PutFile → RunScript → GetFile") {
		t.Fatalf("move broke the order or gave no reason: %+v / %q", m.plan.Commands, m.note)
	}
	selectFile(t, m, "Get-ProcessList.ps1")
	press(m, 'r', "r")
	press(m, tea.KeyEnter, "")
	if m.plan.Commands[2].Name != "Get-ProcessList.ps1" || m.planSel != 2 {
		t.Fatalf("second RunScript not inserted after the first: %+v sel %d", m.plan.Commands, m.planSel)
	}
	press(m, 'K', "K")
	if m.plan.Commands[1].Name != "Get-ProcessList.ps1" || m.planSel != 1 {
		t.Fatalf("allowed move did not happen: %+v", m.plan.Commands)
	}
	press(m, 'x', "x")
	if len(m.plan.Commands) != 3 || m.plan.Commands[1].Name != "collect-triage.ps1" {
		t.Fatalf("remove: %+v", m.plan.Commands)
	}
}

func TestPreviewShowsExactRequestGolden(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	composeFull(t, m)
	press(m, 'v', "v")
	if m.mode != modePreview || !m.Capturing() {
		t.Fatal("preview not open")
	}
	want, _ := m.plan.RequestJSON()
	var req api.RunLiveResponseRequest
	if err := json.Unmarshal(want, &req); err != nil || len(req.Commands) != 3 {
		t.Fatalf("request json: %v", err)
	}
	out := frame(t, m)
	if !strings.Contains(out, `"type": "PutFile"`) || !strings.Contains(out, `"value": "-OutPath C:\\Windows\\Temp\\triage.zip -Days 3"`) {
		t.Fatalf("preview lacks the request:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out))
	press(m, 'G', "G")
	if out := frame(t, m); !strings.Contains(out, `"Comment": "INC-4711 triage"`) {
		t.Fatalf("end of the preview lacks the comment:\n%s", out)
	}
	press(m, 'v', "v")
	if m.mode != modeBrowse {
		t.Fatal("v did not close the preview")
	}
}

func TestFilterHighlightsAndNarrows(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	press(m, '/', "/")
	if !m.Capturing() {
		t.Fatal("filter should capture keys")
	}
	typeText(m, "sh")
	if len(m.rows) != 1 || m.library[m.rows[0].index].FileName != "netstat.sh" {
		names := []string{}
		for _, r := range m.rows {
			names = append(names, m.library[r.index].FileName)
		}
		t.Fatalf("filter rows %v", names)
	}
	press(m, tea.KeyEnter, "")
	press(m, 'p', "p")
	if len(m.plan.Commands) != 1 || m.plan.Commands[0].Name != "netstat.sh" {
		t.Fatalf("add after filter: %+v", m.plan.Commands)
	}
	press(m, '/', "/")
	press(m, tea.KeyEscape, "")
	if len(m.rows) != 4 {
		t.Fatal("esc did not clear the filter")
	}
}

func TestInactiveDeviceWarns(t *testing.T) {
	dev := state.Device{ID: "d7", Name: "win-offline-07.contoso.local", OSPlatform: "Windows10", HealthStatus: "Inactive"}
	m := openFor(t, &fakeAPI{files: library()}, dev)
	if out := frame(t, m); !strings.Contains(out, "Device health is Inactive: the action will queue") {
		t.Fatalf("no warning:\n%s", out)
	}
}

func TestLibraryErrorShown(t *testing.T) {
	m := openFor(t, &fakeAPI{listErr: os.ErrPermission}, windowsDevice)
	if out := frame(t, m); !strings.Contains(out, "could not load the library") {
		t.Fatalf("no error:\n%s", out)
	}
}

func TestUploadFlowAndGolden(t *testing.T) {
	svc := &fakeAPI{files: library()}
	m := openFor(t, svc, windowsDevice)
	path := filepath.Join("testdata", "Get-Autoruns.ps1") // a committed fixture: the frame stays stable
	press(m, 'u', "u")
	if m.mode != modeUpload {
		t.Fatal("upload form not open")
	}
	typeText(m, path)
	if !m.upload.checkOK {
		t.Fatalf("existing file not accepted: %q", m.upload.check)
	}
	press(m, tea.KeyTab, "")
	typeText(m, "Autoruns")
	press(m, tea.KeyTab, "")
	typeText(m, "[-All]")
	press(m, tea.KeyTab, "")
	press(m, tea.KeySpace, " ")
	if !m.upload.override {
		t.Fatal("space did not toggle override")
	}
	out := frame(t, m)
	golden.RequireEqual(t, []byte(out))
	press(m, tea.KeyEnter, "")
	if len(svc.uploads) != 1 {
		t.Fatal("nothing uploaded")
	}
	u := svc.uploads[0]
	if u.FileName != "Get-Autoruns.ps1" || u.Description != "Autoruns" || u.ParametersDescription != "[-All]" || !u.HasParameters || !u.OverrideIfExists || svc.uploaded[0] != "Get-CimInstance Win32_StartupCommand" {
		t.Fatalf("upload request %+v", u)
	}
	if m.mode != modeBrowse || len(m.library) != 5 {
		t.Fatalf("library not reloaded after upload: %d files", len(m.library))
	}
}

func TestUploadRejectsMissingAndHugeFiles(t *testing.T) {
	svc := &fakeAPI{files: library()}
	m := openFor(t, svc, windowsDevice)
	press(m, 'u', "u")
	typeText(m, "/nonexistent/file.ps1")
	if m.upload.checkOK || !strings.Contains(m.upload.check, "does not exist") {
		t.Fatalf("check %q", m.upload.check)
	}
	press(m, tea.KeyEnter, "")
	if len(svc.uploads) != 0 || !strings.Contains(m.upload.err, "does not exist") {
		t.Fatalf("missing file uploaded or no error: %q", m.upload.err)
	}
	big := filepath.Join(t.TempDir(), "huge.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxUploadBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	press(m, 'u', "", tea.ModCtrl) // clear the field
	typeText(m, big)
	if m.upload.checkOK || !strings.Contains(m.upload.check, "at most 20.0 MB") {
		t.Fatalf("huge file check %q", m.upload.check)
	}
}

func TestDeleteAsksDefaultNo(t *testing.T) {
	svc := &fakeAPI{files: library()}
	m := openFor(t, svc, windowsDevice)
	selectFile(t, m, "netstat.sh")
	press(m, 'D', "D")
	if m.mode != modeDelete || !strings.Contains(frame(t, m), "Delete netstat.sh from the tenant's library") {
		t.Fatal("no confirmation")
	}
	press(m, tea.KeyEnter, "")
	if len(svc.deleted) != 0 || m.mode != modeBrowse {
		t.Fatal("enter must not delete")
	}
	press(m, 'D', "D")
	press(m, 'y', "y")
	if len(svc.deleted) != 1 || svc.deleted[0] != "netstat.sh" || len(m.library) != 3 {
		t.Fatalf("deleted %v, library %d", svc.deleted, len(m.library))
	}
}

func TestReadOnlyRefusesUploadDeleteSubmit(t *testing.T) {
	svc := &fakeAPI{files: library()}
	m := newScreen(t, svc, true)
	dev := windowsDevice
	run(m, m.Update(common.NavigateMsg{To: common.ComposeScreen, Device: &dev}))
	press(m, 'u', "u")
	if m.mode != modeBrowse || !strings.Contains(m.note, "read-only") {
		t.Fatalf("upload in read-only: mode %d note %q", m.mode, m.note)
	}
	press(m, 'D', "D")
	if m.mode != modeBrowse || !strings.Contains(m.note, "read-only") {
		t.Fatal("delete in read-only")
	}
	composeFull(t, m)
	if msgs := press(m, 'g', "", tea.ModCtrl); len(msgs) != 0 || !strings.Contains(m.note, "read-only") {
		t.Fatalf("submit in read-only: %#v", msgs)
	}
}

func TestFitsSmallAndLargeWindows(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {250, 70}, {40, 10}} {
		m := openFor(t, &fakeAPI{files: library()}, state.Device{ID: "d", Name: "win-offline-07", OSPlatform: "Windows10", HealthStatus: "Inactive"})
		m.SetSize(size[0], size[1])
		composeFull(t, m)
		for _, mode := range []rune{0, 'v', 'u'} {
			if mode != 0 {
				press(m, mode, string(mode))
			}
			assertSize(t, m.View(), size[0], size[1])
			press(m, tea.KeyEscape, "")
		}
	}
}

func assertSize(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Fatalf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
		}
	}
}

func TestReadOnlyHelpHidesDisabledKeys(t *testing.T) {
	m := newScreen(t, &fakeAPI{files: library()}, true)
	k := m.c.Keys.Compose
	for _, b := range append(m.ShortHelp(), m.FullHelp()[0]...) {
		if h := b.Help().Key; h == k.Submit.Help().Key || h == k.Upload.Help().Key || h == k.DeleteFile.Help().Key {
			t.Fatalf("read-only help shows %q", h)
		}
	}
	rw := newScreen(t, &fakeAPI{files: library()}, false)
	found := false
	for _, b := range rw.ShortHelp() {
		found = found || b.Help().Key == k.Submit.Help().Key
	}
	if !found {
		t.Fatal("writable help lacks submit")
	}
}

func TestSameDeviceKeepsPlanUntilSubmitted(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	composeFull(t, m)
	dev := windowsDevice
	run(m, m.Update(common.NavigateMsg{To: common.ComposeScreen, Device: &dev}))
	if len(m.plan.Commands) != 3 {
		t.Fatal("returning to the same device lost the plan")
	}
	m.Update(common.SubmittedMsg{Plan: m.Plan(), Err: errors.New("429")})
	if len(m.plan.Commands) != 3 {
		t.Fatal("a failed submission cleared the plan")
	}
	m.Update(common.SubmittedMsg{Plan: m.Plan()})
	if len(m.plan.Commands) != 0 || m.plan.Comment != "" {
		t.Fatalf("plan not cleared after submission: %+v", m.plan)
	}
	other := state.Device{ID: "dev-2", Name: "web-01", OSPlatform: "Linux"}
	composeFull(t, m)
	run(m, m.Update(common.NavigateMsg{To: common.ComposeScreen, Device: &other}))
	if len(m.plan.Commands) != 0 || m.plan.Device.ID != "dev-2" {
		t.Fatalf("another device kept the old plan: %+v", m.plan)
	}
}

func TestLongPlanScrollsToTheSelectedCommand(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	for i := 0; i < 30; i++ {
		press(m, 'f', "f")
		typeText(m, "bad"+strings.Repeat("x", i%3)) // relative: every one carries a problem
		press(m, tea.KeyEnter, "")
	}
	m.planSel = 27
	out := frame(t, m)
	if !strings.Contains(out, ">28. GetFile") {
		t.Fatalf("selected command not visible:\n%s", out)
	}
}

// helpKeys lists the keys of the short help, in order.
func helpKeys(m *Model) []string {
	var out []string
	for _, b := range m.ShortHelp() {
		out = append(out, b.Help().Key)
	}
	return out
}

// TestFocusVisibleWithoutColourAndHelpFollowsIt: the focused pane is
// marked in plain text (not only by border colour), only the focused
// pane's cursor row is in reverse video, and the help bar lists the
// focused pane's keys.
func TestFocusVisibleWithoutColourAndHelpFollowsIt(t *testing.T) {
	m := openFor(t, &fakeAPI{files: library()}, windowsDevice)
	composeFull(t, m)
	m.focus = focusLibrary
	plain := ansi.Strip(m.View())
	if !strings.Contains(plain, focusMarker+"Library") || strings.Contains(plain, focusMarker+"Plan") {
		t.Fatalf("library focus is not marked in plain text:\n%s", plain)
	}
	if got := strings.Join(helpKeys(m), " "); !strings.HasPrefix(got, "r f c ctrl+g tab") {
		t.Fatalf("library help %q", got)
	}
	isReverse := func(l string) bool { return strings.Contains(l, "\x1b[7m") || strings.Contains(l, ";7m") }
	if lib := m.libraryLines(50, 10); !isReverse(lib[m.libCursor]) {
		t.Fatalf("focused library cursor row is not reverse video: %q", lib[m.libCursor])
	}
	press(m, tea.KeyTab, "")
	plain = ansi.Strip(m.View())
	if !strings.Contains(plain, focusMarker+"Plan") || strings.Contains(plain, focusMarker+"Library") {
		t.Fatalf("plan focus is not marked in plain text:\n%s", plain)
	}
	if got := strings.Join(helpKeys(m), " "); !strings.HasPrefix(got, "e x K/J c ctrl+g v") {
		t.Fatalf("plan help %q", got)
	}
	lib := m.libraryLines(50, 10)
	if isReverse(lib[m.libCursor]) || !strings.HasPrefix(ansi.Strip(lib[m.libCursor]), ">") {
		t.Fatalf("unfocused library cursor row: %q", lib[m.libCursor])
	}
	if !isReverse(m.planWindow(40, 10)[0]) {
		t.Fatalf("focused plan cursor row is not reverse video: %q", m.planWindow(40, 10)[0])
	}
}

// TestBusyDeviceWarns: a device that already runs an action (passed on by
// the devices screen) gets a warning line naming that action, whole at 80
// columns; an idle device gets none.
func TestBusyDeviceWarns(t *testing.T) {
	m := newScreen(t, &fakeAPI{files: library()}, false)
	m.SetSize(80, 21)
	dev := windowsDevice
	run(m, m.Update(common.NavigateMsg{To: common.ComposeScreen, Device: &dev, BusyActionID: "0b1c2d3e-aaaa-bbbb-cccc-1234567890ab"}))
	out := ansi.Strip(m.View())
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "already runs live response action 0b1c2d3e-aaaa-bbbb-cccc-1234567890ab; Defender refuses a new one until it ends") {
		t.Fatalf("no busy warning:\n%s", out)
	}
	if strings.Contains(out, "…") && strings.Contains(strings.Split(out, "┌")[0], "…") {
		t.Fatalf("the warning was cut:\n%s", out)
	}
	run(m, m.Update(common.NavigateMsg{To: common.ComposeScreen, Device: &dev}))
	if out := ansi.Strip(m.View()); strings.Contains(out, "already runs") {
		t.Fatalf("an idle device is shown busy:\n%s", out)
	}
}
