package portal

import (
	"net/http"

	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/web"
)

// noticesPage is "Thông báo": the account's in-app notices (package
// notify), newest first. Opening the page marks them read.
type noticesPage struct {
	web.Page
	Notices []notify.Notice
	Unread  int
}

func (s *Portal) notices(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	list, unread, err := s.notify.Notices(r.Context(), a.ID, 100)
	if err != nil {
		return err
	}
	if err := s.render(w, http.StatusOK, "notices", noticesPage{Page: s.web.Page(r, "portal.notices.title"), Notices: list, Unread: unread}); err != nil {
		return err
	}
	// Read once shown: this view still marks what was new.
	return s.notify.MarkRead(r.Context(), a.ID)
}

// prefsPage is where an account chooses how it is notified.
type prefsPage struct {
	web.Page
	Prefs        notify.Prefs
	Email, Phone string
	Saved        bool
}

func (s *Portal) notifyPrefs(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	p, err := s.notify.Prefs(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "notify_prefs", prefsPage{Page: s.web.Page(r, "portal.prefs.title"), Prefs: p,
		Email: a.Email, Phone: a.Phone, Saved: r.URL.Query().Get("da") == "luu"})
}

func (s *Portal) saveNotifyPrefs(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	p := notify.Prefs{Email: r.PostFormValue("email") == "1", SMS: r.PostFormValue("sms") == "1", Lang: r.PostFormValue("lang")}
	if err := s.notify.SetPrefs(r.Context(), a.ID, p); err != nil {
		return err
	}
	http.Redirect(w, r, "/tai-khoan/thong-bao?da=luu", http.StatusSeeOther)
	return nil
}
