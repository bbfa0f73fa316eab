package api

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"software.sslmate.com/src/go-pkcs12"
)

// maxCertificateFile bounds a certificate file read by LoadCertificate.
const maxCertificateFile = 1 << 20

// assertionLifetime is exp − nbf of a client assertion (Entra allows up to 10 min).
const assertionLifetime = 5 * time.Minute

// clientAssertionType is the client_assertion_type of a JWT client assertion.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// LoadCertificate reads an app's certificate credential: a PEM file holding
// the certificate (chain) and an unencrypted private key (PKCS#8 or PKCS#1),
// or a PFX/PKCS#12 file opened with password. The key must be RSA (PS256).
// certs[0] is the certificate matching the key. Errors never quote the password.
func LoadCertificate(path, password string) (certs []*x509.Certificate, key crypto.Signer, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot open the certificate file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCertificateFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the certificate file: %w", err)
	}
	if len(data) > maxCertificateFile {
		return nil, nil, errors.New("the certificate file is larger than 1 MiB: is it the right file?")
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		certs, key, err = parsePEMCredential(data)
	} else {
		certs, key, err = parsePFXCredential(data, password)
	}
	if err != nil {
		return nil, nil, err
	}
	return orderLeafFirst(certs, key)
}

// parsePEMCredential collects the certificates and the private key of a PEM file.
func parsePEMCredential(data []byte) ([]*x509.Certificate, crypto.Signer, error) {
	var certs []*x509.Certificate
	var key crypto.Signer
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("the certificate in the PEM file cannot be parsed: %w", err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("the private key in the PEM file cannot be parsed: %w", err)
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, nil, errors.New("the private key in the PEM file cannot sign")
			}
			key = s
		case "RSA PRIVATE KEY":
			if _, encrypted := b.Headers["Proc-Type"]; encrypted {
				return nil, nil, errors.New("the PEM private key is encrypted: use an unencrypted PEM key or a PFX file with a password")
			}
			k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("the RSA private key in the PEM file cannot be parsed: %w", err)
			}
			key = k
		case "ENCRYPTED PRIVATE KEY":
			return nil, nil, errors.New("the PEM private key is encrypted: use an unencrypted PEM key or a PFX file with a password")
		case "EC PRIVATE KEY":
			return nil, nil, errors.New("the private key is an EC key: Entra client assertions need an RSA key (PS256)")
		}
	}
	if len(certs) == 0 {
		return nil, nil, errors.New("the PEM file holds no CERTIFICATE block")
	}
	if key == nil {
		return nil, nil, errors.New("the PEM file holds no private key: put the certificate and its key in one file")
	}
	return certs, key, nil
}

// parsePFXCredential decodes a PKCS#12 file.
func parsePFXCredential(data []byte, password string) ([]*x509.Certificate, crypto.Signer, error) {
	k, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, nil, errors.New("the PFX password is wrong: set AZURE_CLIENT_CERTIFICATE_PASSWORD")
		}
		return nil, nil, errors.New("the certificate file is neither PEM nor a readable PFX (PKCS#12) file")
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("the private key in the PFX file cannot sign")
	}
	return append([]*x509.Certificate{leaf}, chain...), s, nil
}

// orderLeafFirst checks the key is RSA and moves the certificate that
// matches it to the front.
func orderLeafFirst(certs []*x509.Certificate, key crypto.Signer) ([]*x509.Certificate, crypto.Signer, error) {
	pub, ok := key.Public().(*rsa.PublicKey)
	if !ok {
		return nil, nil, errors.New("the private key is not RSA: Entra client assertions need an RSA key (PS256)")
	}
	for i, c := range certs {
		if cp, ok := c.PublicKey.(*rsa.PublicKey); ok && cp.Equal(pub) {
			out := append([]*x509.Certificate{c}, certs[:i]...)
			return append(out, certs[i+1:]...), key, nil
		}
	}
	return nil, nil, errors.New("no certificate in the file matches the private key")
}

