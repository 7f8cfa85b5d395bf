package admin

import "github.com/motcua/motcua/web"

// Register adds the admin pages to mux.
func (o *Admin) Register(mux web.Mux) {
	h := o.web.Wrap
	mux.HandleFunc("GET /quan-tri", h(o.home))

	mux.HandleFunc("GET /quan-tri/don-vi", h(o.unitTree))
	mux.HandleFunc("GET /quan-tri/don-vi/{code}", h(o.unitPage))
	mux.HandleFunc("POST /quan-tri/don-vi/{code}/them", h(o.addChild))
	mux.HandleFunc("POST /quan-tri/don-vi/{code}/phong-ban", h(o.addDepartment))
	mux.HandleFunc("POST /quan-tri/don-vi/{code}/doi-ten", h(o.rename))
	mux.HandleFunc("POST /quan-tri/don-vi/{code}/sap-nhap", h(o.merge))
	mux.HandleFunc("POST /quan-tri/don-vi/{code}/xac-thuc-2-lop", h(o.setTOTPPolicy))
	mux.HandleFunc("POST /quan-tri/don-vi/{code}/han-bo-sung", h(o.setSupplementDays))

	mux.HandleFunc("GET /quan-tri/sap-xep", h(o.plans))
	mux.HandleFunc("POST /quan-tri/sap-xep", h(o.dryRun))
	mux.HandleFunc("POST /quan-tri/sap-xep/ap-dung", h(o.apply))
	mux.HandleFunc("GET /quan-tri/sap-xep/{id}", h(o.planPage))
	mux.HandleFunc("POST /quan-tri/sap-xep/{id}/huy", h(o.revert))

	mux.HandleFunc("GET /quan-tri/nguoi-dung", h(o.users))
	mux.HandleFunc("POST /quan-tri/nguoi-dung", h(o.createOfficer))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/vai-tro", h(o.grant))
	mux.HandleFunc("GET /quan-tri/nguoi-dung/{username}", h(o.userPage))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{username}/thu-hoi", h(o.revoke))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{username}/trang-thai", h(o.setDisabled))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{username}/mat-khau", h(o.resetPassword))
	mux.HandleFunc("POST /quan-tri/nguoi-dung/{username}/xac-thuc-2-lop", h(o.clearTOTP))

	mux.HandleFunc("GET /quan-tri/he-thong-ket-noi", h(o.clientsPage))
	mux.HandleFunc("POST /quan-tri/he-thong-ket-noi", h(o.addClient))
	mux.HandleFunc("POST /quan-tri/he-thong-ket-noi/{id}/khoa-moi", h(o.rotateClient))
	mux.HandleFunc("POST /quan-tri/he-thong-ket-noi/{id}/thu-hoi", h(o.revokeClient))

	mux.HandleFunc("GET /quan-tri/cong-dan", h(o.citizens))
	mux.HandleFunc("POST /quan-tri/cong-dan/{username}/trang-thai", h(o.setCitizenDisabled))
	mux.HandleFunc("POST /quan-tri/cong-dan/{username}/mat-khau", h(o.resetCitizenPassword))

	mux.HandleFunc("GET /quan-tri/thu-tuc", h(o.procedures))
	mux.HandleFunc("GET /quan-tri/thu-tuc/{code}", h(o.procedurePage))
	mux.HandleFunc("POST /quan-tri/thu-tuc/{code}", h(o.editProcedure))
	mux.HandleFunc("GET /quan-tri/thu-tuc/{code}/phien-ban", h(o.versions))
	mux.HandleFunc("POST /quan-tri/thu-tuc/{code}/muc-thu", h(o.confirmFees))

	mux.HandleFunc("GET /quan-tri/lich", h(o.calendarPage))
	mux.HandleFunc("POST /quan-tri/lich", h(o.addAnnouncement))
	mux.HandleFunc("POST /quan-tri/lich/{date}/thu-hoi", h(o.withdrawAnnouncement))
	mux.HandleFunc("POST /quan-tri/lich/thoi-diem-het-han", h(o.setLatenessRule))

	mux.HandleFunc("GET /quan-tri/co-quan-phoi-hop", h(o.partnersPage))
	mux.HandleFunc("POST /quan-tri/co-quan-phoi-hop", h(o.savePartner))
	mux.HandleFunc("POST /quan-tri/co-quan-phoi-hop/{id}", h(o.savePartner))

	mux.HandleFunc("GET /quan-tri/webhook", h(o.webhooksPage))
	mux.HandleFunc("POST /quan-tri/webhook", h(o.addWebhook))
	mux.HandleFunc("POST /quan-tri/webhook/{id}/gui-lai", h(o.replayWebhook))
	mux.HandleFunc("POST /quan-tri/webhook/{id}/ngung", h(o.stopWebhook))

	// Supervisors', not admins': the log's search checks the role.
	mux.HandleFunc("GET /quan-tri/nhat-ky", h(o.auditLog))

	// Any officer's own second factor, not only admins'.
	mux.HandleFunc("GET /tai-khoan/xac-thuc-2-lop", h(o.totpPage))
	mux.HandleFunc("POST /tai-khoan/xac-thuc-2-lop", h(o.totpPost))
}
