package web

// auditObjects are the types of record the audit log names; the audit page
// labels each through "object.TYPE", and the catalogue test holds the
// catalogues to this list, which a test keeps equal to the types the domain
// records (a type missing here once showed as a raw message id).
var auditObjects = []string{
	"requirement", "pledge", "organisation", "user", "account", "offer", "lesson",
	"meeting", "proposal", "rotation", "plan", "alert", "document", "indicator",
	"requirement_review",
}

func init() {
	auditActions = append(auditActions, "pledge.revalue", "offer.revalue", "user.password_rehash",
		// Written since the list began and named by the catalogues, but not
		// held to them until the audit page's lists were checked.
		"offer.create", "offer.update", "offer.review", "offer.withdraw", "pledge.propose", "plan.apply",
		"alert.acknowledge", "lesson.create", "lesson.update", "pledge.import", "pledge.reimport",
		"organisation.import", "pledge.milestone", "pledge.in_delivery", "pledge.delivered",
		"pledge.receipt_received", "pledge.receipt_problem", "requirement.in_delivery",
		"requirement.delivered", "requirement.closed",
		"document.create", "document.delete", "indicator.create", "indicator.value")
}
