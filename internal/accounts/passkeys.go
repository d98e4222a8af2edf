package accounts

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

type webauthnRP struct{ wa *webauthn.WebAuthn }

// ceremonyTTL is how long a passkey ceremony may take: the browser asks
// the user to touch their key, which takes seconds, not minutes.
const ceremonyTTL = 5 * time.Minute

// EnablePasskeys makes the site a WebAuthn relying party: its id is the
// host of the site's public address, and only that origin may answer.
// Without an address passkeys stay off, since a relying party id guessed
// from requests could be chosen by whoever sends them.
func (s *Service) EnablePasskeys(baseURL string) error {
	if baseURL == "" {
		return nil
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("passkeys: the base URL %q is not an http(s) address", baseURL)
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID: u.Hostname(), RPDisplayName: "cyberaid", RPOrigins: []string{u.Scheme + "://" + u.Host},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, UserVerification: protocol.VerificationPreferred,
		},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTTL, TimeoutUVD: ceremonyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTTL, TimeoutUVD: ceremonyTTL},
		},
	})
	if err != nil {
		return fmt.Errorf("passkeys: %w", err)
	}
	s.webauthn = &webauthnRP{wa: wa}
	return nil
}

// PasskeysEnabled reports whether the site's address is configured.
func (s *Service) PasskeysEnabled() bool { return s.webauthn != nil }

// ErrPasskeysOff answers passkey requests on a site without its address.
var ErrPasskeysOff = &model.FieldError{Kind: model.ErrRule, Field: "passkey", Code: "passkeys_off",
	Message: "passkeys need the site's public address (--base-url) to be configured"}

type waUser struct {
	u     model.User
	creds []webauthn.Credential
}

func (w waUser) WebAuthnID() []byte                         { return []byte(w.u.ID) }
func (w waUser) WebAuthnName() string                       { return w.u.Email }
func (w waUser) WebAuthnDisplayName() string                { return w.u.Name }
func (w waUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

func (s *Service) waUser(ctx context.Context, q store.Queries, u model.User) (waUser, error) {
	keys, err := q.ListPasskeys(ctx, u.ID)
	if err != nil {
		return waUser{}, err
	}
	w := waUser{u: u}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(k.Credential), &c); err != nil {
			return waUser{}, fmt.Errorf("passkey %s: %w", k.ID, err)
		}
		w.creds = append(w.creds, c)
	}
	return w, nil
}

// Passkeys lists the user's passkeys.
func (s *Service) Passkeys(ctx context.Context, id Identity) ([]model.Passkey, error) {
	return s.store.ListPasskeys(ctx, id.User.ID)
}

// BeginPasskeyRegistration returns the options the browser hands to
// navigator.credentials.create, and the token of the ceremony.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, id Identity, name string) (string, *protocol.CredentialCreation, error) {
	if s.webauthn == nil {
		return "", nil, ErrPasskeysOff
	}
	name, err := model.CleanText("name", name, 1, 100)
	if err != nil {
		return "", nil, err
	}
	w, err := s.waUser(ctx, s.store, id.User)
	if err != nil {
		return "", nil, err
	}
	creation, session, err := s.webauthn.wa.BeginRegistration(w,
		webauthn.WithExclusions(webauthn.Credentials(w.creds).CredentialDescriptors()))
	if err != nil {
		return "", nil, err
	}
	data, err := json.Marshal(session)
	if err != nil {
		return "", nil, err
	}
	token, err := s.putFlow(ctx, model.SignInFlow{Kind: model.FlowPasskeyRegister, UserID: id.User.ID, Data: string(data), Next: name}, ceremonyTTL)
	return token, creation, err
}

func invalidCredential(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return model.Invalid("credential", "the browser's answer was refused: %s", pe.DevInfo)
	}
	return model.Invalid("credential", "the browser's answer was refused: %v", err)
}

// FinishPasskeyRegistration checks the browser's answer and keeps the new
// credential under the name given at the start.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, id Identity, token string, body []byte) (model.Passkey, error) {
	if s.webauthn == nil {
		return model.Passkey{}, ErrPasskeysOff
	}
	f, err := s.takeFlow(ctx, token, model.FlowPasskeyRegister)
	if err != nil {
		return model.Passkey{}, err
	}
	if f.UserID != id.User.ID {
		return model.Passkey{}, errFlowGone
	}
	var session webauthn.SessionData
	if err := json.Unmarshal([]byte(f.Data), &session); err != nil {
		return model.Passkey{}, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body)
	if err != nil {
		return model.Passkey{}, invalidCredential(err)
	}
	w, err := s.waUser(ctx, s.store, id.User)
	if err != nil {
		return model.Passkey{}, err
	}
	cred, err := s.webauthn.wa.CreateCredential(w, session, parsed)
	if err != nil {
		return model.Passkey{}, invalidCredential(err)
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return model.Passkey{}, err
	}
	pk := model.Passkey{UserID: id.User.ID, CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID), Name: f.Next,
		Credential: string(raw), CreatedAt: s.now().UTC()}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.CreatePasskey(ctx, &pk); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return model.Broken("credential", "passkey_taken", "this passkey is already registered")
			}
			return err
		}
		return s.changed(ctx, q, id, id.User.ID, "passkey.add", map[string]any{"name": pk.Name})
	})
	return pk, err
}

