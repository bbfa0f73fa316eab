package keymap

import (
	"strings"
	"testing"
)

func TestDefaultAvoidsMultiplexerPrefixesAndFlowControl(t *testing.T) {
	k := Default()
	for name, b := range k.table() {
		for _, s := range b.Keys() {
			switch s {
			case "ctrl+b", "ctrl+a", "ctrl+s", "ctrl+q":
				t.Errorf("%s uses %s", name, s)
			}
		}
		if b.Help().Key == "" || b.Help().Desc == "" {
			t.Errorf("%s has no help", name)
		}
	}
}

func TestApplyRemapsAndUpdatesHelp(t *testing.T) {
	k := Default()
	if err := k.Apply(map[string][]string{"devices.filter": {"ctrl+f", "/"}}); err != nil {
		t.Fatal(err)
	}
	if got := k.Devices.Filter.Keys(); len(got) != 2 || got[0] != "ctrl+f" {
		t.Fatalf("keys = %v", got)
	}
	if k.Devices.Filter.Help().Key != "ctrl+f" {
		t.Fatalf("help key = %q", k.Devices.Filter.Help().Key)
	}
}

func TestApplyRejectsUnknownAndEmptyWithoutChanging(t *testing.T) {
	k := Default()
	err := k.Apply(map[string][]string{"devices.filter": {"x"}, "devices.nope": {"z"}, "nav.up": {}})
	if err == nil || !strings.Contains(err.Error(), `"devices.nope"`) || !strings.Contains(err.Error(), `"nav.up" has no keys`) {
		t.Fatalf("err = %v", err)
	}
	if k.Devices.Filter.Keys()[0] != "/" {
		t.Fatal("a failed Apply changed a binding")
	}
}
