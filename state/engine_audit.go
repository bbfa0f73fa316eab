package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"mdlr/api"
)

// Audit returns the engine's audit log (nil without a journal).
func (e *Engine) Audit() *AuditLog { return e.audit }

// AuditError returns the last failure to write an outcome to the audit log
// (nil if none): the change was made but its outcome is not recorded.
func (e *Engine) AuditError() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.auditErr
}

// identity is who the engine acts as, for audit records.
func (e *Engine) identity(ctx context.Context) string {
	if e.opts.Identity == nil {
		return ""
	}
	return CleanText(e.opts.Identity(ctx))
}

// auditIntent records what is about to be sent. Without an audit log the
// engine does not change the tenant: the error stops the change.
func (e *Engine) auditIntent(ctx context.Context, en AuditEntry) error {
	if e.audit == nil {
		return nil
	}
	en.Phase, en.Tenant, en.Identity = AuditIntent, e.opts.Tenant, e.identity(ctx)
	if _, err := e.audit.Append(en); err != nil {
		return fmt.Errorf("not sent: could not write the audit log: %w", err)
	}
	return nil
}

// auditOutcome records what became of a change. A failure is kept for
// AuditError; the change itself already happened.
func (e *Engine) auditOutcome(ctx context.Context, en AuditEntry, err error) {
	if e.audit == nil {
		return
	}
	en.Phase, en.Tenant, en.Identity = AuditOutcome, e.opts.Tenant, e.identity(ctx)
	if en.Result == "" {
		en.Result = AuditOK
		var authErr *api.AuthError
		switch {
		case err == nil:
		case isDefiniteRejection(err):
			en.Result = AuditRejected
		case errors.As(err, &authErr):
			en.Result = AuditFailed // sign-in failed: nothing was sent
		default:
			en.Result = AuditUnknown // it may have reached the service
		}
	}
	if err != nil && en.Error == "" {
		en.Error = CleanText(err.Error())
	}
	if _, aerr := e.audit.Append(en); aerr != nil {
		e.mu.Lock()
		e.auditErr = fmt.Errorf("the audit log could not record the outcome of %s: %w", en.Kind, aerr)
		e.mu.Unlock()
	}
}

// requestBody is the JSON body of a request, for the audit log.
func requestBody(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// UploadLibraryFile uploads a file to the live response library, recording
// the intent (name, size, sha256, description) and the outcome in the audit
// log. The content is read first (at most api.MaxUploadBytes).
func (e *Engine) UploadLibraryFile(ctx context.Context, req api.UploadRequest) (api.LibraryFile, error) {
	if err := api.ValidLibraryFileName(req.FileName); err != nil {
		return api.LibraryFile{}, fmt.Errorf("upload: %w", err)
	}
	if req.Content == nil {
		return api.LibraryFile{}, errors.New("upload: no content")
	}
	content, err := io.ReadAll(io.LimitReader(req.Content, api.MaxUploadBytes+1))
	if err != nil {
		return api.LibraryFile{}, fmt.Errorf("upload %s: read the file: %w", req.FileName, err)
	}
	if len(content) > api.MaxUploadBytes {
		return api.LibraryFile{}, fmt.Errorf("upload %s: %w", req.FileName, api.ErrUploadTooLarge)
	}
	sum := sha256.Sum256(content)
	file := &AuditFile{Name: req.FileName, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), Description: req.Description}
	body := requestBody(struct {
		FileName              string
		Description           string `json:",omitempty"`
		ParametersDescription string `json:",omitempty"`
		HasParameters         bool
		OverrideIfExists      bool
	}{req.FileName, req.Description, req.ParametersDescription, req.HasParameters, req.OverrideIfExists})
	entry := AuditEntry{Kind: AuditUpload, File: file, Request: body}
	if err := e.auditIntent(ctx, entry); err != nil {
		return api.LibraryFile{}, err
	}
	req.Content = bytes.NewReader(content)
	lf, err := e.svc.UploadLibraryFile(ctx, req)
	e.auditOutcome(ctx, entry, err)
	return lf, err
}

// DeleteLibraryFile deletes a file from the live response library,
// recording the intent and the outcome in the audit log.
func (e *Engine) DeleteLibraryFile(ctx context.Context, fileName string) error {
	if strings.TrimSpace(fileName) == "" {
		return errors.New("delete: no file name")
	}
	entry := AuditEntry{Kind: AuditDelete, File: &AuditFile{Name: fileName}}
	if err := e.auditIntent(ctx, entry); err != nil {
		return err
	}
	err := e.svc.DeleteLibraryFile(ctx, fileName)
	e.auditOutcome(ctx, entry, err)
	return err
}
