package model

import (
	"slices"
	"time"
)

type User struct {
	ID           string    `json:"id"`
	OrgID        string    `json:"org_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Roles        []Role    `json:"roles"`
	Disabled     bool      `json:"disabled"`
	PasswordHash string    `json:"-"`
	TOTPSecret   string    `json:"-"`
	Language     string    `json:"language,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	// WorkingGroup is the validators' group whose reviews the user gives.
	WorkingGroup WorkingGroup `json:"working_group,omitempty"`
}

func (u User) Has(r Role) bool { return slices.Contains(u.Roles, r) }

// Session is a signed-in browser. Only the hash of its token is stored.
type Session struct {
	TokenHash string
	UserID    string
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
	// ID names the session on the account page; unlike the token's hash it
	// is no secret.
	ID         string
	UserAgent  string
	Address    string
	LastUsedAt *time.Time
	// Method is how the user signed in (SignInPassword, SignInSSO,
	// SignInPasskey); ProviderID names the identity provider of an SSO one.
	Method     string
	ProviderID string
}

// APIToken is a bearer token for the JSON API. Only its hash is stored.
type APIToken struct {
	ID        string
	UserID    string
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}
