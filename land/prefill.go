package land

import "slices"

// agricultural are the codes of the agricultural group (Uses): the uses
// a change of use (1.013949) changes from.
var agricultural = []string{"LUC", "LUK", "HNK", "CLN", "RDD", "RPH", "RSX", "NTS", "CNT", "LMU", "NKH"}

// Prefill are the e-form values the registry knows of parcel p, for the
// land procedures' forms (catalog/procedures/<code>.json): the sheet and
// number, the valid certificate's serial, the address, the area in m²,
// the current use as 1.013949's option names it (its first agricultural
// use that has an option), and user as the land user (the requester of
// a certificate, the transferring party of a transfer). A form takes the
// keys it has; a select only a value among its options.
func Prefill(p *Parcel, user Holder) map[string]string {
	m := map[string]string{"so_to_ban_do": p.Sheet, "so_thua": p.Number}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("dia_chi_thua_dat", p.Address)
	if p.AreaDM2 > 0 {
		m["dien_tich"] = FormatArea(p.AreaDM2)
	}
	for _, c := range p.Certificates {
		if c.Status == "valid" {
			m["so_phat_hanh_gcn"] = c.Serial
		}
	}
	for _, u := range p.LandUse {
		if u == "LUC" {
			u = "LUK" // the form has one option for rice land
		}
		if !slices.Contains(agricultural, u) {
			continue
		}
		if label := useLabel(u); label != "" {
			m["muc_dich_hien_tai"] = label
			break
		}
	}
	set("ho_ten_nguoi_su_dung_dat", user.Name)
	set("ben_chuyen_quyen", user.Name)
	set("so_dinh_danh", user.IDNumber)
	return m
}

// useLabel is the option label of the shipped forms for a use code.
func useLabel(code string) string {
	for label, c := range useByLabel {
		if c == code {
			return label
		}
	}
	return ""
}

// Holder is p's current user with idNumber (the zero Holder when none).
func (p *Parcel) Holder(idNumber string) Holder {
	for _, h := range p.Holders {
		if h.IDNumber == idNumber && idNumber != "" {
			return h
		}
	}
	return Holder{}
}
