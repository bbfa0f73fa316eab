package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// GetMachineAction returns one machine action.
func (c *Client) GetMachineAction(ctx context.Context, id string) (MachineAction, error) {
	seg, err := pathEscapeID("action", id)
	if err != nil {
		return MachineAction{}, err
	}
	r := &apiRequest{method: http.MethodGet, path: "/api/machineactions/" + seg}
	resp, err := c.do(ctx, r)
	if err != nil {
		return MachineAction{}, err
	}
	var a MachineAction
	err = decodeJSON(r, resp, &a)
	return a, err
}

// ListMachineActions returns machine actions matching opts (one page).
func (c *Client) ListMachineActions(ctx context.Context, opts ListOptions) ([]MachineAction, error) {
	r := &apiRequest{method: http.MethodGet, path: "/api/machineactions", query: listQuery(opts)}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeList[MachineAction](r, resp)
}

// CancelMachineAction asks Defender to cancel a pending or running action.
// A 400 means the action can no longer be cancelled.
func (c *Client) CancelMachineAction(ctx context.Context, actionID, comment string) (MachineAction, error) {
	seg, err := pathEscapeID("action", actionID)
	if err != nil {
		return MachineAction{}, err
	}
	r, err := jsonPost("/api/machineactions/"+seg+"/cancel", CancelRequest{Comment: comment})
	if err != nil {
		return MachineAction{}, err
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return MachineAction{}, err
	}
	var a MachineAction
	err = decodeJSON(r, resp, &a)
	return a, err
}

// jsonPost builds a replayable JSON POST request.
func jsonPost(path string, v any) (*apiRequest, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("api: encoding request for %s: %w", path, err)
	}
	return &apiRequest{
		method:      http.MethodPost,
		path:        path,
		contentType: "application/json",
		body:        func() (io.Reader, error) { return bytes.NewReader(data), nil },
	}, nil
}
