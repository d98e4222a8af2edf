package notify

import (
	"context"
	"errors"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// claimTimeout is how long a sender may hold an e-mail before another
// process takes it over (the first one died mid-send).
const claimTimeout = 10 * time.Minute

// maxAttempts is how often an e-mail is tried before it is given up.
const maxAttempts = 5

// SendMail sends the e-mails that wait and returns how many went out. Each
// is claimed in the database first, so that several processes sharing one
// database never send the same e-mail twice.
func (s *Service) SendMail(ctx context.Context) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.now().UTC()
	stale := now.Add(-claimTimeout)
	pending, err := s.store.PendingMail(ctx, stale, 100)
	if err != nil {
		return 0, err
	}
	if len(pending) == 0 {
		return 0, nil
	}
	everyone, err := people(ctx, s.store, "")
	if err != nil {
		return 0, err
	}
	byUser := map[string]recipient{}
	for _, r := range everyone {
		byUser[r.user.ID] = r
	}
	sent := 0
	var errs []error
	for _, n := range pending {
		ok, err := s.store.ClaimMail(ctx, n.ID, now, stale)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue // another process has it
		}
		// Decided after the claim, right before the e-mail goes out, so
		// that a record hidden meanwhile is not named to someone who may no
		// longer see it.
		r, known := byUser[n.UserID]
		see := false
		if known {
			shown, err := seen(ctx, s.store, r.viewer, []model.Notification{n})
			if err != nil {
				// Undecided: tried again later, as a failed send is, and
				// given up after as many attempts.
				errs = append(errs, err, s.store.FinishMail(ctx, n.ID, retried(n)))
				continue
			}
			see = shown[0]
		}
		if !see {
			// The user left, or the record's audience no longer holds them.
			errs = append(errs, s.store.FinishMail(ctx, n.ID, model.MailNone))
			continue
		}
		subject, body := s.compose(r, n)
		state := model.MailSent
		if err := s.mailer.Send(ctx, r.user.Email, subject, body); err != nil {
			errs = append(errs, err)
			state = retried(n)
		} else {
			sent++
		}
		errs = append(errs, s.store.FinishMail(ctx, n.ID, state))
	}
	return sent, errors.Join(errs...)
}

// retried is the state of an e-mail whose attempt failed: pending, to be
// tried again, until maxAttempts.
func retried(n model.Notification) model.MailState {
	if n.Attempts+1 >= maxAttempts {
		return model.MailFailed
	}
	return model.MailPending
}

// compose words an e-mail in the recipient's language.
func (s *Service) compose(r recipient, n model.Notification) (subject, body string) {
	l := s.texts.For(r.user.Language)
	data := map[string]any{"Subject": n.Subject}
	link := s.BaseURL + "/" + n.ObjectType + "s/" + n.ObjectID
	footer := l.T("notify.footer")
	if n.Kind == model.NotifySecurity {
		data["Subject"] = l.T("audit.action." + n.Subject)
		link, footer = s.BaseURL+"/account", l.T("notify.security_footer")
	}
	subject = l.T("notify.subject."+string(n.Kind), data)
	body = l.T("notify.body."+string(n.Kind), data) + "\n\n" + link + "\n\n" + footer
	return subject, body
}
