package postal_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/postal/postsim"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// The end-to-end story (a shipment created from the dossier page, tracked
// through webhooks onto three pages) is in server/postal_test.go; these
// tests pin the parts: the API client against the simulator, the webhook's
// signature, and addresses on the unit tree.

func order(code string) postal.WireOrder {
	return postal.WireOrder{OrderCode: code, ServiceCode: "EMS", SenderName: "UBND xã Gia Lâm", SenderAddress: "xã Gia Lâm",
		ReceiverName: "Nguyễn Văn An", ReceiverPhone: "0912345678", ReceiverAddress: "Thôn Tân Lập, xã Gia Lâm", ItemName: postal.ItemName}
}

func TestClientAgainstSimulator(t *testing.T) {
	ctx := context.Background()
	sim := postsim.New(postsim.Config{Token: "dung", Secret: "s"})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := postal.NewClient(postal.ClientConfig{URL: srv.URL, Token: "dung"})
	if err != nil {
		t.Fatal(err)
	}

	first, err := c.Create(ctx, order("MC-1"))
	if err != nil || !postal.ValidS10(first.ItemCode) || first.StatusCode != "CREATED" {
		t.Fatalf("create: %+v, %v", first, err)
	}
	again, err := c.Create(ctx, order("MC-1"))
	if err != nil || again.ItemCode != first.ItemCode || len(sim.Shipments()) != 1 {
		t.Fatalf("the same order code twice: %q then %q, %d orders", first.ItemCode, again.ItemCode, len(sim.Shipments()))
	}
	st, err := c.Status(ctx, first.ItemCode)
	if err != nil || st.OrderCode != "MC-1" || len(st.Events) != 1 || st.Events[0].StatusCode != "CREATED" {
		t.Fatalf("status: %+v, %v", st, err)
	}
	if err := c.Cancel(ctx, first.ItemCode); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if st, _ := c.Status(ctx, first.ItemCode); st.StatusCode != "CANCELLED" {
		t.Fatalf("after cancel: %s", st.StatusCode)
	}

	bad := order("MC-2")
	bad.ReceiverPhone = ""
	var pe *problem.Error
	if _, err := c.Create(ctx, bad); !errors.As(err, &pe) || pe.Code != "postal_rejected" || !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("an order the post refuses: %v", err)
	}
	if _, err := c.Status(ctx, "EB999999990VN"); !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("status of an unknown item: %v", err)
	}
	wrong, _ := postal.NewClient(postal.ClientConfig{URL: srv.URL, Token: "sai"})
	if _, err := wrong.Create(ctx, order("MC-3")); !errors.As(err, &pe) || pe.Code != "postal_unavailable" {
		t.Fatalf("a wrong token: %v", err)
	}
	srv.Close()
	if _, err := c.Create(ctx, order("MC-4")); !errors.As(err, &pe) || pe.Code != "postal_unavailable" {
		t.Fatalf("the post down: %v", err)
	}
	for _, u := range []string{"", "ftp://post.example", "post.example"} {
		if _, err := postal.NewClient(postal.ClientConfig{URL: u}); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
}

// TestWebhookSignature: nothing is read from a body whose signature does
// not verify, and with no secret configured nothing verifies.
func TestWebhookSignature(t *testing.T) {
	body := []byte(`{"ItemCode":"EB100000017VN","StatusCode":"DELIVERED","StatusDate":"2026-03-02T09:00:00+07:00"}`)
	svc := postal.NewService(nil, nil, nil, postal.Config{WebhookSecret: "bi-mat"})
	for _, c := range []struct{ name, sig string }{
		{"none", ""},
		{"another key", postal.Sign([]byte("khac"), body)},
		{"hex without its prefix", postal.Sign([]byte("bi-mat"), body)[len("sha256="):]},
		{"another body", postal.Sign([]byte("bi-mat"), append(body, ' '))},
	} {
		if _, err := svc.Webhook(context.Background(), body, c.sig); !errors.Is(err, problem.ErrUnauthorized) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	open := postal.NewService(nil, nil, nil, postal.Config{})
	if _, err := open.Webhook(context.Background(), body, postal.Sign(nil, body)); !errors.Is(err, problem.ErrUnauthorized) {
		t.Errorf("no secret configured: %v", err)
	}
}

func demoUnits(t *testing.T, db *store.DB) *unit.Store {
	t.Helper()
	units := unit.NewStore(db, nil)
	au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: units})
	if _, err := demo.Load(context.Background(), db, units, au); err != nil {
		t.Fatal(err)
	}
	return units
}

