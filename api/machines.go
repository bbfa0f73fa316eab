package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// MaxPageSize is the largest $top the API accepts.
const MaxPageSize = 10000

// listQuery turns ListOptions into OData query parameters.
func listQuery(opts ListOptions) url.Values {
	q := url.Values{}
	if opts.Filter != "" {
		q.Set("$filter", opts.Filter)
	}
	if opts.Top > 0 {
		q.Set("$top", strconv.Itoa(min(opts.Top, MaxPageSize)))
	}
	if opts.Skip > 0 {
		q.Set("$skip", strconv.Itoa(opts.Skip))
	}
	return q
}

// ListMachines returns one page of machines. The documented 404 for "no
// recent machines" is returned as an empty list.
func (c *Client) ListMachines(ctx context.Context, opts ListOptions) ([]Machine, error) {
	r := &apiRequest{method: http.MethodGet, path: "/api/machines", query: listQuery(opts)}
	resp, err := c.do(ctx, r)
	if IsNotFound(err) {
		return []Machine{}, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeList[Machine](r, resp)
}

// ListAllMachines pages through every machine matching filter with
// $top/$skip (never @odata.nextLink), calling onPage for each page and
// stopping on a short page.
func (c *Client) ListAllMachines(ctx context.Context, filter string, pageSize int, onPage func([]Machine) error) error {
	if pageSize <= 0 || pageSize > MaxPageSize {
		pageSize = MaxPageSize
	}
	prevFirst := ""
	for skip := 0; ; {
		page, err := c.ListMachines(ctx, ListOptions{Filter: filter, Top: pageSize, Skip: skip})
		if err != nil {
			return err
		}
		if len(page) > 0 {
			if skip > 0 && page[0].ID == prevFirst {
				return fmt.Errorf("api: machine paging stopped: the server ignored $skip=%d", skip)
			}
			prevFirst = page[0].ID
			if onPage != nil {
				if err := onPage(page); err != nil {
					return err
				}
			}
		}
		if len(page) < pageSize {
			return nil
		}
		skip += len(page)
	}
}

// GetMachine returns one machine by device ID or computer name.
func (c *Client) GetMachine(ctx context.Context, idOrName string) (Machine, error) {
	seg, err := pathEscapeID("machine", idOrName)
	if err != nil {
		return Machine{}, err
	}
	r := &apiRequest{method: http.MethodGet, path: "/api/machines/" + seg}
	resp, err := c.do(ctx, r)
	if err != nil {
		return Machine{}, err
	}
	var m Machine
	err = decodeJSON(r, resp, &m)
	return m, err
}
