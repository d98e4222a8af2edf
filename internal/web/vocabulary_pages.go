package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
)

type vocabularyData struct {
	Categories []model.Category
}

// vocabularyPage describes the custom IATI sector vocabulary of the cyber
// categories: IATI exports declare this page as the vocabulary's URI, so
// that whoever reads a published file can look the codes up.
func (s *Server) vocabularyPage(w http.ResponseWriter, r *http.Request) error {
	return s.show(w, r, http.StatusOK, "iati_vocabulary", "", "vocabulary.title", vocabularyData{Categories: model.Categories})
}