func TestAddresses(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		units := demoUnits(t, db)
		svc := postal.NewService(db, nil, units, postal.Config{Now: func() time.Time { return time.Unix(0, 0) }})
		// Bodies that are not places: a land registration branch at province
		// level and a commune's service centre are never an address.
		const branchCode, centreCode = "001.01.20.H40", "001.04.07.H40"
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := units.Create(ctx, tx, unit.Unit{Code: branchCode, Name: "Chi nhánh Văn phòng đăng ký đất đai", Level: unit.Province,
				Kind: unit.LandBranch}, demo.ProvinceCode); err != nil {
				return err
			}
			_, err := units.Create(ctx, tx, unit.Unit{Code: centreCode, Name: "Trung tâm Phục vụ hành chính công xã Gia Lâm", Level: unit.Commune,
				Kind: unit.Centre}, demo.GiaLamCode)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		areas, err := svc.Areas(ctx)
		if err != nil || len(areas) != 1 || areas[0].Name != "Tỉnh Ninh Bình" || len(areas[0].Districts) != 1 ||
			areas[0].Districts[0].Name != "huyện Nho Quan" || len(areas[0].Districts[0].Communes) != 27 {
			t.Fatalf("areas: %+v, %v", areas, err)
		}

		cases := []struct {
			name string
			in   postal.Address
			line string
			bad  []string // fields with a problem
		}{
			{"complete", postal.Address{ProvinceCode: demo.ProvinceCode, CommuneCode: demo.GiaLamCode, Detail: "  Thôn  Tân Lập "},
				"Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình", nil},
			{"nothing chosen", postal.Address{}, "", []string{postal.FieldProvince, postal.FieldCommune, postal.FieldDetail}},
			{"a district for a commune", postal.Address{ProvinceCode: demo.ProvinceCode, CommuneCode: demo.DistrictCode, Detail: "x"}, "", []string{postal.FieldCommune}},
			{"a commune for a province", postal.Address{ProvinceCode: demo.GiaLamCode, CommuneCode: demo.GiaLamCode, Detail: "x"}, "", []string{postal.FieldProvince}},
			{"an unknown code", postal.Address{ProvinceCode: demo.ProvinceCode, CommuneCode: "999.99.99.H99", Detail: "x"}, "", []string{postal.FieldCommune}},
			{"a service centre for a commune", postal.Address{ProvinceCode: demo.ProvinceCode, CommuneCode: centreCode, Detail: "x"}, "", []string{postal.FieldCommune}},
			{"a land branch for a province", postal.Address{ProvinceCode: branchCode, CommuneCode: demo.GiaLamCode, Detail: "x"}, "", []string{postal.FieldProvince}},
		}
		for _, c := range cases {
			got, probs, err := svc.Problems(ctx, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(probs) != len(c.bad) {
				t.Errorf("%s: problems %v, want %v", c.name, probs, c.bad)
			}
			for _, f := range c.bad {
				if probs[f] == nil {
					t.Errorf("%s: no problem at %s", c.name, f)
				}
			}
			if c.line != "" && got.Line() != c.line {
				t.Errorf("%s: line %q, want %q", c.name, got.Line(), c.line)
			}
		}

		for _, c := range []struct{ text, commune, detail string }{
			{"Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình", demo.GiaLamCode, "Thôn Tân Lập"},
			{"Xóm 3, Xa Gia Tuong", "000.05.07.H40", "Xóm 3"},
			{"Số 5 phố Huế, Hà Nội", "", "Số 5 phố Huế, Hà Nội"},
		} {
			got, err := svc.Guess(ctx, c.text)
			if err != nil || got.CommuneCode != c.commune || got.Detail != c.detail || (c.commune != "" && got.ProvinceCode != demo.ProvinceCode) {
				t.Errorf("Guess(%q) = %+v, %v", c.text, got, err)
			}
		}
	})
}
