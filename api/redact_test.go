package api

import (
	"fmt"
	"strings"
	"testing"
)

func TestConfigFormattingRedactsSecret(t *testing.T) {
	cfg := Config{BaseURL: DefaultAPIURL, ClientID: "app", ClientSecret: testSecret}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, cfg)
		if strings.Contains(out, testSecret) || !strings.Contains(out, "[redacted]") {
			t.Errorf("%s: %s", verb, out)
		}
	}
}