// CertConfig configures NewCertificateTokenSource.
type CertConfig struct {
	TokenURL string // e.g. TokenURLFor(cloud.AuthorityHost, tenantID); also the assertion's aud
	ClientID string
	Scope    string // default DefaultScope
	// Certs is the certificate chain, the one matching Key first (as LoadCertificate returns it).
	Certs []*x509.Certificate
	Key   crypto.Signer // RSA
	// HTTPClient calls the token endpoint (nil: a default client with TLS verification).
	HTTPClient *http.Client
	// Now stamps the assertions (nil: time.Now).
	Now func() time.Time
}

// NewCertificateTokenSource returns a token source for an app that signs
// in with a certificate: every Token call signs a fresh client assertion
// (PS256, x5t#S256, unique jti, 5 minute lifetime) and asks the token
// endpoint for a new token. Wrap it in a Client (NewWithTokenSource), which
// caches the token. ctx is used for the token requests.
func NewCertificateTokenSource(ctx context.Context, cfg CertConfig) (oauth2.TokenSource, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("api: client ID is required")
	}
	if _, err := checkEndpoint("token URL", cfg.TokenURL); err != nil {
		return nil, err
	}
	if len(cfg.Certs) == 0 || cfg.Certs[0] == nil || cfg.Key == nil {
		return nil, errors.New("api: a certificate and its private key are required")
	}
	if _, ok := cfg.Key.Public().(*rsa.PublicKey); !ok {
		return nil, errors.New("api: the certificate key must be RSA (PS256)")
	}
	if cp, ok := cfg.Certs[0].PublicKey.(*rsa.PublicKey); !ok || !cp.Equal(cfg.Key.Public()) {
		return nil, errors.New("api: the first certificate does not match the private key")
	}
	if cfg.Scope == "" {
		cfg.Scope = DefaultScope
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, tokenHTTPClient(cfg.HTTPClient))
	return &certSource{ctx: ctx, cfg: cfg}, nil
}

// certSource mints a token per call with a fresh client assertion.
type certSource struct {
	ctx context.Context
	cfg CertConfig
}

// Token implements oauth2.TokenSource.
func (s *certSource) Token() (*oauth2.Token, error) {
	assertion, err := signAssertion(s.cfg.Certs[0], s.cfg.Key, s.cfg.ClientID, s.cfg.TokenURL, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	cc := &clientcredentials.Config{
		ClientID:  s.cfg.ClientID,
		TokenURL:  s.cfg.TokenURL,
		Scopes:    []string{s.cfg.Scope},
		AuthStyle: oauth2.AuthStyleInParams,
		EndpointParams: map[string][]string{
			"client_assertion_type": {clientAssertionType},
			"client_assertion":      {assertion},
		},
	}
	tok, err := cc.Token(s.ctx)
	if err != nil {
		return nil, authError(err)
	}
	return tok, nil
}

// assertionHeader and assertionClaims are the JOSE header and claims of a
// client assertion (Entra certificate-credentials.md).
type assertionHeader struct {
	Alg     string `json:"alg"`
	Typ     string `json:"typ"`
	X5tS256 string `json:"x5t#S256"`
}

type assertionClaims struct {
	Aud string `json:"aud"`
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Jti string `json:"jti"`
	Nbf int64  `json:"nbf"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
}

// signAssertion returns a compact JWS client assertion signed with RSA-PSS
// SHA-256 (salt length = hash length).
func signAssertion(leaf *x509.Certificate, key crypto.Signer, clientID, aud string, now time.Time) (string, error) {
	thumb := sha256.Sum256(leaf.Raw)
	jti, err := newGUID()
	if err != nil {
		return "", err
	}
	h, _ := json.Marshal(assertionHeader{Alg: "PS256", Typ: "JWT", X5tS256: b64url(thumb[:])})
	c, _ := json.Marshal(assertionClaims{
		Aud: aud, Iss: clientID, Sub: clientID, Jti: jti,
		Nbf: now.Unix(), Iat: now.Unix(), Exp: now.Add(assertionLifetime).Unix(),
	})
	signing := b64url(h) + "." + b64url(c)
	digest := sha256.Sum256([]byte(signing))
	sig, err := key.Sign(rand.Reader, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
	if err != nil {
		return "", fmt.Errorf("cannot sign the client assertion: %w", err)
	}
	return signing + "." + b64url(sig), nil
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// newGUID returns a random version-4 GUID.
func newGUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
