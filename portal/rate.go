package portal

import (
	"errors"
	"net/http"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/web"
)

type ratePage struct {
	web.Page
	D       *dossier.Dossier
	Scores  []string
	Score   string
	Comment string
	Max     int
	Rating  *rating.Rating
	Error   string
}

// rateForm asks the applicant how satisfied they are, once the result is
// delivered; a dossier already rated shows its rating.
func (s *Portal) rateForm(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	d, err := s.dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	page := ratePage{Page: s.web.Page(r, "portal.rate.title", d.Code), D: d, Scores: rating.Scores, Max: rating.MaxComment}
	if page.Rating, err = s.ratings.Get(r.Context(), a, d.Code); err != nil && !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	return s.render(w, http.StatusOK, "rate", page)
}

func (s *Portal) rate(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	score, comment := r.PostFormValue("score"), clip(r.PostFormValue("comment"), 4000)
	_, err = s.ratings.Rate(r.Context(), a, code, score, comment)
	var pe *problem.Error
	if errors.Is(err, problem.ErrInvalid) && errors.As(err, &pe) {
		// A missing score or a long comment: ask again, keeping the comment.
		d, gerr := s.dossiers.Get(r.Context(), a, code)
		if gerr != nil {
			return gerr
		}
		page := ratePage{Page: s.web.Page(r, "portal.rate.title", d.Code), D: d, Scores: rating.Scores, Max: rating.MaxComment,
			Score: score, Comment: comment}
		page.Error = s.explain(page.Page, pe)
		return s.render(w, http.StatusUnprocessableEntity, "rate", page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/ho-so/"+code+"?da=danh-gia", http.StatusSeeOther)
	return nil
}
