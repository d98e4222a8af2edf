package model

import "time"

// SSOProvider is an OpenID Connect identity provider through which an
// organisation's staff sign in. The client secret never leaves the server.
type SSOProvider struct {
	ID           string `json:"id"`
	OrgID        string `json:"org_id"`
	Name         string `json:"name"`
	Issuer       string `json:"issuer"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"-"`
	// EmailDomains are the lower-case domains whose addresses the provider
	// may vouch for; empty allows any.
	EmailDomains []string `json:"email_domains"`
	// AllowPasswords keeps local passwords for the organisation's users.
	AllowPasswords bool      `json:"allow_passwords"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// SignInFlow is a sign-in or passkey ceremony in progress, kept
// server-side so that any server can finish it, and used once.
type SignInFlow struct {
	// ID is the hash of the value the browser carries (the OIDC state).
	ID         string
	Kind       string
	ProviderID string
	UserID     string
	Nonce      string
	Verifier   string
	// Data is the ceremony's own state (a WebAuthn session, JSON).
	Data      string
	Next      string
	ExpiresAt time.Time
}

// Sign-in flow kinds.
const (
	FlowSSO             = "sso"
	FlowPasskeyRegister = "passkey_register"
	FlowPasskeySignIn   = "passkey_signin"
	// FlowSecondFactor follows a right password, awaiting the passkey or
	// a recovery code.
	FlowSecondFactor = "second_factor"
)

// Passkey is a WebAuthn credential of a user: a passkey or a security key.
type Passkey struct {
	ID           string     `json:"id"`
	UserID       string     `json:"-"`
	CredentialID string     `json:"-"` // base64url
	Name         string     `json:"name"`
	Credential   string     `json:"-"` // the library's credential record, JSON
	CreatedAt    time.Time  `json:"created_at"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
}

// Session sign-in methods.
const (
	SignInPassword = "password"
	SignInSSO      = "sso"
	SignInPasskey  = "passkey"
)

// StrongFactorState is what decides whether a user must still register a
// phishing-resistant factor.
type StrongFactorState struct {
	// OrgRequires and StaffRequires are the organisation's and the
	// platform's (admins and coordinators) settings.
	OrgRequires   bool
	StaffRequires bool
	Passkeys      int
}
