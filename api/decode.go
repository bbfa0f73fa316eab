package api

import (
	"encoding/json"
	"errors"
)

// decodeJSON decodes a response body into v, naming the endpoint on failure.
func decodeJSON(r *apiRequest, resp *apiResponse, v any) error {
	if len(resp.body) == 0 {
		return &DecodeError{Method: r.method, Path: r.displayPath(), Err: errors.New("empty body")}
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		return &DecodeError{Method: r.method, Path: r.displayPath(), Err: err}
	}
	return nil
}

// decodeList decodes an OData collection {"value":[...]}.
func decodeList[T any](r *apiRequest, resp *apiResponse) ([]T, error) {
	var env struct {
		Value *[]T `json:"value"`
	}
	if err := decodeJSON(r, resp, &env); err != nil {
		return nil, err
	}
	if env.Value == nil {
		return nil, &DecodeError{Method: r.method, Path: r.displayPath(), Err: errors.New(`no "value" array`)}
	}
	return *env.Value, nil
}
