package state

import (
	"fmt"
	"path/filepath"

	"mdlr/api"
)

// recordEvidence adds a saved GetFile result to its folder's manifest.
func (e *Engine) recordEvidence(en Entry, c api.CommandStatus, saved api.SavedFile) error {
	rel, err := filepath.Rel(en.OutDir, saved.Path)
	if err != nil || !filepath.IsLocal(rel) {
		return fmt.Errorf("manifest: saved file %s is not inside %s", saved.Path, en.OutDir)
	}
	f := ManifestFile{
		DeviceID:     en.Device.ID,
		DeviceName:   en.Device.Name,
		ActionID:     en.ActionID,
		CommandIndex: c.Index,
		DevicePath:   c.Command.Param(api.ParamPath),
		LocalPath:    filepath.ToSlash(rel),
		Size:         saved.Bytes,
		SHA256:       saved.SHA256,
		SavedAt:      e.now(),
	}
	if en.Action != nil {
		f.Requestor = en.Action.Requestor
		if f.DeviceName == "" {
			f.DeviceName = en.Action.ComputerDNSName
		}
	}
	if err := AddToManifest(en.OutDir, f); err != nil {
		return fmt.Errorf("the file was saved but not recorded in the evidence manifest: %w", err)
	}
	return nil
}
