// Package mdesim is a simulated Microsoft Defender for Endpoint tenant: an
// http.Handler that speaks the token endpoint, the machines, library,
// live response and machine action APIs, and an Azure-blob-like result
// store, as described in the project's API reference.
//
// It is a faithful double rather than a mock: it writes its JSON from its own
// types (it deliberately does not import package mdlr/api), derives action
// lifecycles from an injectable clock, enforces the documented rate limits
// and validation rules, and can inject faults (throttling, server errors,
// dropped connections, latency, malformed bodies, expired links).
//
// Sign-in: the token endpoint accepts a client secret or a certificate
// client assertion (verified for real against Options.ClientCertificates,
// default DemoCertificate) for DemoClientID, a secret for
// DemoReadOnlyClientID (an app lacking Machine.LiveResponse and
// Library.Manage, so the API answers 403 for its tokens), and the device
// code and refresh token grants of a public client (DemoClientID; the
// read-only app gets AADSTS7000218). Device codes are approved after
// Options.DeviceCodeApproveAfter, by (*Sim).ApproveDeviceCode or on the
// sim's own /devicelogin page. Access tokens are JWT-shaped with Entra's
// claims (roles for apps, scp and upn for DemoUser).
//
// Tests, demo mode and `mdlr sim` serve it over real loopback HTTP.
package mdesim