// RemovePasskey removes one of the user's own passkeys.
func (s *Service) RemovePasskey(ctx context.Context, id Identity, passkeyID string) error {
	return s.store.InTx(ctx, func(q store.Queries) error {
		pk, err := q.DeletePasskey(ctx, id.User.ID, passkeyID)
		if err != nil {
			return err
		}
		return s.changed(ctx, q, id, id.User.ID, "passkey.remove", map[string]any{"name": pk.Name})
	})
}

// BeginPasskeySignIn starts a passkey sign-in: as the second factor of the
// held sign-in that secondToken names, or with a passkey alone (any
// discoverable credential of the site) when it is empty.
func (s *Service) BeginPasskeySignIn(ctx context.Context, secondToken, next string) (string, *protocol.CredentialAssertion, error) {
	if s.webauthn == nil {
		return "", nil, ErrPasskeysOff
	}
	flow := model.SignInFlow{Kind: model.FlowPasskeySignIn, Next: next}
	var assertion *protocol.CredentialAssertion
	var session *webauthn.SessionData
	if secondToken != "" {
		held, err := s.takeFlow(ctx, secondToken, model.FlowSecondFactor)
		if err != nil {
			return "", nil, err
		}
		u, err := s.store.UserByID(ctx, held.UserID)
		if err != nil {
			return "", nil, err
		}
		w, err := s.waUser(ctx, s.store, u)
		if err != nil {
			return "", nil, err
		}
		if assertion, session, err = s.webauthn.wa.BeginLogin(w); err != nil {
			return "", nil, err
		}
		flow.UserID, flow.Next = u.ID, held.Next
	} else {
		var err error
		if assertion, session, err = s.webauthn.wa.BeginDiscoverableLogin(); err != nil {
			return "", nil, err
		}
	}
	data, err := json.Marshal(session)
	if err != nil {
		return "", nil, err
	}
	flow.Data = string(data)
	token, err := s.putFlow(ctx, flow, ceremonyTTL)
	return token, assertion, err
}

// ErrPasskeyRefused is the one answer to a passkey that does not sign in.
var ErrPasskeyRefused = &model.FieldError{Kind: model.ErrUnauthenticated, Field: "passkey", Code: "passkey_refused",
	Message: "this passkey does not sign in to any account here"}

// FinishPasskeySignIn checks the browser's assertion and returns who signed
// in and where they were going.
func (s *Service) FinishPasskeySignIn(ctx context.Context, token string, body []byte) (Identity, string, error) {
	if s.webauthn == nil {
		return Identity{}, "", ErrPasskeysOff
	}
	f, err := s.takeFlow(ctx, token, model.FlowPasskeySignIn)
	if err != nil {
		return Identity{}, "", err
	}
	var session webauthn.SessionData
	if err := json.Unmarshal([]byte(f.Data), &session); err != nil {
		return Identity{}, "", err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		return Identity{}, "", invalidCredential(err)
	}
	pk, err := s.store.PasskeyByCredentialID(ctx, base64.RawURLEncoding.EncodeToString(parsed.RawID))
	if errors.Is(err, model.ErrNotFound) || (err == nil && f.UserID != "" && pk.UserID != f.UserID) {
		return Identity{}, "", ErrPasskeyRefused
	}
	if err != nil {
		return Identity{}, "", err
	}
	u, err := s.store.UserByID(ctx, pk.UserID)
	if err != nil {
		return Identity{}, "", err
	}
	if u.Disabled {
		return Identity{}, "", ErrPasskeyRefused
	}
	w, err := s.waUser(ctx, s.store, u)
	if err != nil {
		return Identity{}, "", err
	}
	var cred *webauthn.Credential
	if f.UserID != "" {
		cred, err = s.webauthn.wa.ValidateLogin(w, session, parsed)
	} else {
		cred, err = s.webauthn.wa.ValidateDiscoverableLogin(func(_, userHandle []byte) (webauthn.User, error) {
			if string(userHandle) != u.ID {
				return nil, errors.New("the user handle is not the credential's owner")
			}
			return w, nil
		}, session, parsed)
	}
	if err != nil {
		return Identity{}, "", ErrPasskeyRefused
	}
	// A counter that went backwards means a copied authenticator.
	if cred.Authenticator.CloneWarning {
		return Identity{}, "", ErrPasskeyRefused
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return Identity{}, "", err
	}
	if err := s.store.UsePasskey(ctx, pk.ID, string(raw), s.now().UTC()); err != nil {
		return Identity{}, "", err
	}
	org, err := s.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		return Identity{}, "", err
	}
	if org.Participation == model.Former {
		return Identity{}, "", ErrFormerOrganisation
	}
	return Identity{User: u, Org: org}, f.Next, nil
}
