package api

// CloseIdleConnections closes the client's idle keep-alive connections to
// the API, the result-link hosts and the sign-in endpoint, so that a
// finished session leaves no connection (nor its goroutines) behind. The
// client stays usable: later calls open new connections.
func (c *Client) CloseIdleConnections() {
	c.http.CloseIdleConnections()
	c.blob.CloseIdleConnections()
	if c.tokenHTTP != nil {
		c.tokenHTTP.CloseIdleConnections()
	}
}
