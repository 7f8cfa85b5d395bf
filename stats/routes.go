package stats

import "github.com/motcua/motcua/web"

// Register adds the statistics pages to mux.
func (s *Stats) Register(mux web.Mux) {
	mux.HandleFunc("GET /can-bo/thong-ke", s.leader(s.index))
	mux.HandleFunc("GET /can-bo/thong-ke/ii06a", s.leader(s.ii06a))
	mux.HandleFunc("GET /can-bo/thong-ke/766", s.leader(s.scorecard))
	mux.HandleFunc("GET /can-bo/thong-ke/766/{indicator}", s.leader(s.scoreDossiers))
	mux.HandleFunc("GET /can-bo/thong-ke/xu-ly", s.leader(s.processing))
	mux.HandleFunc("GET /can-bo/thong-ke/tong-quan", s.leader(s.dashboard))
	mux.HandleFunc("GET /can-bo/thong-ke/van-ban", s.leader(s.documents))
	mux.HandleFunc("GET /cong-khai", s.web.Wrap(s.publicIndex))
	mux.HandleFunc("GET /cong-khai/{unit}", s.web.Wrap(s.publicUnit))
}
