package web

import (
	"errors"
	"net/http"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// maxRequirementsUpload bounds an uploaded requirements spreadsheet with
// the form around it.
const maxRequirementsUpload = requirements.MaxImportBytes + 64<<10

func (s *Server) apiRequirementReviews(w http.ResponseWriter, r *http.Request) error {
	rv, err := s.Requirements.Reviews(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rv)
}

// reviewsRequest is several requirements' reviews, each as
// POST /api/v1/requirements/{id}/validate takes it, with the id.
type reviewsRequest struct {
	Items []requirements.ReviewItem `json:"items"`
}

// apiReviewRequirements records several reviews at once, all or nothing
// (requirements.ReviewAll), and answers the requirements after them as a
// list, in the order of the request.
func (s *Server) apiReviewRequirements(w http.ResponseWriter, r *http.Request) error {
	var in reviewsRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v := viewerOf(r)
	done, err := s.Requirements.ReviewAll(r.Context(), v, in.Items)
	if err != nil {
		return err
	}
	items := make([]requirements.View, 0, len(done))
	for _, req := range done {
		got, err := s.Requirements.Get(r.Context(), v, req.ID)
		if errors.Is(err, model.ErrNotFound) {
			// The decision took it out of the caller's sight (a RED
			// requirement that does not name them, once validated):
			// the reviews stand, and what it is now is not shown.
			continue
		}
		if err != nil {
			return err
		}
		items = append(items, got)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": nil, "total": len(items)})
}

// importProblem is the error of a refused spreadsheet, with each fault at
// its row and column.
type importProblem struct {
	apiError
	Problems []requirements.RowProblem `json:"problems"`
}

// importProblemsIn words each fault of a refused spreadsheet in l's
// language, as every other error is; its row and column stay as they are.
func importProblemsIn(l *i18n.Localizer, problems []requirements.RowProblem) []requirements.RowProblem {
	out := make([]requirements.RowProblem, len(problems))
	for i, p := range problems {
		out[i] = p
		if p.Err != nil {
			out[i].Message = sentenceOf(l, p.Err)
		}
	}
	return out
}

func (s *Server) apiImportRequirements(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequirementsUpload)
	file, header, err := r.FormFile("file")
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return model.Broken("file", "file_too_large", "the file is larger than %d MiB; split it", requirements.MaxImportBytes>>20)
		}
		return model.Invalid("file", "send the spreadsheet as the multipart part named file")
	}
	defer file.Close()
	res, err := s.Requirements.Import(r.Context(), viewerOf(r), r.FormValue("org_id"), header.Filename, file)
	var ie *requirements.ImportError
	if errors.As(err, &ie) {
		e := errorFor(err)
		e.Code, e.Field = "import_refused", "file"
		problems := importProblemsIn(s.i18n.For(r.Header.Get("Accept-Language")), ie.Problems)
		return writeJSON(w, e.Status, map[string]importProblem{"error": {apiError: e, Problems: problems}})
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, res)
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var in accounts.UserChange
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Accounts.Update(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

func accountsChange(g model.WorkingGroup) accounts.UserChange {
	return accounts.UserChange{WorkingGroup: &g}
}
