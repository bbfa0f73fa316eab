package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"mdlr/api"
	"mdlr/ui/inert"
)

// listSession resolves flags into a session for the read-only subcommands.
func (a *App) listSession(ctx context.Context, cf *connFlags) (*Session, int) {
	conn, err := cf.resolve(a.Env)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", err)
		return nil, ExitBadInput
	}
	return a.sessionFor(ctx, conn)
}

// sessionFor connects a resolved connection for a subcommand.
func (a *App) sessionFor(ctx context.Context, conn Connection) (*Session, int) {
	sess, err := a.connect(ctx, conn, a.outRootFor("", conn))
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", inert.Text(api.Describe(err)))
		return nil, ExitNotSent
	}
	return sess, 0
}

// sessionCommand parses a read-only subcommand's flags (the connection
// flags and --json) and connects. A nil session means stop with code.
func (a *App) sessionCommand(ctx context.Context, name string, args []string) (*Session, bool, int) {
	var cf connFlags
	var asJSON bool
	fs := a.flagSet(name)
	cf.register(fs)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	if ok, code := parse(fs, args); !ok {
		return nil, false, code
	}
	sess, code := a.listSession(ctx, &cf)
	return sess, asJSON, code
}

// writeJSONList prints a JSON array; nil prints [] rather than null.
func writeJSONList[T any](a *App, list []T) int {
	if list == nil {
		list = []T{}
	}
	return writeJSON(a, list)
}

// cmdDevices implements `mdlr devices`: all devices, page by page, streamed.
func (a *App) cmdDevices(ctx context.Context, args []string) int {
	var cf connFlags
	var filter string
	var asJSON bool
	fs := a.flagSet("devices")
	cf.register(fs)
	fs.StringVar(&filter, "filter", "", "only devices whose name, id, IP, tag or group contains TEXT (case-insensitive)")
	fs.BoolVar(&asJSON, "json", false, "print a JSON array")
	if ok, code := parse(fs, args); !ok {
		return code
	}
	sess, code := a.listSession(ctx, &cf)
	if sess == nil {
		return code
	}
	defer sess.Close()
	needle := strings.ToLower(strings.TrimSpace(filter))
	var out deviceWriter
	if asJSON {
		out = newJSONArray(a.Stdout)
	} else {
		out = newDeviceTable(a.Stdout)
	}
	n := 0
	err := sess.API.ListAllMachines(ctx, "", 0, func(page []api.Machine) error {
		for i := range page {
			if needle == "" || machineMatches(&page[i], needle) {
				n++
				if err := out.write(&page[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if cerr := out.close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: listing devices: %s\n", inert.Text(api.Describe(err)))
		return ExitNotSent
	}
	if !asJSON {
		fmt.Fprintf(a.Stderr, "%d devices\n", n)
	}
	return 0
}

func machineMatches(m *api.Machine, needle string) bool {
	hay := []string{m.ComputerDNSName, m.ID, m.LastIPAddress, m.RBACGroupName}
	hay = append(hay, m.MachineTags...)
	for _, ip := range m.IPAddresses {
		hay = append(hay, ip.IPAddress)
	}
	for _, h := range hay {
		if strings.Contains(strings.ToLower(h), needle) {
			return true
		}
	}
	return false
}

type deviceWriter interface {
	write(m *api.Machine) error
	close() error
}

// jsonArray streams a JSON array element by element.
type jsonArray struct {
	w     io.Writer
	enc   *json.Encoder
	count int
}

func newJSONArray(w io.Writer) *jsonArray {
	return &jsonArray{w: w, enc: json.NewEncoder(w)}
}

func (j *jsonArray) write(m *api.Machine) error { return j.add(m) }

func (j *jsonArray) add(v any) error {
	sep := ","
	if j.count == 0 {
		sep = "["
	}
	j.count++
	if _, err := io.WriteString(j.w, sep); err != nil {
		return err
	}
	return j.enc.Encode(v)
}

func (j *jsonArray) close() error {
	if j.count == 0 {
		_, err := io.WriteString(j.w, "[]\n")
		return err
	}
	_, err := io.WriteString(j.w, "]\n")
	return err
}

type deviceTable struct{ tw *tabwriter.Writer }

func newDeviceTable(w io.Writer) *deviceTable {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tOS\tHEALTH\tRISK\tLAST SEEN\tGROUP\tID")
	return &deviceTable{tw: tw}
}

func (d *deviceTable) write(m *api.Machine) error {
	_, err := fmt.Fprintf(d.tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", inert.Text(m.ComputerDNSName), inert.Text(m.OSPlatform),
		inert.Text(m.HealthStatus), inert.Text(m.RiskScore), m.LastSeen.UTC().Format(time.DateTime), inert.Text(m.RBACGroupName), inert.Text(m.ID))
	return err
}

func (d *deviceTable) close() error { return d.tw.Flush() }

// cmdLibrary implements `mdlr library`.
func (a *App) cmdLibrary(ctx context.Context, args []string) int {
	sess, asJSON, code := a.sessionCommand(ctx, "library", args)
	if sess == nil {
		return code
	}
	defer sess.Close()
	files, err := sess.API.ListLibraryFiles(ctx)
	if err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: listing the library: %s\n", inert.Text(api.Describe(err)))
		return ExitNotSent
	}
	if asJSON {
		return writeJSON(a, files)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPARAMETERS\tDESCRIPTION\tBY\tUPDATED")
	for _, f := range files {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", inert.Text(f.FileName), inert.Text(f.ParametersDescription),
			inert.Text(f.Description), inert.Text(f.CreatedBy), f.LastUpdatedTime.UTC().Format(time.DateOnly))
	}
	_ = tw.Flush()
	return 0
}

func writeJSON(a *App, v any) int {
	enc := json.NewEncoder(a.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(a.Stderr, "mdlr: %s\n", err)
		return ExitNotSent
	}
	return 0
}
