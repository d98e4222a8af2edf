package model

import (
	"slices"
	"time"
)

// LessonStatus follows a lesson's recommendation through the coordination group.
type LessonStatus string

const (
	LessonProposed    LessonStatus = "proposed"
	LessonAccepted    LessonStatus = "accepted"
	LessonImplemented LessonStatus = "implemented"
	LessonDropped     LessonStatus = "dropped"
)

var LessonStatuses = []LessonStatus{LessonProposed, LessonAccepted, LessonImplemented, LessonDropped}

func (s LessonStatus) Valid() bool { return slices.Contains(LessonStatuses, s) }

// Open reports whether the recommendation still needs the group's attention.
func (s LessonStatus) Open() bool { return s == LessonProposed || s == LessonAccepted }

// LessonLink says what a lesson is about.
type LessonLink string

const (
	LinkNone        LessonLink = "none"
	LinkRequirement LessonLink = "requirement"
	LinkPledge      LessonLink = "pledge"
	// LinkDelivery is about a pledge's delivery rather than the pledge itself.
	LinkDelivery LessonLink = "delivery"
)

var LessonLinks = []LessonLink{LinkNone, LinkRequirement, LinkPledge, LinkDelivery}

func (l LessonLink) Valid() bool { return slices.Contains(LessonLinks, l) }

type Lesson struct {
	ID     string     `json:"id"`
	Title  string     `json:"title"`
	Link   LessonLink `json:"link"`
	LinkID string     `json:"link_id,omitempty"` // a requirement id, or a pledge id for pledge and delivery
	// What happened, what was learned, and what the group should do.
	WhatHappened   string       `json:"what_happened"`
	WhatLearned    string       `json:"what_learned"`
	Recommendation string       `json:"recommendation"`
	Status         LessonStatus `json:"status"`
	OwnerUserID    string       `json:"owner_user_id,omitempty"` // who carries the recommendation
	ReviewOn       Date         `json:"review_on"`
	TLP            TLP          `json:"tlp"`
	AuthorOrgID    string       `json:"author_org_id"`
	CreatedBy      string       `json:"created_by"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`

	NamedUserIDs []string `json:"named_user_ids,omitempty"`
}

// DueForReview reports whether the group should look at the lesson again by today.
func (l Lesson) DueForReview(today Date) bool {
	return l.Status.Open() && !l.ReviewOn.IsZero() && !today.Before(l.ReviewOn)
}

// LessonFilter selects lessons in the store: by status, by the record they
// are about (only those whose record the viewer sees, as a lesson about a
// hidden record does not name it), and, when DueBy is set, the open ones
// whose review date is on or before it.
type LessonFilter struct {
	Status LessonStatus
	LinkID string
	DueBy  Date
}
