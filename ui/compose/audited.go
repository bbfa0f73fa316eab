package compose

import (
	"context"

	"mdlr/api"
)

// libraryWriter changes the tenant's library. The engine implements it with
// an audit record of each change; api.Service without one.
type libraryWriter interface {
	UploadLibraryFile(ctx context.Context, req api.UploadRequest) (api.LibraryFile, error)
	DeleteLibraryFile(ctx context.Context, fileName string) error
}

// librarian is the engine (audited) when the console has one; the bare
// API only in screen tests built without an engine.
func (m *Model) librarian() libraryWriter {
	if m.c.Engine != nil {
		return m.c.Engine
	}
	return m.c.API
}
