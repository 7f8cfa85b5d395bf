package office

import "github.com/motcua/motcua/web"

// Register adds the back-office pages to mux. Every one of them is for
// signed-in officers only (see officer).
func (o *Office) Register(mux web.Mux) {
	mux.HandleFunc("GET /can-bo", o.officer(o.dashboard))
	mux.HandleFunc("GET /can-bo/thong-bao", o.officer(o.notices))
	mux.HandleFunc("GET /can-bo/ho-so", o.officer(o.inbox))
	mux.HandleFunc("GET /can-bo/ho-so/{code}", o.officer(o.dossierPage))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/thao-tac/{action}", o.officer(o.act))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/tai-len/{component}", o.officer(o.upload))
	mux.HandleFunc("GET /can-bo/ho-so/{code}/tep/{id}", o.officer(o.file))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/so-hoa/{id}", o.officer(o.digitise))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/dung-lai/{component}", o.officer(o.reuse))
	mux.HandleFunc("GET /can-bo/so-hoa", o.officer(o.searchPapers))
	mux.HandleFunc("GET /can-bo/ho-so/{code}/bien-nhan", o.officer(o.receipt))
	if o.archive != nil {
		mux.HandleFunc("GET /can-bo/ho-so/{code}/luu-tru", o.officer(o.archiveCopy))
	}
	mux.HandleFunc("POST /can-bo/ho-so/{code}/van-don", o.officer(o.createShipment))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/van-don/cap-nhat", o.officer(o.refreshShipment))
	mux.HandleFunc("GET /can-bo/ho-so/{code}/thu-phi", o.officer(o.fees))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/thu-phi", o.officer(o.requestFee))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/thu-phi/{ref}/hoan-phi", o.officer(o.refundFee))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/thu-phi/{ref}/tai-quay", o.officer(o.deskFee))
	mux.HandleFunc("GET /can-bo/ho-so/{code}/bieu-mau/{form}", o.officer(o.formPDF))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/dan-cu", o.officer(o.verifyApplicant))
	mux.HandleFunc("GET /can-bo/don-vi/{unit}/so-theo-doi", o.officer(o.trackingBook))
	mux.HandleFunc("GET /can-bo/dong-bo-cong-dvc", o.officer(o.portalSync))
	mux.HandleFunc("GET /can-bo/tiep-nhan", o.officer(o.counter))
	mux.HandleFunc("GET /can-bo/tiep-nhan/{code}", o.officer(o.counterForm))
	mux.HandleFunc("POST /can-bo/tiep-nhan/{code}", o.officer(o.counterSubmit))
	mux.HandleFunc("POST /can-bo/tiep-nhan/{code}/dat-dai", o.officer(o.counterLandFill))
	o.registerWorkFiles(mux)
	if o.documents == nil {
		return
	}
	mux.HandleFunc("GET /can-bo/van-ban", o.officer(o.docQueue("mine")))
	mux.HandleFunc("GET /can-bo/van-ban/cho-duyet", o.officer(o.docQueue("approve")))
	mux.HandleFunc("GET /can-bo/van-ban-den", o.officer(o.listDocuments("in")))
	mux.HandleFunc("GET /can-bo/van-ban-di", o.officer(o.listDocuments("out")))
	mux.HandleFunc("GET /can-bo/van-ban/in-so", o.officer(o.printRegister))
	mux.HandleFunc("GET /can-bo/van-ban/in-so/pdf", o.officer(o.printRegisterPDF))
	mux.HandleFunc("GET /can-bo/van-ban-den/vao-so", o.officer(o.incomingForm))
	mux.HandleFunc("POST /can-bo/van-ban-den/vao-so", o.officer(o.registerIncoming))
	mux.HandleFunc("GET /can-bo/van-ban/du-thao-moi", o.officer(o.draftForm))
	mux.HandleFunc("POST /can-bo/van-ban/du-thao-moi", o.officer(o.createDraft))
	mux.HandleFunc("GET /can-bo/van-ban/{id}", o.officer(o.documentPage))
	mux.HandleFunc("POST /can-bo/van-ban/{id}/thao-tac/{action}", o.officer(o.docAct))
	mux.HandleFunc("POST /can-bo/van-ban/{id}/otp", o.officer(o.docApprovalOTP))
	mux.HandleFunc("GET /can-bo/van-ban/{id}/tep/{file}", o.officer(o.docFile))
}
