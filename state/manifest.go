package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// ManifestName is the evidence manifest in an action's download folder.
// SafeLocalName never yields it for a downloaded file (see reserveEvidenceName).
const ManifestName = "manifest.json"

// ManifestVersion is the format version written.
const ManifestVersion = 1

// ManifestFile records one GetFile result saved to disk.
type ManifestFile struct {
	DeviceID     string    `json:"deviceId"`
	DeviceName   string    `json:"deviceName"`
	ActionID     string    `json:"actionId"`
	CommandIndex int       `json:"commandIndex"`
	DevicePath   string    `json:"devicePath"`
	LocalPath    string    `json:"localPath"` // relative to the folder, slash-separated
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	SavedAt      time.Time `json:"savedAt"` // UTC
	Requestor    string    `json:"requestor,omitempty"`
}

// Manifest is the content of manifest.json.
type Manifest struct {
	Version int            `json:"version"`
	Files   []ManifestFile `json:"files"`
}

// manifestMu serializes read-modify-write of manifests in this process.
var manifestMu sync.Mutex

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return Manifest{}, fmt.Errorf("read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("%s: not a valid manifest: %w", filepath.Join(dir, ManifestName), err)
	}
	if m.Version < 1 {
		return Manifest{}, fmt.Errorf("%s: not a valid manifest: no version", filepath.Join(dir, ManifestName))
	}
	return m, nil
}

// AddToManifest records f in dir/manifest.json, replacing a record of the
// same action and command. The manifest is rewritten atomically (0600).
func AddToManifest(dir string, f ManifestFile) error {
	manifestMu.Lock()
	defer manifestMu.Unlock()
	m, err := ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		m, err = Manifest{Version: ManifestVersion}, nil
	}
	if err != nil {
		return err
	}
	f.SavedAt = f.SavedAt.UTC()
	replaced := false
	for i, old := range m.Files {
		if old.ActionID == f.ActionID && old.CommandIndex == f.CommandIndex {
			m.Files[i], replaced = f, true
		}
	}
	if !replaced {
		m.Files = append(m.Files, f)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, ManifestName), append(data, '\n')); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// reserveEvidenceName keeps a downloaded file from taking the manifest's name.
func reserveEvidenceName(name string) string {
	if strings.EqualFold(name, ManifestName) {
		return "_" + name
	}
	return name
}

// File check states of VerifyFolder.
const (
	CheckOK         = "ok"
	CheckMissing    = "missing"
	CheckSize       = "size mismatch"
	CheckHash       = "sha256 mismatch"
	CheckUnsafe     = "unsafe path" // the manifest names a path outside the folder
	CheckNotRegular = "not a regular file"
	CheckUnreadable = "unreadable"
)

// FileCheck is the verdict on one manifest record.
type FileCheck struct {
	File      ManifestFile `json:"file"`
	Status    string       `json:"status"`
	GotSize   int64        `json:"gotSize,omitempty"`
	GotSHA256 string       `json:"gotSha256,omitempty"`
	Detail    string       `json:"detail,omitempty"`
}

// FolderReport is the result of VerifyFolder.
type FolderReport struct {
	Dir   string      `json:"dir"`
	Files []FileCheck `json:"files"`
	// Extra are files in the folder the manifest does not list (a note, not a failure).
	Extra []string `json:"extra"`
}

// OK reports whether every listed file is present and matches.
func (r FolderReport) OK() bool {
	for _, c := range r.Files {
		if c.Status != CheckOK {
			return false
		}
	}
	return true
}

// VerifyFolder re-checks dir against its manifest: each listed file must be
// a regular file inside dir with the recorded size and sha256. Files not
// listed are returned in Extra. The error is for a missing or invalid
// manifest or an unreadable folder.
func VerifyFolder(dir string) (FolderReport, error) {
	r := FolderReport{Dir: dir, Files: []FileCheck{}, Extra: []string{}}
	m, err := ReadManifest(dir)
	if err != nil {
		return r, err
	}
	listed := map[string]bool{ManifestName: true}
	for _, f := range m.Files {
		c := checkManifestFile(dir, f)
		if c.Status != CheckUnsafe {
			listed[filepath.Clean(filepath.FromSlash(f.LocalPath))] = true
		}
		r.Files = append(r.Files, c)
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, rerr := filepath.Rel(dir, path)
		if rerr != nil || rel == "." || d.IsDir() {
			return rerr
		}
		if !listed[rel] {
			r.Extra = append(r.Extra, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("list %s: %w", dir, err)
	}
	sort.Strings(r.Extra)
	return r, nil
}

// checkManifestFile checks one record without following links or leaving dir.
func checkManifestFile(dir string, f ManifestFile) FileCheck {
	c := FileCheck{File: f}
	rel := filepath.FromSlash(f.LocalPath)
	if f.LocalPath == "" || !filepath.IsLocal(rel) || strings.ContainsRune(f.LocalPath, '\\') {
		c.Status = CheckUnsafe
		return c
	}
	path := filepath.Join(dir, rel)
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Status = CheckMissing
		return c
	case err != nil:
		c.Status, c.Detail = CheckUnreadable, err.Error()
		return c
	case !fi.Mode().IsRegular():
		c.Status = CheckNotRegular
		return c
	}
	fh, err := os.Open(path)
	if err != nil {
		c.Status, c.Detail = CheckUnreadable, err.Error()
		return c
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		c.Status, c.Detail = CheckUnreadable, err.Error()
		return c
	}
	c.GotSize, c.GotSHA256 = n, hex.EncodeToString(h.Sum(nil))
	switch {
	case n != f.Size:
		c.Status = CheckSize
	case !strings.EqualFold(c.GotSHA256, f.SHA256):
		c.Status = CheckHash
	default:
		c.Status = CheckOK
	}
	return c
}
