package api

import "testing"

func TestCloudPresets(t *testing.T) {
	want := map[string]Cloud{
		"commercial": {"commercial", "https://login.microsoftonline.com", "https://api.security.microsoft.com", "https://api.securitycenter.microsoft.com/.default"},
		"gcc":        {"gcc", "https://login.microsoftonline.com", "https://api-gcc.securitycenter.microsoft.us", "https://api-gcc.securitycenter.microsoft.us/.default"},
		"gcchigh":    {"gcchigh", "https://login.microsoftonline.us", "https://api-gov.securitycenter.microsoft.us", "https://api-gov.securitycenter.microsoft.us/.default"},
		"dod":        {"dod", "https://login.microsoftonline.us", "https://api-gov.securitycenter.microsoft.us", "https://api-gov.securitycenter.microsoft.us/.default"},
	}
	if got := Clouds(); len(got) != len(want) {
		t.Fatalf("%d clouds, want %d", len(got), len(want))
	}
	for _, c := range Clouds() {
		if c != want[c.Name] {
			t.Errorf("%s = %+v, want %+v", c.Name, c, want[c.Name])
		}
	}
	for name, w := range map[string]string{"GCC": "gcc", " dod ": "dod", "gcc-high": "gcchigh", "": "commercial", "public": "commercial"} {
		if c, ok := CloudByName(name); !ok || c.Name != w {
			t.Errorf("CloudByName(%q) = %v, %v; want %s", name, c.Name, ok, w)
		}
	}
	if _, ok := CloudByName("mooncake"); ok {
		t.Error("unknown cloud accepted")
	}
}

func TestGeoAPIURL(t *testing.T) {
	for _, g := range []string{"us", "eu", "uk", "au", "swa", "ina", "aea"} {
		if u, ok := GeoAPIURL(g); !ok || u != "https://"+g+".api.security.microsoft.com" {
			t.Errorf("%s → %q %v", g, u, ok)
		}
	}
	if u, ok := GeoAPIURL(" EU "); !ok || u != "https://eu.api.security.microsoft.com" {
		t.Errorf("EU → %q", u)
	}
	for _, g := range []string{"", "xx", "eu.evil.com", "us/"} {
		if _, ok := GeoAPIURL(g); ok {
			t.Errorf("%q accepted", g)
		}
	}
	if len(GeoNames()) != 7 {
		t.Errorf("GeoNames %v", GeoNames())
	}
}
