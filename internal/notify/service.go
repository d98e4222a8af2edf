// Package notify tells people what concerns them: in the application, and
// by e-mail when they want it. Every notification is addressed through the
// policy: a user is told only of records they may see, and is checked again
// when reading it or when its e-mail goes out.
package notify

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	store  Store
	now    func() time.Time
	mailer Mailer // nil: no e-mail
	texts  *i18n.Bundle
	// BaseURL prefixes the links in e-mails.
	BaseURL string
	// counted keeps what each user is shown of their notifications (keep).
	counted *readings.Kept
}

// keptCounts and keptBytes bound what is kept of notifications: a count,
// a newest notification and a page or two for each person at work.
const (
	keptCounts = 512
	keptBytes  = 4 << 20
)

func NewService(s Store, now func() time.Time, mailer Mailer, texts *i18n.Bundle) *Service {
	return &Service{store: s, now: now, mailer: mailer, texts: texts, counted: readings.NewSized(keptCounts, keptBytes)}
}

type recipient struct {
	user   model.User
	viewer policy.Viewer
}

// people returns every active user with their viewer.
func people(ctx context.Context, q addressBook, orgID string) ([]recipient, error) {
	var orgs []model.Organisation
	if orgID != "" {
		// Of one organisation only: a pledge is made many times a second
		// at busy moments, and reading every account for each is most of
		// its cost.
		o, err := q.OrganisationByID(ctx, orgID)
		if errors.Is(err, model.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		orgs = []model.Organisation{o}
	} else {
		var err error
		if orgs, err = q.ListOrganisations(ctx); err != nil {
			return nil, err
		}
	}
	byID := map[string]model.Organisation{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	users, err := q.ListUsers(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []recipient
	for _, u := range users {
		v := policy.ViewerFor(u, byID[u.OrgID])
		if !v.Anonymous() {
			out = append(out, recipient{user: u, viewer: v})
		}
	}
	return out, nil
}

// tell adds a notification for each user whom who selects and who may see
// the record res describes; with orgID, who is asked of that
// organisation's users only.
func (s *Service) tell(ctx context.Context, q store.Queries, kind model.NotificationKind, objectType, objectID, subject string,
	res policy.Resource, orgID string, who func(r recipient) bool) error {
	all, err := people(ctx, q, orgID)
	if err != nil {
		return err
	}
	for _, r := range all {
		if !who(r) || !policy.Visible(r.viewer, res) {
			continue
		}
		n := model.Notification{UserID: r.user.ID, Kind: kind, ObjectType: objectType, ObjectID: objectID,
			Subject: subject, CreatedAt: s.now().UTC(), Mail: model.MailNone}
		if s.mailer != nil {
			prefs, err := q.MailPreferences(ctx, r.user.ID)
			if err != nil {
				return err
			}
			if on, set := prefs[kind]; !set || on {
				n.Mail = model.MailPending
			}
		}
		if err := q.AddNotification(ctx, &n); err != nil {
			return err
		}
	}
	return nil
}

// ProposalOpened tells the delegates of the electorate.
func (s *Service) ProposalOpened(ctx context.Context, q store.Queries, p model.Proposal) error {
	return s.tell(ctx, q, model.NotifyProposalOpened, "proposal", p.ID, p.Title, policy.ProposalResource(p), "", func(r recipient) bool {
		return r.viewer.Has(model.RoleDelegate) && slices.Contains(p.Electorate, r.user.OrgID)
	})
}

// DeadlineNear tells the delegates of the members that have not answered.
func (s *Service) DeadlineNear(ctx context.Context, q store.Queries, p model.Proposal, silent []string) error {
	return s.tell(ctx, q, model.NotifyDeadlineNear, "proposal", p.ID, p.Title, policy.ProposalResource(p), "", func(r recipient) bool {
		return r.viewer.Has(model.RoleDelegate) && slices.Contains(silent, r.user.OrgID)
	})
}

// ProposalClosed tells everyone in the proposal's audience who takes part
// in the coordination group.
func (s *Service) ProposalClosed(ctx context.Context, q store.Queries, p model.Proposal) error {
	return s.tell(ctx, q, model.NotifyProposalClosed, "proposal", p.ID, p.Title, policy.ProposalResource(p), "", func(r recipient) bool {
		switch r.viewer.Org.Participation {
		case model.Member, model.Observer, model.Applicant:
			return true
		}
		return r.viewer.Has(model.RoleCoordinator)
	})
}

// RequirementValidated tells the donors who may see the requirement.
func (s *Service) RequirementValidated(ctx context.Context, q store.Queries, r model.Requirement) error {
	pl, err := q.PledgesForRequirements(ctx, []string{r.ID})
	if err != nil {
		return err
	}
	return s.tell(ctx, q, model.NotifyRequirementValidated, "requirement", r.ID, r.Ref+" "+r.Title, policy.RequirementResource(r, pl), "", func(rc recipient) bool {
		return rc.viewer.Has(model.RoleDonor) && policy.CanDonate(rc.viewer.Org) && rc.user.OrgID != r.BeneficiaryOrgID
	})
}

// ReviewAwaited tells the validators of group that a requirement waits for
// their review.
func (s *Service) ReviewAwaited(ctx context.Context, q store.Queries, r model.Requirement, group model.WorkingGroup) error {
	pl, err := q.PledgesForRequirements(ctx, []string{r.ID})
	if err != nil {
		return err
	}
	return s.tell(ctx, q, model.NotifyReviewAwaited, "requirement", r.ID, r.Ref+" "+r.Title, policy.RequirementResource(r, pl), "", func(rc recipient) bool {
		return rc.viewer.Has(model.RoleValidator) && rc.user.WorkingGroup == group
	})
}

// PledgeMade tells the beneficiary organisation's people of a pledge on
// its requirement, if they may see the pledge.
func (s *Service) PledgeMade(ctx context.Context, q store.Queries, p model.Pledge, req model.Requirement, pledges []model.Pledge) error {
	parent := policy.RequirementResource(req, pledges)
	return s.tell(ctx, q, model.NotifyPledgeMade, "pledge", p.ID, req.Ref+" "+req.Title, policy.PledgeResource(p, &parent), req.BeneficiaryOrgID, func(rc recipient) bool {
		return rc.user.OrgID == req.BeneficiaryOrgID
	})
}

// PledgeSuspended tells the coordinators who may see the pledge that it
// is suspended: the need it served is open again.
func (s *Service) PledgeSuspended(ctx context.Context, q store.Queries, p model.Pledge, req *model.Requirement) error {
	var parent *policy.Resource
	subject := p.Description
	if req != nil {
		pl, err := q.PledgesForRequirements(ctx, []string{req.ID})
		if err != nil {
			return err
		}
		rr := policy.RequirementResource(*req, pl)
		parent, subject = &rr, req.Ref+" "+req.Title
	}
	return s.tell(ctx, q, model.NotifyPledgeSuspended, "pledge", p.ID, subject, policy.PledgeResource(p, parent), "", func(rc recipient) bool {
		return rc.viewer.Has(model.RoleCoordinator)
	})
}

// SecurityNotice tells a user that how their account signs in changed
// (action is the audit action). Its e-mail goes out whatever the user's
// settings: it is how they learn that someone else changed their account.
func (s *Service) SecurityNotice(ctx context.Context, q store.Queries, userID, action string) error {
	n := model.Notification{UserID: userID, Kind: model.NotifySecurity, ObjectType: "account", ObjectID: userID,
		Subject: action, CreatedAt: s.now().UTC(), Mail: model.MailNone}
	if s.mailer != nil {
		n.Mail = model.MailPending
	}
	return q.AddNotification(ctx, &n)
}

// seen decides again, for each of ns, whether v may see the record it
// names; a record that is gone is seen by no one. The count in every page's menu checks up
// to a hundred notifications: their pledges and requirements are read
// together, and a requirement with only the organisations engaged on it,
// not every pledge on it, so that the count costs a few reads whatever the
// size of the records (proposals, rare, are read one by one).
func seen(ctx context.Context, q subjects, v policy.Viewer, ns []model.Notification) ([]bool, error) {
	var pledgeIDs, reqIDs []string
	for _, n := range ns {
		switch n.ObjectType {
		case "pledge":
			pledgeIDs = append(pledgeIDs, n.ObjectID)
		case "requirement":
			reqIDs = append(reqIDs, n.ObjectID)
		}
	}
	pledges := map[string]model.Pledge{}
	if len(pledgeIDs) > 0 {
		ps, err := q.PledgesByID(ctx, pledgeIDs)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			pledges[p.ID] = p
			if p.RequirementID != "" {
				reqIDs = append(reqIDs, p.RequirementID)
			}
		}
	}
	reqs := map[string]policy.Resource{}
	if len(reqIDs) > 0 {
		rs, err := q.RequirementsByID(ctx, reqIDs)
		if err != nil {
			return nil, err
		}
		engaged, err := q.EngagedDonors(ctx, reqIDs)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			reqs[r.ID] = policy.RequirementEngaged(r, engaged[r.ID])
		}
	}
	out := make([]bool, len(ns))
	for i, n := range ns {
		var res policy.Resource
		switch n.ObjectType {
		case "account":
			out[i] = v.UserID == n.ObjectID
			continue
		case "proposal":
			p, err := q.ProposalByID(ctx, n.ObjectID)
			if errors.Is(err, model.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			res = policy.ProposalResource(p)
		case "requirement":
			r, ok := reqs[n.ObjectID]
			if !ok {
				continue
			}
			res = r
		case "pledge":
			p, ok := pledges[n.ObjectID]
			if !ok {
				continue
			}
			var parent *policy.Resource
			if p.RequirementID != "" {
				r, ok := reqs[p.RequirementID]
				if !ok {
					// A pledge whose requirement cannot be read is shown
					// to no one rather than as a bilateral report.
					continue
				}
				parent = &r
			}
			res = policy.PledgeResource(p, parent)
		default:
			continue
		}
		out[i] = policy.Visible(v, res)
	}
	return out, nil
}

// List returns the viewer's notifications about records they may still see.
func (s *Service) List(ctx context.Context, v policy.Viewer) ([]model.Notification, error) {
	if v.Anonymous() {
		return nil, model.ErrUnauthenticated
	}
	ns, err := s.store.ListNotifications(ctx, v.UserID, 200)
	if err != nil {
		return nil, err
	}
	ok, err := seen(ctx, s.store, v, ns)
	if err != nil {
		return nil, err
	}
	out := []model.Notification{}
	for i, n := range ns {
		if ok[i] {
			out = append(out, n)
		}
	}
	return out, nil
}

// MarkRead marks one of the viewer's notifications read.
func (s *Service) MarkRead(ctx context.Context, v policy.Viewer, id string) error {
	if v.Anonymous() {
		return model.ErrUnauthenticated
	}
	return s.store.MarkNotificationRead(ctx, v.UserID, id, s.now().UTC())
}

// unreadChecked bounds how many unread notifications are checked against
// their records for the count in every page's menu; past it the count
// reads "more than".
const unreadChecked = 100

// Unread counts the viewer's unread notifications about records they may
// still see (at most unreadChecked; more says there are more). A
// notification whose record is hidden now is not counted, as it is not
// listed.
func (s *Service) Unread(ctx context.Context, v policy.Viewer) (n int, more bool, err error) {
	at, err := s.Version(ctx, v)
	if err != nil {
		return 0, false, err
	}
	return s.UnreadAt(ctx, v, at)
}

// UnreadAt is Unread at a version the caller read for v with Version (and
// for no one else: the count is kept under it), so that a page keeps
// itself under the version of the count it shows.
func (s *Service) UnreadAt(ctx context.Context, v policy.Viewer, at Version) (n int, more bool, err error) {
	if v.Anonymous() {
		return 0, false, model.ErrUnauthenticated
	}
	type count struct {
		n    int
		more bool
	}
	got, err := s.keepAt(ctx, v, at, "unread", func(ctx context.Context) (any, int, error) {
		ns, err := s.store.UnreadNotifications(ctx, v.UserID, unreadChecked+1)
		if err != nil {
			return nil, 0, err
		}
		var c count
		if len(ns) > unreadChecked {
			ns, c.more = ns[:unreadChecked], true
		}
		ok, err := seen(ctx, s.store, v, ns)
		if err != nil {
			return nil, 0, err
		}
		for _, yes := range ok {
			if yes {
				c.n++
			}
		}
		return c, 16, nil
	})
	if err != nil {
		return 0, false, err
	}
	c := got.(count)
	return c.n, c.more, nil
}

// Version versions what a user is shown of their notifications. Head is
// the audit log's, which versions the records and the e-mail preferences;
// Total and Read, how many notifications the user has and how many are
// read, version the notifications, whose arrival and read marks are not
// audited: they change when one arrives or is read, and never come back
// to what they were. The three are read in one statement, the one that
// reads a session's holder when a request has one (model.Versions).
type Version model.Versions

// State names the notifications' part of the version.
func (x Version) State() string {
	return strconv.FormatInt(x.Total, 10) + " notifications, " + strconv.FormatInt(x.Read, 10) + " read"
}

// Version reads v's version now.
func (s *Service) Version(ctx context.Context, v policy.Viewer) (Version, error) {
	if v.Anonymous() {
		return Version{}, model.ErrUnauthenticated
	}
	var x Version
	var err error
	x.Total, x.Read, x.Head, err = s.store.NotificationVersion(ctx, v.UserID)
	return x, err
}

// keep answers what of v's notifications with what compute read of them
// while neither they nor the records changed. Every page's menu shows the
// count, and deciding a notification reads its record: a hundred records
// read for a count that changes when a notification arrives or is read,
// or when a record changes.
func (s *Service) keep(ctx context.Context, v policy.Viewer, what string, compute func(context.Context) (any, int, error)) (any, error) {
	at, err := s.Version(ctx, v)
	if err != nil {
		return nil, err
	}
	return s.keepAt(ctx, v, at, what, compute)
}

// keepAt is keep at a version read before anything compute reads, so that
// nothing is kept under a version older than what it shows.
func (s *Service) keepAt(ctx context.Context, v policy.Viewer, at Version, what string, compute func(context.Context) (any, int, error)) (any, error) {
	key := what + "\x00" + at.State()
	head := func(context.Context) (int64, error) { return at.Head, nil }
	return s.counted.GetSized(ctx, head, key, v, model.DateOf(s.now()), func(ctx context.Context) (any, int, error) {
		value, size, err := compute(ctx)
		// The key is kept too.
		return value, size + len(key), err
	})
}

// MarkAllRead marks read the viewer's notifications up to upTo, the newest
// one their list showed, as MarkRead marks one. A notification whose record
// is hidden from them now is marked too: it is not shown, so marking it
// tells nothing.
func (s *Service) MarkAllRead(ctx context.Context, v policy.Viewer, upTo string) (int64, error) {
	if v.Anonymous() {
		return 0, model.ErrUnauthenticated
	}
	if err := uuid.Validate(upTo); err != nil {
		return 0, model.Invalid("up_to", "must be the id of the newest notification shown")
	}
	return s.store.MarkNotificationsRead(ctx, v.UserID, upTo, s.now().UTC())
}

// Preferences says, per kind, whether the viewer gets e-mail.
func (s *Service) Preferences(ctx context.Context, v policy.Viewer) (map[model.NotificationKind]bool, error) {
	if v.Anonymous() {
		return nil, model.ErrUnauthenticated
	}
	set, err := s.store.MailPreferences(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	out := map[model.NotificationKind]bool{}
	for _, k := range model.NotificationKinds {
		on, ok := set[k]
		out[k] = !ok || on
	}
	return out, nil
}

// SetPreference turns e-mail of one kind on or off for the viewer.
func (s *Service) SetPreference(ctx context.Context, v policy.Viewer, kind model.NotificationKind, on bool) error {
	if v.Anonymous() {
		return model.ErrUnauthenticated
	}
	if !slices.Contains(model.NotificationKinds, kind) {
		return model.Invalid("kind", "%q is not a kind of notification", kind)
	}
	return s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.SetMailPreference(ctx, v.UserID, kind, on); err != nil {
			return err
		}
		_, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{
			Action: "notification.preference", ObjectType: "user", ObjectID: v.UserID,
			After: map[string]any{"kind": kind, "email": on},
		})
		return err
	})
}
