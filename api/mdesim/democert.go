package mdesim

import (
	"crypto/x509"
	"encoding/pem"
	"sync"
)

// demoCertPEM and demoKeyPEM are the demo app's certificate credential. The
// key is published on purpose: it only opens the simulated tenant, and a
// fixed pair lets "mdlr sim" and a separate mdlr process agree on it.
const demoCertPEM = `-----BEGIN CERTIFICATE-----
MIIDQTCCAimgAwIBAgIUS/S/a5/3fSF1zbXzkpu/ck+lGQowDQYJKoZIhvcNAQEL
BQAwLzEtMCsGA1UEAwwkbWRlc2ltIGRlbW8gY2VydGlmaWNhdGUgKG5vdCBzZWNy
ZXQpMCAXDTI2MTEyNzA2MTIwOVoYDzIxMjYxMTAzMDYxMjA5WjAvMS0wKwYDVQQD
DCRtZGVzaW0gZGVtbyBjZXJ0aWZpY2F0ZSAobm90IHNlY3JldCkwggEiMA0GCSqG
SIb3DQEBAQUAA4IBDwAwggEKAoIBAQC5qKoRuMhjJFw6UKNJWfeSF7Cqu3DSvYfL
2EymuLjtEceI//X1lMSIX1wiiTu6nivCLSPq4fsvhM8RMfGdZPrK70od5mHOQ9da
W1NUaSL5nopxPHcViTBIcMKm335cMhs8p8CvJ440kqbvoMKSbpdSOVnJXwycVZWP
pVWFvu7tGu+emS5VNAGfgPaKd9X+GC2m2jZGuIDSfxStqCld2i+/V+TmHBGFRTEq
/0c2RX7vCcLxIpxLNevozUQjXWQPUw3/61EbJESBY2PIVYcMBmIoPLbDPl1CBer3
iN6LUQzeGnbgmW9Cd5f35pFAB/wHO98edtJ+oE9DhHnmuaFGLqC/AgMBAAGjUzBR
MB0GA1UdDgQWBBSfq6eknxb/EbiwWJRMncE+u+JwaDAfBgNVHSMEGDAWgBSfq6ek
nxb/EbiwWJRMncE+u+JwaDAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUA
A4IBAQCfuuAp2wqKQLay99cBGUVu4oNZdl5GU+JNqBBEXGzFvhd4lut8rPbkmPLg
4Cl2nZweugrPeUx1nP9Uh6RgNoA1WcgUgARsL9LGnGc4dvcKZlN5Dz9yFSvNSHNw
n4GsYuCaZY9spZ9m0TmOKnZ1IF9H3a7l85I93vDSWHC24dwnTV0PRLTH5X8v3g4o
SuAErJrv7qStEsNo9/obo4kko73cl5NuOMWz7Ue7veRETdh4uqB7AYyWkeC5eTA1
5ZazIF3dIv/EvYzNJlQL67irDB5SLWwR1+IFk+06eeitu43K6sAgaoEFTlH1Ha09
Y9qRsrn0cugGbyQijeBTLOzEFZ8k
-----END CERTIFICATE-----
`

