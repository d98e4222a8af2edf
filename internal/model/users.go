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

// Versions are what an answer to a signed-in request is kept under, read
// in the statement that reads who holds its session or token, so that a
// kept answer needs no statement of its own: the audit log's head, which
// every change commits its event with, and for a session the user's
// notifications, how many and how many read, whose arrival and read marks
// are not audited. A token's holder reads the head alone.
type Versions struct {
	Head, Total, Read int64
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
