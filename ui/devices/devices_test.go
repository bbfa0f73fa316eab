package devices

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mdlr/api"
	"mdlr/ui/common"
)

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
)

func selectName(t *testing.T, m *Model, name string) {
	t.Helper()
	for i, ri := range m.visible {
		if m.identity(ri).name == name {
			m.cursor = i
			m.clampCursor()
			return
		}
	}
	t.Fatalf("%s not visible", name)
}

func runOne(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runOne(t, c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func TestStreamsPagesFirstSmallThenLarge(t *testing.T) {
	fleet := make([]api.Machine, 12500)
	for i := range fleet {
		fleet[i] = machine(i, fmt.Sprintf("host-%05d.contoso.local", i), "Windows11", "Active")
	}
	m, f := loaded(t, fleet)
	if len(m.rows) != len(fleet) || m.loading {
		t.Fatalf("rows=%d loading=%v, want %d rows and done", len(m.rows), m.loading, len(fleet))
	}
	want := []api.ListOptions{{Top: 2000}, {Top: 5000, Skip: 2000}, {Top: 5000, Skip: 7000}, {Top: 5000, Skip: 12000}}
	if fmt.Sprint(f.requests) != fmt.Sprint(want) {
		t.Fatalf("requests = %v, want %v", f.requests, want)
	}
}

func TestFirstPageIsUsableBeforeTheRest(t *testing.T) {
	fleet := make([]api.Machine, 3000)
	for i := range fleet {
		fleet[i] = machine(i, fmt.Sprintf("host-%05d", i), "Windows11", "Active")
	}
	f := &fakeAPI{fleet: fleet}
	m := New(newCommon(f))
	m.FreezeSpinner()
	m.SetSize(100, 30)
	var page tea.Msg
	for _, msg := range runOne(t, m.Init()) {
		if p, ok := msg.(pageMsg); ok {
			page = p
		}
	}
	next := m.Update(page)
	if len(m.rows) != 2000 || !m.loading || next == nil {
		t.Fatalf("after first page: rows=%d loading=%v next=%v", len(m.rows), m.loading, next != nil)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "loaded 2,000 devices") || !strings.Contains(v, "host-00000") {
		t.Fatalf("first page not shown while loading:\n%s", v)
	}
}

func TestEnterOnActiveDeviceNavigatesToCompose(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	selectName(t, m, "win-analyst-01.contoso.local")
	msgs := runOne(t, m.Update(enter))
	if len(msgs) != 1 {
		t.Fatalf("msgs = %#v", msgs)
	}
	nav, ok := msgs[0].(common.NavigateMsg)
	if !ok || nav.To != common.ComposeScreen || nav.Device == nil || nav.Device.Name != "win-analyst-01.contoso.local" {
		t.Fatalf("got %#v", msgs[0])
	}
}

func TestEnterOnInactiveDeviceSaysTheActionWillQueue(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	selectName(t, m, "win-offline-07.contoso.local")
	var nav *common.NavigateMsg
	var info string
	for _, msg := range runOne(t, m.Update(enter)) {
		switch msg := msg.(type) {
		case common.NavigateMsg:
			nav = &msg
		case common.InfoMsg:
			info = msg.Text
		}
	}
	if nav == nil || nav.Device.HealthStatus != "Inactive" {
		t.Fatalf("no navigation to compose: %#v", nav)
	}
	if info != "win-offline-07 is Inactive: the action will queue for up to 2h and time out if it does not come online" {
		t.Fatalf("info = %q", info)
	}
}

func TestBusyDeviceOffersItsRunningAction(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	selectName(t, m, "win-busy-03.contoso.local")
	if cmd := m.Update(enter); cmd != nil {
		t.Fatalf("enter on busy device navigated at once: %#v", cmd())
	}
	if !m.Capturing() || !strings.Contains(ansi.Strip(m.View()), "win-busy-03 already runs live response action act-busy") {
		t.Fatalf("no busy question shown:\n%s", ansi.Strip(m.View()))
	}
	msgs := runOne(t, m.Update(press('y', "y")))
	nav, ok := msgs[0].(common.NavigateMsg)
	if !ok || nav.To != common.ProgressScreen || nav.ActionID != "act-busy" {
		t.Fatalf("y gave %#v", msgs)
	}
	selectName(t, m, "win-busy-03.contoso.local")
	m.Update(enter)
	if cmd := m.Update(press('n', "n")); cmd != nil || m.Capturing() {
		t.Fatal("n did not close the question quietly")
	}
}

func TestFilterCapturesKeysAndHighlights(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(press('/', "/"))
	if !m.Capturing() {
		t.Fatal("filter not capturing after /")
	}
	typeText(m, "hstl")
	if len(m.visible) != 1 || m.identity(m.visible[0]).name != "win-hostile-66.contoso.local" {
		t.Fatalf("visible = %v", m.visible)
	}
	typeText(m, "q") // a global key while typing is just text
	if m.query != "hstlq" {
		t.Fatalf("query = %q", m.query)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	m.Update(enter)
	if m.Capturing() || m.query != "hstl" || len(m.visible) != 1 {
		t.Fatalf("enter should keep the filter: capturing=%v query=%q", m.Capturing(), m.query)
	}
	m.Update(esc)
	if m.query != "" || len(m.visible) != len(m.rows) {
		t.Fatalf("esc did not clear the filter: %q %d", m.query, len(m.visible))
	}
}

func TestFilterMatchesIPsAndTags(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(press('/', "/"))
	typeText(m, "10.0.0.5")
	if len(m.visible) == 0 || m.rows[m.visible[0]].seg(segIP) != "10.0.0.5" {
		t.Fatalf("IP search failed: %v", m.visible)
	}
}

func TestFacetsAndSort(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	names := func() []string {
		var out []string
		for _, i := range m.visible {
			out = append(out, shortName(m.identity(i).name))
		}
		return out
	}
	m.Update(press('o', "o")) // Windows (clients)
	if got := fmt.Sprint(names()); got != "[win-analyst-01 win-busy-03 win-hostile-66 win-offline-07]" {
		t.Fatalf("Windows facet = %s", got)
	}
	m.Update(press('i', "i"))
	if got := fmt.Sprint(names()); got != "[win-analyst-01 win-busy-03 win-hostile-66]" {
		t.Fatalf("hide inactive = %s", got)
	}
	m.Update(press('o', "o")) // Server
	if got := fmt.Sprint(names()); got != "[srv-file-02]" {
		t.Fatalf("Server facet = %s", got)
	}
	m.Update(press('o', "o"))
	m.Update(press('o', "o"))
	m.Update(press('o', "o")) // back to all
	m.Update(press('i', "i"))
	m.Update(press('h', "h")) // Active only
	if len(m.visible) != 5 {
		t.Fatalf("Active facet = %v", names())
	}
	m.Update(press('h', "h"))
	m.Update(press('h', "h"))
	m.Update(press('h', "h")) // all
	for i := 0; i < int(colLastSeen); i++ {
		m.Update(press('s', "s"))
	}
	if m.sortCol != colLastSeen || names()[0] != "mac-design-05" {
		t.Fatalf("sort by last seen ascending: %v", names())
	}
	m.Update(press('S', "S"))
	if names()[0] != "win-analyst-01" {
		t.Fatalf("reversed sort: %v", names())
	}
}

func TestHostileTextIsInert(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	selectName(t, m, "win-hostile-66.contoso.local")
	m.Update(press('d', "d"))
	v := ansi.Strip(m.View())
	if strings.ContainsAny(v, "\x1b\x07") {
		t.Fatalf("raw control characters reached the frame: %q", v)
	}
	if !strings.Contains(v, "evil^[[31mred") {
		t.Fatalf("escaped tag not shown:\n%s", v)
	}
}

func TestFramesFillTheWindowExactly(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {250, 70}} {
		for _, details := range []bool{false, true} {
			m.details = details
			m.SetSize(sz[0], sz[1])
			lines := strings.Split(m.View(), "\n")
			if len(lines) != sz[1] {
				t.Fatalf("%v details=%v: %d lines", sz, details, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != sz[0] {
					t.Fatalf("%v details=%v line %d width %d: %q", sz, details, i, w, ansi.Strip(l))
				}
			}
		}
	}
}

func TestErrorScreenAndRetry(t *testing.T) {
	f := &fakeAPI{listErr: errBoom}
	m := New(newCommon(f))
	m.FreezeSpinner()
	m.SetSize(100, 30)
	drain(t, m, m.Init())
	if v := ansi.Strip(m.View()); !strings.Contains(v, "could not list devices: boom") || !strings.Contains(v, "r to retry") {
		t.Fatalf("error screen:\n%s", v)
	}
	f.listErr = nil
	f.fleet = smallFleet()
	drain(t, m, m.Update(press('r', "r")))
	if len(m.rows) != len(f.fleet) || m.loadErr != nil {
		t.Fatalf("retry did not load: %d rows, err %v", len(m.rows), m.loadErr)
	}
}

func TestStalePagesAfterRefreshAreIgnored(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	stale := pageMsg{gen: m.gen, top: 2000, machines: smallFleet()}
	m.reload()
	m.Update(stale)
	if len(m.rows) != 0 {
		t.Fatalf("stale page applied: %d rows", len(m.rows))
	}
}

func golden100x30(t *testing.T, m *Model) {
	t.Helper()
	m.SetSize(100, 30)
	golden.RequireEqual(t, []byte(ansi.Strip(m.View())))
}

func TestGoldenLoaded(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(down)
	golden100x30(t, m)
}

func TestGoldenFiltered(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(press('/', "/"))
	typeText(m, "win0")
	golden100x30(t, m)
	if !strings.Contains(m.View(), m.c.Styles.Match.Render("w")) {
		t.Fatal("matched characters are not highlighted")
	}
}

func TestGoldenDetailPane(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(press('d', "d"))
	golden100x30(t, m)
}

func TestGoldenEmpty(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.Update(press('/', "/"))
	typeText(m, "zzzz")
	m.Update(enter)
	golden100x30(t, m)
}

func TestGoldenError(t *testing.T) {
	m := New(newCommon(&fakeAPI{listErr: errBoom}))
	m.FreezeSpinner()
	m.SetSize(100, 30)
	drain(t, m, m.Init())
	golden100x30(t, m)
}

func TestGoldenLoading(t *testing.T) {
	m := New(newCommon(&fakeAPI{}))
	m.FreezeSpinner()
	m.Init() // commands not run: still loading
	golden100x30(t, m)
}

func TestMergedPagesMatchAFullSort(t *testing.T) {
	fleet := bigFleet(5000)
	for _, col := range []column{colName, colLastSeen, colRisk} {
		f := newFleet()
		f.appendPage(fleet)
		rows := f.rows
		var order []int32
		for from := 0; from < len(rows); from += 1200 {
			order = mergeOrder(order, rows[:min(len(rows), from+1200)], f.syms, from, col, true)
		}
		if fmt.Sprint(order) != fmt.Sprint(sortOrder(rows, f.syms, col, true)) {
			t.Fatalf("column %v: merged order differs from a full sort", col)
		}
	}
}

// TestBusyDeviceCanBeComposedAnyway: enter on the busy question opens
// Compose and passes on the running action so Compose can warn.
func TestBusyDeviceCanBeComposedAnyway(t *testing.T) {
	m, _ := loaded(t, smallFleet())
	m.SetSize(80, 21)
	selectName(t, m, "win-busy-03.contoso.local")
	m.Update(enter)
	view := ansi.Strip(m.View())
	for _, want := range []string{"act-busy", "y open it", "enter compose anyway", "n/esc cancel"} {
		if !strings.Contains(view, want) {
			t.Fatalf("80 columns: %q missing from the busy question:\n%s", want, view)
		}
	}
	msgs := runOne(t, m.Update(enter))
	nav, ok := msgs[0].(common.NavigateMsg)
	if !ok || nav.To != common.ComposeScreen || nav.Device == nil || nav.Device.Name != "win-busy-03.contoso.local" ||
		nav.BusyActionID != "act-busy" {
		t.Fatalf("enter gave %#v", msgs)
	}
	if m.Capturing() {
		t.Fatal("the question stayed open")
	}
	selectName(t, m, "win-analyst-01.contoso.local")
	msgs = runOne(t, m.Update(enter))
	if nav := msgs[0].(common.NavigateMsg); nav.BusyActionID != "" {
		t.Fatalf("an idle device is passed on as busy: %#v", nav)
	}
}

// TestColumnsByWidth: every column from 120 columns, an IP column when
// there is room, and the detail pane beside the table from 160 columns.
func TestColumnsByWidth(t *testing.T) {
	header := func(w int) string {
		var b strings.Builder
		for _, c := range layout(w, true) {
			b.WriteString(c.title + " ")
		}
		return b.String()
	}
	for _, w := range []int{120, 130, 160, 200, 250} {
		h := header(w)
		for _, want := range []string{"NAME", "OS", "HEALTH", "RISK", "EXPOSURE", "LAST SEEN", "GROUP", "TAGS"} {
			if !strings.Contains(h, want+" ") {
				t.Fatalf("%d columns: %s missing from %q", w, want, h)
			}
		}
		if got := tableWidth(layout(w, true)); got > w {
			t.Fatalf("%d columns: the table is %d wide", w, got)
		}
	}
	if strings.Contains(header(120), "IP ") || !strings.Contains(header(140), "IP ") {
		t.Fatalf("IP column: 120 %q, 140 %q", header(120), header(140))
	}
	if h := header(80); strings.Contains(h, "GROUP") || !strings.Contains(h, "NAME") {
		t.Fatalf("80 columns: %q", h)
	}

	m, _ := loaded(t, smallFleet())
	selectName(t, m, "win-hostile-66.contoso.local")
	m.Update(press('d', "d"))
	for _, size := range [][2]int{{120, 30}, {160, 40}, {200, 50}} {
		m.SetSize(size[0], size[1])
		lines := strings.Split(ansi.Strip(m.View()), "\n")
		if len(lines) != size[1] {
			t.Fatalf("%v: %d lines", size, len(lines))
		}
		for i, l := range lines {
			if ansi.StringWidth(l) != size[0] {
				t.Fatalf("%v: line %d is %d wide", size, i, ansi.StringWidth(l))
			}
		}
		beside := strings.Contains(lines[2], "│win-hostile-66.contoso.local") && strings.Contains(lines[1], "NAME")
		if beside != (size[0] >= sideBySideMin) {
			t.Fatalf("%v: beside=%v:\n%s", size, beside, strings.Join(lines, "\n"))
		}
		if id := m.identity(m.selected()).id; beside && !strings.Contains(strings.Join(lines, "\n"), id) {
			t.Fatalf("%v: the side pane cuts the device id %s:\n%s", size, id, strings.Join(lines, "\n"))
		}
		if beside && !strings.Contains(strings.Join(lines, "\n"), "tags evil^[[31mred, ^[]0;pwned^G") {
			t.Fatalf("%v: the side pane does not show every tag:\n%s", size, strings.Join(lines, "\n"))
		}
	}
}