const demoKeyPEM = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC5qKoRuMhjJFw6
UKNJWfeSF7Cqu3DSvYfL2EymuLjtEceI//X1lMSIX1wiiTu6nivCLSPq4fsvhM8R
MfGdZPrK70od5mHOQ9daW1NUaSL5nopxPHcViTBIcMKm335cMhs8p8CvJ440kqbv
oMKSbpdSOVnJXwycVZWPpVWFvu7tGu+emS5VNAGfgPaKd9X+GC2m2jZGuIDSfxSt
qCld2i+/V+TmHBGFRTEq/0c2RX7vCcLxIpxLNevozUQjXWQPUw3/61EbJESBY2PI
VYcMBmIoPLbDPl1CBer3iN6LUQzeGnbgmW9Cd5f35pFAB/wHO98edtJ+oE9DhHnm
uaFGLqC/AgMBAAECggEAJLcyvuN0mYqoxI2K5SgqGhWeRf1gkASUVN83NWdlhtiT
xcecvA7KGRAGt/u8uKisDbAAoORE2P5iNsvSNOax5C0TUrtrTy/CaGeUIKbUGFpe
lYs4H6WsSz8ld3vOUOxFz6Z7KAhiCoqQAeagY/YD7epSk8y8wTP5qlkvgw4h0PjC
TxDkw/L311khlEXdg9ILrRL3naJUoHe491YyyY8VzeFNOp/ruUfmsyD3zODvQw4J
731bHmkbOcmUi/dGcjtlXVmHlKLG7ZWyJDdPhsWB4Lj0B6otlNZw26zzL/tkgLQ9
IpaYp3O4b40EfiPohvm+ALjzvA3YaTQwqYbN4zrMwQKBgQD3JrwlfPMbyEOqfP2b
t+BcnwZewUU92uuPR9ZwNQhhPMmo5nPgsF+uvYR7+S+EqIjhnC5XuKEEK2Ru6glA
UDBVYPjoPPuQd8okct/msESPAtmgyash4ZxgK7wYSFzz/6pqRdExSo5qJkFKFxiw
WezB99psWaicKINgZXKfgOGjQQKBgQDATlH9y+JJz5iI1Rr8ciLZeOqm7bbFFuqS
JY1CX68k4LFuTKYKbdsmV3ttaIG2wx1q5XdfLHey3/hTsnkjMYO7mUAd3W5UNjn/
SeU7bCQZesKLOO01c1q0TaVFw55aRFXNM/yNIn/VCWhILI0nIzIJ88d6y5tCauF1
hFRrofND/wKBgQDiAKjB+x1wBVRjHYLnl2ByMfUoRsHji0ImtoFQAB7WlDiv23SR
PZdxedohZ79dJqRs8l2qV6nd3zQq/JZTGkDoghF6hPFhrTjK1cUK9Zrrz6ZkkqWM
CPvvMW8CIYHmmZ8jKQ7fbRcH2E2Ry8cG1GRdByHUPLSjf6SLTJlhZABxQQKBgGaW
4aK1a8jYmJUWqsjV0sWVfgkDc6d87DJ/Gfa4uOTBgaZH+aRCqtCvhsb9I4XuXPkz
5RS+0jR4yy9LXNhrh81CmjPUdxExxIruTv3+WNvG45YGDnWfTlo1ud+X1hhtsCBC
hY59QxjRZfJq4fppCj7I8DgP+onaHuDkcWzh/rbdAoGBALhhx8Krj4q4X8VoAL8m
k9jRQZmUa1cDLFGRNPNo2K/+kShEmMdvLnxoKuTYCVTwUt2/faSOfBJrPNZpR/cC
NWUpbbcRn+q1M952+QTUxBTMGA4Q1aScyCljeQUJPHMjsFltPquFjyRJgbyLPtNI
NW6VO7JrsBj7GzkDq47bTIwg
-----END PRIVATE KEY-----
`

// DemoCertificatePEM returns the demo app's certificate followed by its
// unencrypted PKCS#8 private key, PEM encoded: write it to a file and point
// AZURE_CLIENT_CERTIFICATE_PATH at it to sign in as DemoClientID.
func DemoCertificatePEM() []byte {
	return []byte(demoCertPEM + demoKeyPEM)
}

var demoCert = sync.OnceValue(func() *x509.Certificate {
	b, _ := pem.Decode([]byte(demoCertPEM))
	if b == nil {
		panic("mdesim: demo certificate PEM is malformed")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		panic("mdesim: demo certificate: " + err.Error())
	}
	return c
})

// DemoCertificate returns the certificate registered on DemoClientID when
// Options.ClientCertificates is empty.
func DemoCertificate() *x509.Certificate { return demoCert() }
