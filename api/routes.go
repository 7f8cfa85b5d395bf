package api

import (
	"net/http"

	"github.com/motcua/motcua/web"
)

// Routes lists every API route; the OpenAPI document must describe each
// (a test checks it).
func (s *Server) Routes() []Route {
	return []Route{
		{"GET /api/v1/openapi.json", s.openapi},
		{"GET /api/v1/units", s.listUnits},
		{"GET /api/v1/procedures", s.searchProcedures},
		{"GET /api/v1/procedures/{code}", s.getProcedure},
		{"PUT /api/v1/procedures/{code}", s.putProcedure},
		{"POST /api/v1/procedures/{code}/fees/confirm", s.confirmFees},
		{"GET /api/v1/calendar/holidays/{year}", s.holidays},
		{"GET /api/v1/calendar/announcements", s.listAnnouncements},
		{"POST /api/v1/calendar/announcements", s.addAnnouncement},
		{"DELETE /api/v1/calendar/announcements/{date}", s.withdrawAnnouncement},
		{"GET /api/v1/calendar/lateness-rule", s.getLatenessRule},
		{"PUT /api/v1/calendar/lateness-rule", s.putLatenessRule},
		{"POST /api/v1/auth/token", s.createToken},
		{tokenRoute, s.oauthToken},
		{"DELETE /api/v1/auth/token", s.revokeToken},
		{"POST /api/v1/auth/password", s.changePassword},
		{"POST /api/v1/auth/recovery", s.requestRecovery},
		{"POST /api/v1/auth/recovery/password", s.recoverPassword},
		{"GET /api/v1/me", s.me},
		{"POST /api/v1/dossiers", s.submitDossier},
		{"GET /api/v1/dossiers", s.listDossiers},
		{"GET /api/v1/dossiers/{code}", s.getDossier},
		{"POST /api/v1/dossiers/{code}/actions/{action}", s.act},
		{"GET /api/v1/dossiers/{code}/pauses", s.pauses},
		{"GET /api/v1/dossiers/{code}/consultations", s.consultations},
		{"GET /api/v1/partner-agencies", s.listPartnerAgencies},
		{"POST /api/v1/partner-agencies", s.addPartnerAgency},
		{"PUT /api/v1/partner-agencies/{id}", s.putPartnerAgency},
		{"POST /api/v1/dossiers/{code}/components/{component}/files", s.upload},
		// The upload's first path, kept for clients generated from the first
		// document: its template is the download's, so it is documented there.
		{"POST /api/v1/dossiers/{code}/files/{id}", s.uploadLegacy},
		{"GET /api/v1/dossiers/{code}/files/{id}", s.download},
		{"POST /api/v1/dossiers/{code}/files/{id}/digitise", s.digitise},
		{"GET /api/v1/dossiers/{code}/digitised", s.dossierPapers},
		{"POST /api/v1/dossiers/{code}/reuse", s.reusePaper},
		{"GET /api/v1/digitised", s.searchPapers},
		{"GET /api/v1/me/data-store", s.myDataStore},
		{"GET /api/v1/me/data-export", s.myDataExport},
		{"GET /api/v1/me/consents", s.myConsents},
		{"POST /api/v1/me/consents/{purpose}/{id}/withdrawal", s.withdrawConsent},
		{"GET /api/v1/dossiers/{code}/accesses", s.dossierAccesses},
		{"GET /api/v1/dossiers/{code}/archive", s.dossierArchive},
		{"POST /api/v1/dossiers/{code}/rating", s.rateDossier},
		{"GET /api/v1/ratings", s.ratingSummary},
		{"GET /api/v1/audit", s.listAudit},
		{"GET /api/v1/dossiers/{code}/forms/{form}", s.dossierForm},
		{"GET /api/v1/dossiers/{code}/result.pdf", s.dossierResult},
		{"GET /api/v1/units/{code}/tracking-book", s.trackingBook},
		{"GET /api/v1/dossiers/{code}/payments", s.dossierFees},
		{"POST /api/v1/dossiers/{code}/payments", s.startPayment},
		{"POST /api/v1/dossiers/{code}/payment-requests", s.requestPayment},
		{"GET /api/v1/payments/vnpay/ipn", s.vnpayIPN},
		{"GET /api/v1/payments/{ref}", s.getPayment},
		{"POST /api/v1/payments/{ref}/refund", s.refundPayment},
		{"POST /api/v1/payments/{ref}/desk", s.deskPayment},
		{"GET /api/v1/track/{code}", s.track},
		{"GET /api/v1/postal/areas", s.postalAreas},
		{"GET /api/v1/dossiers/{code}/postal-address", s.getPostalAddress},
		{"PUT /api/v1/dossiers/{code}/postal-address", s.putPostalAddress},
		{"POST /api/v1/dossiers/{code}/shipment", s.createShipment},
		{"GET /api/v1/dossiers/{code}/shipment", s.getShipment},
		{"POST /api/v1/dossiers/{code}/shipment/refresh", s.refreshShipment},
		{"GET /api/v1/track/{code}/shipment", s.trackShipment},
		{"POST /api/v1/postal/webhook", s.postalWebhook},
		{"POST /api/v1/verify", s.verify},
		{"GET /api/v1/reports/ii06a", s.ii06a},
		{"GET /api/v1/reports/766", s.scorecard},
		{"GET /api/v1/reports/766/{indicator}/dossiers", s.scoreDossiers},
		{"GET /api/v1/reports/processing", s.processing},
		{"GET /api/v1/open/units/{unit}/stats", s.openUnitStats},
		{"GET /api/v1/open/procedures", s.openProcedures},
		{"GET /api/v1/events", s.listEvents},
		{"POST /api/v1/webhooks", s.createWebhook},
		{"GET /api/v1/webhooks", s.listWebhooks},
		{"GET /api/v1/webhooks/{id}", s.getWebhook},
		{"DELETE /api/v1/webhooks/{id}", s.deleteWebhook},
		{"POST /api/v1/webhooks/{id}/rotate-secret", s.rotateWebhookSecret},
		{"POST /api/v1/webhooks/{id}/replay", s.replayWebhook},
		{"GET /api/v1/documents", s.listDocuments},
		{"POST /api/v1/documents/incoming", s.registerIncomingDocument},
		{"POST /api/v1/documents/drafts", s.createDocumentDraft},
		{"GET /api/v1/documents/{id}", s.getDocument},
		{"GET /api/v1/documents/{id}/files/{file}", s.downloadDocumentFile},
		{"GET /api/v1/documents/{id}/edxml", s.getDocumentEdXML},
		{"POST /api/v1/documents/{id}/versions", s.addDocumentVersion},
		{"POST /api/v1/documents/{id}/comments", s.commentOnDocument},
		{"POST /api/v1/documents/{id}/actions/{action}", s.actOnDocument},
		{"POST /api/v1/documents/{id}/approval-otp", s.sendDocumentApprovalOTP},
		{"GET /api/v1/work-files", s.listWorkFiles},
		{"POST /api/v1/work-files", s.createWorkFile},
		{"GET /api/v1/work-files/{id}", s.getWorkFile},
		{"POST /api/v1/work-files/{id}/documents", s.addToWorkFile},
		{"DELETE /api/v1/work-files/{id}/documents/{document}", s.removeFromWorkFile},
		{"POST /api/v1/work-files/{id}/actions/{action}", s.actOnWorkFile},
		{"GET /api/v1/work-files/{id}/export", s.exportWorkFile},
		{"GET /api/v1/reports/documents", s.documentsReport},
		{"GET /api/v1/civil/units/{unit}/people", s.listCivilPeople},
		{"GET /api/v1/civil/people/{code}", s.getCivilPerson},
		{"GET /api/v1/civil/units/{unit}/cycles/{year}/evaluations", s.listCivilEvaluations},
		{"GET /api/v1/land/parcels/{commune}/{sheet}/{number}", s.landParcel},
		{"GET /api/v1/land/certificates/{serial}", s.landCertificate},
		{"GET /api/v1/me/land-parcels", s.myLandParcels},
	}
}

// Route is one method+pattern and its handler.
type Route struct {
	Pattern string
	h       handler
}

// Register adds the API to mux.
func (s *Server) Register(mux web.Mux) {
	for _, rt := range s.Routes() {
		if rt.Pattern == tokenRoute {
			// Its client authenticates with HTTP Basic, not a bearer token.
			mux.Handle(rt.Pattern, s.wrap(rt.h))
			continue
		}
		mux.Handle(rt.Pattern, s.authenticate(s.clientGate(rt.Pattern, s.wrap(rt.h))))
	}
	mux.Handle("/api/", s.authenticate(s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return errNoRoute
	})))
}
