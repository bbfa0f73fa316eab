package api

import "strings"

// Cloud is a national-cloud preset: the sign-in host, the API root and the
// token scope are three separate values (mde-api.md §1.7).
type Cloud struct {
	Name          string // commercial, gcc, gcchigh, dod
	AuthorityHost string // e.g. https://login.microsoftonline.com
	APIURL        string // e.g. https://api.security.microsoft.com
	Scope         string // e.g. https://api.securitycenter.microsoft.com/.default
}

// Clouds returns the presets for the commercial cloud and the US
// government clouds. Microsoft does not spell out the gov scope; these
// follow msticpy (<API host>/.default).
func Clouds() []Cloud {
	return []Cloud{
		{Name: "commercial", AuthorityHost: DefaultAuthorityHost, APIURL: DefaultAPIURL, Scope: DefaultScope},
		{Name: "gcc", AuthorityHost: "https://login.microsoftonline.com",
			APIURL: "https://api-gcc.securitycenter.microsoft.us", Scope: "https://api-gcc.securitycenter.microsoft.us/.default"},
		{Name: "gcchigh", AuthorityHost: "https://login.microsoftonline.us",
			APIURL: "https://api-gov.securitycenter.microsoft.us", Scope: "https://api-gov.securitycenter.microsoft.us/.default"},
		{Name: "dod", AuthorityHost: "https://login.microsoftonline.us",
			APIURL: "https://api-gov.securitycenter.microsoft.us", Scope: "https://api-gov.securitycenter.microsoft.us/.default"},
	}
}

// CloudByName returns the preset called name (case-insensitive; "" and
// "public" mean commercial, "gcc-high" and "gcc_high" mean gcchigh).
func CloudByName(name string) (Cloud, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "", "public", "global":
		n = "commercial"
	case "gcc-high", "gcc_high":
		n = "gcchigh"
	}
	for _, c := range Clouds() {
		if c.Name == n {
			return c, true
		}
	}
	return Cloud{}, false
}

// geoHosts are the commercial "closer server" prefixes of the current docs.
var geoHosts = []string{"us", "eu", "uk", "au", "swa", "ina", "aea"}

// GeoAPIURL returns the commercial API root of a geography ("us", "eu",
// "uk", "au", "swa", "ina", "aea"): https://<geo>.api.security.microsoft.com.
func GeoAPIURL(geo string) (string, bool) {
	g := strings.ToLower(strings.TrimSpace(geo))
	for _, h := range geoHosts {
		if g == h {
			return "https://" + h + ".api.security.microsoft.com", true
		}
	}
	return "", false
}

// GeoNames returns the geographies GeoAPIURL knows.
func GeoNames() []string { return append([]string(nil), geoHosts...) }
