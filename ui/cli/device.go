package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"mdlr/api"
)

// Device reference errors: bad input, nothing is sent.
var (
	errDeviceNotFound  = errors.New("device not found")
	errDeviceAmbiguous = errors.New("several devices match")
)

// resolveDevice finds the device a user named: by id or computer name
// (GET machines/{id}), and when that fails, by its DNS name or short host
// name through a $filter query, since some tenants only resolve ids.
func resolveDevice(ctx context.Context, svc api.Service, ref string) (api.Machine, error) {
	m, err := svc.GetMachine(ctx, ref)
	if err == nil {
		return m, nil
	}
	var ae *api.Error
	if !api.IsNotFound(err) && !(errors.As(err, &ae) && ae.StatusCode == 400) {
		return api.Machine{}, err
	}
	list, lerr := svc.ListMachines(ctx, api.ListOptions{Filter: api.StartsWith("computerDnsName", ref), Top: 50})
	if lerr != nil {
		return api.Machine{}, fmt.Errorf("%w: %q", errDeviceNotFound, ref)
	}
	var exact []api.Machine
	for _, c := range list {
		name := strings.ToLower(c.ComputerDNSName)
		want := strings.ToLower(ref)
		if name == want || strings.HasPrefix(name, want+".") {
			exact = append(exact, c)
		}
	}
	switch len(exact) {
	case 1:
		return exact[0], nil
	case 0:
		return api.Machine{}, fmt.Errorf("%w: %q", errDeviceNotFound, ref)
	}
	names := make([]string, 0, len(exact))
	for _, c := range exact {
		names = append(names, c.ComputerDNSName+" ("+c.ID+")")
	}
	return api.Machine{}, fmt.Errorf("%w: %q matches %s; give the device id", errDeviceAmbiguous, ref, strings.Join(names, ", "))
}
