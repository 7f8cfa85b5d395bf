package portal

import "github.com/motcua/motcua/web"

// Register adds the citizens' pages to mux.
func (p *Portal) Register(mux web.Mux) {
	h := p.web.Wrap
	mux.HandleFunc("GET /{$}", h(p.home))
	mux.HandleFunc("GET /thu-tuc/{code}", h(p.procedure))
	mux.HandleFunc("GET /thu-tuc/{code}/mau/{key}", h(p.formTemplate))
	mux.HandleFunc("GET /tra-cuu", h(p.trackForm))
	mux.HandleFunc("GET /tra-cuu/{code}", h(p.track))
	mux.HandleFunc("GET /xac-thuc", h(p.verifyForm))
	mux.HandleFunc("POST /xac-thuc", h(p.verifyUpload))

	// Online submission: every step is a plain form post that saves the draft.
	mux.HandleFunc("GET /nop-ho-so/{code}", h(p.wizardStart))
	mux.HandleFunc("POST /nop-ho-so/{code}", h(p.wizardCreate))
	mux.HandleFunc("POST /nop-ho-so/{code}/dan-cu", h(p.populationFillNew))
	mux.HandleFunc("GET /nop-ho-so/{code}/{draft}", h(p.wizardResume))
	mux.HandleFunc("GET /nop-ho-so/{code}/{draft}/nguoi-nop", h(p.stepApplicant))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/nguoi-nop", h(p.saveApplicant))
	mux.HandleFunc("GET /nop-ho-so/{code}/{draft}/to-khai", h(p.stepForm))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/to-khai", h(p.saveForm))
	mux.HandleFunc("GET /nop-ho-so/{code}/{draft}/tai-lieu", h(p.stepFiles))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/tai-lieu", h(p.filesDone))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/tai-lieu/{component}", h(p.draftUpload))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/tai-lieu/{component}/xoa", h(p.draftRemoveFile))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/tai-lieu/{component}/kho", h(p.draftPick))
	mux.HandleFunc("GET /nop-ho-so/{code}/{draft}/tep/{sha}", h(p.draftFile))
	mux.HandleFunc("GET /nop-ho-so/{code}/{draft}/xem-lai", h(p.stepReview))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/nop", h(p.submitDraft))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/xoa", h(p.deleteDraft))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/dan-cu", h(p.populationFill))
	mux.HandleFunc("POST /nop-ho-so/{code}/{draft}/dat-dai", h(p.landFill))

	// The applicant's dossiers.
	mux.HandleFunc("GET /ho-so-cua-toi", h(p.mine))
	mux.HandleFunc("GET /ho-so/{code}", h(p.dossierPage))
	mux.HandleFunc("GET /ho-so/{code}/bien-nhan", h(p.receipt))
	mux.HandleFunc("GET /ho-so/{code}/tep/{id}", h(p.dossierFile))
	mux.HandleFunc("POST /ho-so/{code}/tai-lieu/{component}", h(p.supplementUpload))
	mux.HandleFunc("POST /ho-so/{code}/bo-sung", h(p.supplementDone))
	mux.HandleFunc("GET /ho-so/{code}/rut", h(p.withdrawConfirm))
	mux.HandleFunc("POST /ho-so/{code}/rut", h(p.withdraw))
	mux.HandleFunc("GET /ho-so/{code}/danh-gia", h(p.rateForm))
	mux.HandleFunc("POST /ho-so/{code}/danh-gia", h(p.rate))

	// Fees: what a dossier owes, payment through the gateway, the e-receipt.
	mux.HandleFunc("GET /ho-so/{code}/thanh-toan", h(p.payPage))
	mux.HandleFunc("POST /ho-so/{code}/thanh-toan", h(p.startPay))
	mux.HandleFunc("GET /ho-so/{code}/bien-lai/{ref}", h(p.feeReceipt))
	mux.HandleFunc("GET /thanh-toan/ket-qua", h(p.payReturn))

	// The personal data store (package sohoa): papers reused instead of uploads.
	mux.HandleFunc("GET /kho-du-lieu", h(p.dataStore))
	mux.HandleFunc("POST /kho-du-lieu/dung-lai", h(p.reuseFromStore))

	// Notices (package notify) and how the account wants them.
	mux.HandleFunc("GET /thong-bao", h(p.notices))
	mux.HandleFunc("GET /tai-khoan/thong-bao", h(p.notifyPrefs))
	mux.HandleFunc("POST /tai-khoan/thong-bao", h(p.saveNotifyPrefs))
	mux.HandleFunc("GET /tai-khoan/du-lieu-da-tra-cuu", h(p.lookedUp))

	// Personal data (package mydata, Law 91/2025): the download, the
	// consents, who read or changed each dossier.
	mux.HandleFunc("GET /tai-khoan/du-lieu", h(p.myData))
	mux.HandleFunc("GET /tai-khoan/du-lieu/tai-ve", h(p.myDataDownload))
	mux.HandleFunc("POST /tai-khoan/du-lieu/rut-dong-y", h(p.withdrawConsent))
	mux.HandleFunc("POST /tai-khoan/du-lieu/dong-y", h(p.giveConsent))
	mux.HandleFunc("GET /ho-so/{code}/truy-cap", h(p.accesses))
}
