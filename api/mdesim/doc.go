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
// Tests, demo mode and `mdlr sim` serve it over real loopback HTTP.
package mdesim
