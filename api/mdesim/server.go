package mdesim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a Sim served over loopback HTTP.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:PORT.
	URL  string
	srv  *http.Server
	done chan struct{}
}

// Start serves the Sim on addr (e.g. "127.0.0.1:0"), which must be a
// loopback address.
func (s *Sim) Start(addr string) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("mdesim: invalid listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
		_, port, _ := net.SplitHostPort(addr)
		addr = net.JoinHostPort(host, port)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, errors.New("mdesim: refusing to listen on non-loopback address " + addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mdesim: listen: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	out := &Server{URL: "http://" + ln.Addr().String(), srv: srv, done: make(chan struct{})}
	go func() {
		defer close(out.done)
		_ = srv.Serve(ln)
	}()
	return out, nil
}

// Close stops the server and waits for it to exit.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	return err
}
