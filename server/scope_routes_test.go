package server_test

import (
	"net/url"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
)

// scopeRoutes says, for every route the app registers, who may use it in
// terms of the scope table (auth.Scopes) and how TestScopeMatrix builds a
// request for it. A new route must get a row here.
var scopeRoutes = map[string]scopeRoute{
	// The JSON API.
	"/api/":                                        {skip: "the catch-all answers 404 no_route to everyone"},
	"GET /api/v1/openapi.json":                     {who: public, path: fixed("/api/v1/openapi.json")},
	"GET /api/v1/units":                            {who: public, path: fixed("/api/v1/units")},
	"GET /api/v1/procedures":                       {who: public, path: fixed("/api/v1/procedures")},
	"GET /api/v1/procedures/{code}":                {who: public, path: fixed("/api/v1/procedures/1.001193")},
	"PUT /api/v1/procedures/{code}":                {who: scoped, right: auth.EditProcedure, targets: province, path: fixed("/api/v1/procedures/1.001193"), json: map[string]any{"code": "1.001193"}},
	"POST /api/v1/procedures/{code}/fees/confirm":  {who: scoped, right: auth.EditProcedure, targets: province, path: fixed("/api/v1/procedures/1.001193/fees/confirm"), json: map[string]any{"amounts": map[string]any{}}},
	"GET /api/v1/calendar/holidays/{year}":         {who: public, path: fixed("/api/v1/calendar/holidays/2026")},
	"GET /api/v1/calendar/announcements":           {who: public, path: fixed("/api/v1/calendar/announcements")},
	"POST /api/v1/calendar/announcements":          {who: scoped, right: auth.Announce, targets: province, path: fixed("/api/v1/calendar/announcements"), json: map[string]any{"date": "2026-03-07", "kind": "nope", "name": "x"}},
	"DELETE /api/v1/calendar/announcements/{date}": {who: scoped, right: auth.Announce, targets: province, path: fixed("/api/v1/calendar/announcements/not-a-date")},
	"GET /api/v1/calendar/lateness-rule":           {who: public, path: fixed("/api/v1/calendar/lateness-rule")},
	"PUT /api/v1/calendar/lateness-rule":           {who: scoped, right: auth.Announce, targets: province, path: fixed("/api/v1/calendar/lateness-rule"), json: map[string]any{"province": demo.ProvinceCode, "due_end_of_day": false}},
	"POST /api/v1/auth/token":                      {who: public, path: fixed("/api/v1/auth/token"), json: map[string]any{"username": "m.nguoila", "password": demo.Password}},
	"POST /api/v1/oauth/token":                     {who: public, path: fixed("/api/v1/oauth/token"), form: url.Values{"grant_type": {"password"}}},
	"DELETE /api/v1/auth/token":                    {skip: "ends the caller's own session: the auth tests cover it"},
	"GET /api/v1/audit":                            {who: supervisors, path: fixed("/api/v1/audit")},
	"POST /api/v1/auth/password":                   {who: account, path: fixed("/api/v1/auth/password"), json: map[string]any{}},
	"POST /api/v1/auth/recovery":                   {who: public, once: true, path: fixed("/api/v1/auth/recovery"), json: map[string]any{"who": "khong-co-ai"}},
	"POST /api/v1/auth/recovery/password":          {who: public, path: fixed("/api/v1/auth/recovery/password"), json: map[string]any{"token": "khong-hop-le", "password": "x"}},
	"GET /api/v1/me":                               {who: account, path: fixed("/api/v1/me")},
	"POST /api/v1/dossiers": {who: scoped, right: auth.FileDossier, citizens: true, path: fixed("/api/v1/dossiers"), jsonAt: func(tg *scopeTarget) any {
		return map[string]any{"procedure": tg.procedure, "unit": tg.unit, "applicant": map[string]any{}}
	}},
	"GET /api/v1/dossiers":                          {who: account, path: fixed("/api/v1/dossiers")},
	"GET /api/v1/dossiers/{code}":                   {who: scoped, right: auth.ReadDossier, path: apiDossier("")},
	"POST /api/v1/dossiers/{code}/actions/{action}": {who: scoped, right: auth.ReadDossier, path: apiDossier("/actions/refuse"), json: map[string]any{}},
	"GET /api/v1/dossiers/{code}/pauses":            {who: scoped, right: auth.ReadDossier, path: apiDossier("/pauses")},
	"GET /api/v1/dossiers/{code}/consultations":     {who: scoped, right: auth.ReadDossier, path: apiDossier("/consultations")},
	"GET /api/v1/partner-agencies":                  {who: officers, path: fixed("/api/v1/partner-agencies")},
	"POST /api/v1/partner-agencies": {who: scoped, right: auth.ManageUnits, targets: province, path: fixed("/api/v1/partner-agencies"),
		json: map[string]any{"province": demo.ProvinceCode, "name": ""}},
	"PUT /api/v1/partner-agencies/{id}": {who: scoped, right: auth.ManageUnits, targets: province, path: fixed("/api/v1/partner-agencies/1"),
		json: map[string]any{"province": demo.ProvinceCode, "name": ""}},
	"POST /api/v1/dossiers/{code}/components/{component}/files": {who: scoped, right: auth.ReadDossier, only: desk, path: func(tg *scopeTarget) string {
		return "/api/v1/dossiers/" + tg.dossier + "/components/" + tg.component + "/files?name=x.pdf"
	}},
	"POST /api/v1/dossiers/{code}/files/{id}": {who: scoped, right: auth.ReadDossier, only: desk, path: func(tg *scopeTarget) string {
		return "/api/v1/dossiers/" + tg.dossier + "/files/" + tg.component + "?name=x.pdf"
	}},
	"GET /api/v1/dossiers/{code}/files/{id}": {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string {
		return "/api/v1/dossiers/" + tg.dossier + "/files/" + strconv.FormatInt(tg.file, 10)
	}},
	"POST /api/v1/dossiers/{code}/files/{id}/digitise": {who: scoped, right: auth.ReadDossier, only: desk, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/dossiers/" + tg.dossier + "/files/" + strconv.FormatInt(tg.file, 10) + "/digitise"
	}},
	"GET /api/v1/dossiers/{code}/digitised": {who: scoped, right: auth.ReadDossier, path: apiDossier("/digitised")},
	"POST /api/v1/dossiers/{code}/reuse": {who: scoped, right: auth.ReadDossier, only: desk, path: apiDossier("/reuse"),
		json: map[string]any{"paper": "TP.khong-co", "component": "x"}, absent: []string{"paper_not_found"}},
	"GET /api/v1/digitised":                              {who: account, path: fixed("/api/v1/digitised?q=TP")},
	"GET /api/v1/me/data-store":                          {who: account, path: fixed("/api/v1/me/data-store")},
	"GET /api/v1/me/data-export":                         {who: citizens, path: fixed("/api/v1/me/data-export")},
	"GET /api/v1/me/consents":                            {who: citizens, path: fixed("/api/v1/me/consents")},
	"POST /api/v1/me/consents/{purpose}/{id}/withdrawal": {who: citizens, path: fixed("/api/v1/me/consents/notify_sms/0/withdrawal")},
	"GET /api/v1/dossiers/{code}/accesses":               {who: applicant, path: apiDossier("/accesses")},
	"GET /api/v1/dossiers/{code}/archive":                {who: scoped, right: auth.ReadDossier, noCitizens: true, path: apiDossier("/archive")},
	"POST /api/v1/dossiers/{code}/rating":                {who: applicant, path: apiDossier("/rating"), json: map[string]any{"score": "nope"}},
	"GET /api/v1/ratings":                                {who: officers, path: fixed("/api/v1/ratings")},
	"GET /api/v1/dossiers/{code}/forms/{form}":           {who: scoped, right: auth.ReadDossier, path: apiDossier("/forms/01")},
	"GET /api/v1/dossiers/{code}/result.pdf":             {who: scoped, right: auth.ReadDossier, path: apiDossier("/result.pdf"), absent: []string{"no_result_template", "result_on_blank"}},
	"GET /api/v1/units/{code}/tracking-book":             {who: scoped, right: auth.ReadDossier, noCitizens: true, path: func(tg *scopeTarget) string { return "/api/v1/units/" + tg.unit + "/tracking-book" }},
	"GET /api/v1/dossiers/{code}/payments":               {who: scoped, right: auth.ReadDossier, path: apiDossier("/payments")},
	"POST /api/v1/dossiers/{code}/payments":              {who: scoped, right: auth.ReadDossier, path: apiDossier("/payments"), json: map[string]any{}},
	"POST /api/v1/dossiers/{code}/payment-requests":      {who: scoped, right: auth.ReadDossier, path: apiDossier("/payment-requests"), json: map[string]any{"pages": -1}},
	"GET /api/v1/payments/vnpay/ipn":                     {who: public, path: fixed("/api/v1/payments/vnpay/ipn")},
	"GET /api/v1/payments/{ref}":                         {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return "/api/v1/payments/" + tg.ref }},
	"POST /api/v1/payments/{ref}/refund":                 {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return "/api/v1/payments/" + tg.ref + "/refund" }, json: map[string]any{}},
	"POST /api/v1/payments/{ref}/desk":                   {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return "/api/v1/payments/" + tg.ref + "/desk" }, json: map[string]any{}},
	"GET /api/v1/track/{code}":                           {who: public, once: true, path: func(tg *scopeTarget) string { return "/api/v1/track/" + tg.dossier + "?phone_last4=5678" }},
	"GET /api/v1/postal/areas":                           {who: public, path: fixed("/api/v1/postal/areas")},
	"GET /api/v1/dossiers/{code}/postal-address":         {who: scoped, right: auth.ReadDossier, path: apiDossier("/postal-address"), absent: []string{"address_not_found"}},
	"PUT /api/v1/dossiers/{code}/postal-address":         {who: scoped, right: auth.ReadDossier, only: desk, path: apiDossier("/postal-address"), json: map[string]any{"province": "nope"}},
	"POST /api/v1/dossiers/{code}/shipment":              {who: scoped, right: auth.ReadDossier, path: apiDossier("/shipment"), json: map[string]any{}},
	"GET /api/v1/dossiers/{code}/shipment":               {who: scoped, right: auth.ReadDossier, path: apiDossier("/shipment"), absent: []string{"shipment_not_found"}},
	"POST /api/v1/dossiers/{code}/shipment/refresh":      {who: scoped, right: auth.ReadDossier, noCitizens: true, path: apiDossier("/shipment/refresh")},
	"GET /api/v1/track/{code}/shipment":                  {who: public, once: true, path: func(tg *scopeTarget) string { return "/api/v1/track/" + tg.dossier + "/shipment?phone_last4=5678" }, absent: []string{"shipment_not_found"}},
	"POST /api/v1/postal/webhook":                        {skip: "authenticated by the post's signature, not by an account: the postal tests cover it"},
	"POST /api/v1/verify":                                {who: public, path: fixed("/api/v1/verify"), json: map[string]any{}},
	"GET /api/v1/reports/ii06a": {who: scoped, right: auth.ReadReports, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/reports/ii06a?unit=" + tg.unit + "&from=2026-03-01&to=2026-03-31"
	}},
	"GET /api/v1/reports/766": {who: scoped, right: auth.ReadReports, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/reports/766?unit=" + tg.unit + "&from=2026-01-01&to=2026-01-31"
	}},
	"GET /api/v1/reports/766/{indicator}/dossiers": {who: scoped, right: auth.ReadReports, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/reports/766/2.1/dossiers?unit=" + tg.unit + "&from=2026-01-01&to=2026-01-31"
	}},
	"GET /api/v1/reports/processing": {who: scoped, right: auth.ReadReports, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/reports/processing?unit=" + tg.unit + "&from=2026-01-01&to=2026-01-31"
	}},
	"GET /api/v1/open/units/{unit}/stats": {who: public, path: fixed("/api/v1/open/units/" + demo.DistrictCode + "/stats")},
	"GET /api/v1/events":                  {who: account, path: fixed("/api/v1/events?limit=5")},
	// A system account subscribes where it reads dossiers, a person where it
	// manages the unit; the types are left empty, so an allowed caller gets
	// 422 (after the units were judged) and no subscription is made.
	"POST /api/v1/webhooks": {who: scoped, right: auth.ManageUnits, clientRight: auth.ReadDossier, jsonAt: func(tg *scopeTarget) any {
		return map[string]any{"url": "http://127.0.0.1:9/hook", "types": []string{}, "units": []string{tg.unit}}
	}, path: fixed("/api/v1/webhooks")},
	"GET /api/v1/webhooks":                     {who: account, path: fixed("/api/v1/webhooks")},
	"GET /api/v1/webhooks/{id}":                {who: hookOwner, path: hookPath("")},
	"DELETE /api/v1/webhooks/{id}":             {who: hookOwner, path: hookPath("")},
	"POST /api/v1/webhooks/{id}/rotate-secret": {who: hookOwner, path: hookPath("/rotate-secret")},
	"POST /api/v1/webhooks/{id}/replay":        {who: hookOwner, path: hookPath("/replay"), json: map[string]any{"from": "evt_1"}},
	"GET /api/v1/open/procedures":              {who: public, path: fixed("/api/v1/open/procedures")},
	// Documents (package document): reading is document.read at the
	// document's organ (its units' and drafters' wider reach has its own
	// tests); acting is the lifecycle table's, so the actions answer 422
	// or 409 to every reader and 404 to anyone else. A system account with
	// documents:read and documents:write reads and registers at its own
	// commune only (scopeClientRights).
	"GET /api/v1/documents": {who: officers, path: fixed("/api/v1/documents")},
	"POST /api/v1/documents/incoming": {who: scoped, right: auth.RegisterDocument, noCitizens: true, path: fixed("/api/v1/documents/incoming"),
		jsonAt: func(tg *scopeTarget) any { return map[string]any{"unit": tg.unit} }},
	"POST /api/v1/documents/drafts": {who: scoped, right: auth.DraftDocument, noCitizens: true, path: fixed("/api/v1/documents/drafts"),
		jsonAt: func(tg *scopeTarget) any { return map[string]any{"unit": tg.unit} }},
	"GET /api/v1/documents/{id}": {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiDocument("")},
	"GET /api/v1/documents/{id}/files/{file}": {who: scoped, right: auth.ReadDocument, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/documents/" + strconv.FormatInt(tg.document, 10) + "/files/" + strconv.FormatInt(tg.documentFile, 10)
	}},
	"GET /api/v1/documents/{id}/edxml":             {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiDocument("/edxml")},
	"POST /edxml/v1/messages":                      {skip: "authenticated by the sending agency's SystemId and SecretKey (edxml.NewHandler), not by an account: TestExchangeBetweenInstances covers it"},
	"POST /api/v1/documents/{id}/versions":         {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiDocument("/versions"), json: map[string]any{}},
	"POST /api/v1/documents/{id}/comments":         {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiDocument("/comments"), json: map[string]any{}},
	"POST /api/v1/documents/{id}/actions/{action}": {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiDocument("/actions/assign"), json: map[string]any{}},
	// Only the leader about to approve, signing remotely, gets an OTP; every
	// other reader is refused by the act's own checks (409/422), others 404.
	"POST /api/v1/documents/{id}/approval-otp": {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiDocument("/approval-otp")},
	// Work files: read with document.read at the organ; opened and changed
	// by its clerks, specialists and leaders (document.register or
	// document.draft there), not by supervisors who only read. The bodies
	// name nothing that exists, so an allowed caller gets 404 of the thing
	// asked for or 422 and no file changes.
	"GET /api/v1/work-files": {who: officers, path: fixed("/api/v1/work-files")},
	"POST /api/v1/work-files": {who: scoped, right: auth.ReadDocument, only: fileKeepers, noCitizens: true, path: fixed("/api/v1/work-files"),
		jsonAt: func(tg *scopeTarget) any { return map[string]any{"unit": tg.unit} }},
	"GET /api/v1/work-files/{id}":        {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiWorkFile("")},
	"GET /api/v1/work-files/{id}/export": {who: scoped, right: auth.ReadDocument, noCitizens: true, path: apiWorkFile("/export?format=xml")},
	"POST /api/v1/work-files/{id}/documents": {who: scoped, right: auth.ReadDocument, only: fileKeepers, noCitizens: true, path: apiWorkFile("/documents"),
		json: map[string]any{"document_id": 0}, absent: []string{"document_not_found"}},
	"DELETE /api/v1/work-files/{id}/documents/{document}": {who: scoped, right: auth.ReadDocument, only: fileKeepers, noCitizens: true, path: apiWorkFile("/documents/0"),
		absent: []string{"work_file_item_not_found"}},
	"POST /api/v1/work-files/{id}/actions/{action}": {who: scoped, right: auth.ReadDocument, only: fileKeepers, noCitizens: true, path: apiWorkFile("/actions/nope"), json: map[string]any{}},
	"GET /api/v1/reports/documents": {who: scoped, right: auth.ReadReports, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/reports/documents?unit=" + tg.unit + "&from=2026-01-01&to=2026-01-31"
	}},

	// Shared pages.
	"GET /dang-nhap":          {who: public, path: fixed("/dang-nhap")},
	"POST /dang-nhap":         {skip: "signs the caller in as someone: the sign-in tests cover it"},
	"POST /dang-xuat":         {skip: "ends the caller's own session: the sign-in tests cover it"},
	"GET /dang-nhap/vneid":    {skip: "starts a sign-in at the national SSO (off here): TestVNeIDSignIn covers it"},
	"GET /dang-nhap/vneid/ve": {skip: "the national SSO's callback signs the caller in as someone: TestVNeIDSignIn and TestVNeIDRefusals cover it"},
	"POST /ngon-ngu":          {who: public, path: fixed("/ngon-ngu"), form: url.Values{"lang": {"vi"}, "next": {"/"}}},
	"GET /healthz":            {who: public, path: fixed("/healthz")},

	// The citizens' portal.
	"GET /{$}":                              {who: public, path: fixed("/")},
	"GET /thu-tuc/{code}":                   {who: public, path: fixed("/thu-tuc/1.001193")},
	"GET /thu-tuc/{code}/mau/{key}":         {who: public, path: fixed("/thu-tuc/1.000656/mau/to_khai")},
	"GET /tra-cuu":                          {who: public, path: fixed("/tra-cuu")},
	"GET /tra-cuu/{code}":                   {who: public, path: func(tg *scopeTarget) string { return "/tra-cuu/" + tg.dossier }},
	"GET /xac-thuc":                         {who: public, path: fixed("/xac-thuc")},
	"POST /xac-thuc":                        {who: public, path: fixed("/xac-thuc")},
	"GET /nop-ho-so/{code}":                 {who: filers, path: fixed("/nop-ho-so/1.001193")},
	"POST /nop-ho-so/{code}":                {who: filers, path: fixed("/nop-ho-so/1.001193")},
	"POST /nop-ho-so/{code}/dan-cu":         {who: filers, path: fixed("/nop-ho-so/1.001193/dan-cu")},
	"POST /nop-ho-so/{code}/{draft}/dan-cu": {who: drafts, path: draft("/dan-cu")},
	// The matrix's draft is no land procedure's: its owner gets 409.
	"POST /nop-ho-so/{code}/{draft}/dat-dai":                  {who: drafts, path: draft("/dat-dai")},
	"GET /nop-ho-so/{code}/{draft}":                           {who: drafts, path: draft("")},
	"GET /nop-ho-so/{code}/{draft}/nguoi-nop":                 {who: drafts, path: draft("/nguoi-nop")},
	"POST /nop-ho-so/{code}/{draft}/nguoi-nop":                {who: drafts, path: draft("/nguoi-nop"), form: url.Values{"id_number": {"x"}}},
	"GET /nop-ho-so/{code}/{draft}/to-khai":                   {who: drafts, path: draft("/to-khai")},
	"POST /nop-ho-so/{code}/{draft}/to-khai":                  {who: drafts, path: draft("/to-khai")},
	"GET /nop-ho-so/{code}/{draft}/tai-lieu":                  {who: drafts, path: draft("/tai-lieu")},
	"POST /nop-ho-so/{code}/{draft}/tai-lieu":                 {who: drafts, path: draft("/tai-lieu")},
	"POST /nop-ho-so/{code}/{draft}/tai-lieu/{component}":     {who: drafts, path: draft("/tai-lieu/to_khai")},
	"POST /nop-ho-so/{code}/{draft}/tai-lieu/{component}/xoa": {who: drafts, path: draft("/tai-lieu/to_khai/xoa"), form: url.Values{"sha": {"0"}}},
	"POST /nop-ho-so/{code}/{draft}/tai-lieu/{component}/kho": {who: drafts, path: draft("/tai-lieu/to_khai/kho"), form: url.Values{"paper": {"TP.khong-co"}}},
	"GET /kho-du-lieu":                                        {who: account, path: fixed("/kho-du-lieu")},
	"POST /kho-du-lieu/dung-lai":                              {who: account, path: fixed("/kho-du-lieu/dung-lai"), form: url.Values{"paper": {"TP.khong-co"}, "target": {"x|y"}}},
	"GET /nop-ho-so/{code}/{draft}/tep/{sha}":                 {who: drafts, path: func(tg *scopeTarget) string { return draft("/tep/")(tg) + tg.sha }},
	"GET /nop-ho-so/{code}/{draft}/xem-lai":                   {who: drafts, path: draft("/xem-lai")},
	"POST /nop-ho-so/{code}/{draft}/nop":                      {who: drafts, path: draft("/nop")},
	"POST /nop-ho-so/{code}/{draft}/xoa":                      {who: drafts, targets: []string{"C1"}, path: func(tg *scopeTarget) string { return "/nop-ho-so/" + tg.draftProc + "/" + tg.draft2 + "/xoa" }},
	"GET /ho-so-cua-toi":                                      {who: account, path: fixed("/ho-so-cua-toi")},
	"GET /ho-so/{code}":                                       {who: applicant, path: portal("")},
	"GET /ho-so/{code}/bien-nhan":                             {who: scoped, right: auth.ReadDossier, path: portal("/bien-nhan")},
	"GET /ho-so/{code}/ket-qua-dien-tu":                       {who: scoped, right: auth.ReadDossier, path: portal("/ket-qua-dien-tu")},
	"GET /ho-so/{code}/tep/{id}":                              {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return portal("/tep/")(tg) + strconv.FormatInt(tg.file, 10) }},
	"POST /ho-so/{code}/tai-lieu/{component}":                 {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return portal("/tai-lieu/")(tg) + tg.component }},
	"POST /ho-so/{code}/bo-sung":                              {who: scoped, right: auth.ReadDossier, path: portal("/bo-sung")},
	"GET /ho-so/{code}/rut":                                   {who: scoped, right: auth.ReadDossier, path: portal("/rut")},
	"POST /ho-so/{code}/rut":                                  {who: scoped, right: auth.ReadDossier, path: portal("/rut"), form: url.Values{"version": {"0"}}},
	"GET /ho-so/{code}/danh-gia":                              {who: scoped, right: auth.ReadDossier, path: portal("/danh-gia")},
	"POST /ho-so/{code}/danh-gia":                             {who: applicant, path: portal("/danh-gia"), form: url.Values{"score": {"nope"}}},
	"GET /ho-so/{code}/thanh-toan":                            {who: applicant, path: portal("/thanh-toan")},
	"POST /ho-so/{code}/thanh-toan":                           {who: scoped, right: auth.ReadDossier, path: portal("/thanh-toan"), form: url.Values{"method": {"nope"}}},
	"GET /ho-so/{code}/bien-lai/{ref}":                        {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return portal("/bien-lai/")(tg) + tg.ref }},
	"GET /thanh-toan/ket-qua":                                 {who: public, path: fixed("/thanh-toan/ket-qua")},
	"GET /thong-bao":                                          {who: account, path: fixed("/thong-bao")},
	"GET /tai-khoan/thong-bao":                                {who: account, path: fixed("/tai-khoan/thong-bao")},
	"POST /tai-khoan/thong-bao":                               {who: account, path: fixed("/tai-khoan/thong-bao")},
	"GET /tai-khoan/du-lieu-da-tra-cuu":                       {who: account, path: fixed("/tai-khoan/du-lieu-da-tra-cuu")},
	"GET /tai-khoan/du-lieu":                                  {who: citizens, path: fixed("/tai-khoan/du-lieu")},
	"GET /tai-khoan/du-lieu/tai-ve":                           {who: citizens, path: fixed("/tai-khoan/du-lieu/tai-ve")},
	"POST /tai-khoan/du-lieu/rut-dong-y":                      {who: citizens, path: fixed("/tai-khoan/du-lieu/rut-dong-y"), form: url.Values{"purpose": {"notify_sms"}, "id": {"0"}}},
	"POST /tai-khoan/du-lieu/dong-y":                          {who: citizens, path: fixed("/tai-khoan/du-lieu/dong-y"), form: url.Values{"purpose": {"paper_reuse"}}},
	"GET /ho-so/{code}/truy-cap":                              {who: applicant, path: portal("/truy-cap")},

	// The back office. The counter files at the desk's own units whatever
	// the form names (office.pickUnit), so the target does not matter there.
	"GET /can-bo":                {who: officers, path: fixed("/can-bo")},
	"GET /can-bo/thong-ke":       {who: reporters, path: fixed("/can-bo/thong-ke")},
	"GET /can-bo/thong-ke/ii06a": {who: scoped, right: auth.ReadReports, path: ii06aAt("/can-bo/thong-ke/ii06a")},
	"GET /can-bo/thong-ke/766": {who: scoped, right: auth.ReadReports, path: func(tg *scopeTarget) string {
		return "/can-bo/thong-ke/766?don-vi=" + tg.unit
	}},
	"GET /can-bo/thong-ke/766/{indicator}": {who: scoped, right: auth.ReadReports, path: func(tg *scopeTarget) string {
		return "/can-bo/thong-ke/766/2.1?don-vi=" + tg.unit + "&tu=2026-03-01&den=2026-03-02"
	}},
	"GET /can-bo/thong-ke/xu-ly": {who: scoped, right: auth.ReadReports, path: func(tg *scopeTarget) string {
		return "/can-bo/thong-ke/xu-ly?don-vi=" + tg.unit + "&tu=2026-03-01&den=2026-03-31"
	}},
	"GET /can-bo/thong-ke/van-ban": {who: scoped, right: auth.ReadReports, path: func(tg *scopeTarget) string {
		return "/can-bo/thong-ke/van-ban?don-vi=" + tg.unit + "&tu=2026-03-01&den=2026-03-31"
	}},
	"GET /can-bo/thong-ke/tong-quan":                {who: reporters, path: fixed("/can-bo/thong-ke/tong-quan")},
	"GET /cong-khai":                                {who: public, path: fixed("/cong-khai")},
	"GET /cong-khai/{unit}":                         {who: public, path: fixed("/cong-khai/" + demo.DistrictCode)},
	"GET /can-bo/thong-bao":                         {who: officers, path: fixed("/can-bo/thong-bao")},
	"GET /can-bo/ho-so":                             {who: officers, path: fixed("/can-bo/ho-so")},
	"GET /can-bo/ho-so/{code}":                      {who: scoped, right: auth.ReadDossier, path: office("")},
	"POST /can-bo/ho-so/{code}/thao-tac/{action}":   {who: scoped, right: auth.ReadDossier, path: office("/thao-tac/refuse")},
	"POST /can-bo/ho-so/{code}/tai-len/{component}": {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return office("/tai-len/")(tg) + tg.component }},
	"GET /can-bo/ho-so/{code}/tep/{id}":             {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return office("/tep/")(tg) + strconv.FormatInt(tg.file, 10) }},
	"POST /can-bo/ho-so/{code}/so-hoa/{id}": {who: scoped, right: auth.ReadDossier, only: desk, path: func(tg *scopeTarget) string {
		return office("/so-hoa/")(tg) + strconv.FormatInt(tg.file, 10)
	}},
	"GET /can-bo/so-hoa": {who: officers, path: fixed("/can-bo/so-hoa?q=TP")},
	"POST /can-bo/ho-so/{code}/dung-lai/{component}": {who: scoped, right: auth.ReadDossier, only: desk, path: func(tg *scopeTarget) string {
		return office("/dung-lai/")(tg) + tg.component
	}, form: url.Values{"paper": {"TP.khong-co"}}},
	"GET /can-bo/dong-bo-cong-dvc":                     {who: officers, path: fixed("/can-bo/dong-bo-cong-dvc")},
	"GET /can-bo/ho-so/{code}/bien-nhan":               {who: scoped, right: auth.ReadDossier, path: office("/bien-nhan")},
	"GET /can-bo/ho-so/{code}/luu-tru":                 {who: scoped, right: auth.ReadDossier, path: office("/luu-tru")},
	"POST /can-bo/ho-so/{code}/van-don":                {who: scoped, right: auth.ReadDossier, path: office("/van-don")},
	"POST /can-bo/ho-so/{code}/van-don/cap-nhat":       {who: scoped, right: auth.ReadDossier, path: office("/van-don/cap-nhat")},
	"GET /can-bo/ho-so/{code}/thu-phi":                 {who: scoped, right: auth.ReadDossier, path: office("/thu-phi")},
	"POST /can-bo/ho-so/{code}/thu-phi":                {who: scoped, right: auth.ReadDossier, path: office("/thu-phi"), form: url.Values{"pages": {"-1"}}},
	"POST /can-bo/ho-so/{code}/thu-phi/{ref}/hoan-phi": {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return office("/thu-phi/")(tg) + tg.ref + "/hoan-phi" }},
	"POST /can-bo/ho-so/{code}/thu-phi/{ref}/tai-quay": {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return office("/thu-phi/")(tg) + tg.ref + "/tai-quay" }},
	"GET /can-bo/ho-so/{code}/bieu-mau/{form}":         {who: scoped, right: auth.ReadDossier, path: office("/bieu-mau/01")},
	// In-app signing (package esign): the matrix's world has no signing
	// service, so an allowed caller gets the page saying so (409).
	"GET /can-bo/ho-so/{code}/ky-so":           {who: scoped, right: auth.ReadDossier, path: office("/ky-so")},
	"POST /can-bo/ho-so/{code}/ky-so":          {who: scoped, right: auth.ReadDossier, path: office("/ky-so"), form: url.Values{"otp": {"1"}}},
	"POST /can-bo/ho-so/{code}/ky-so/otp":      {who: scoped, right: auth.ReadDossier, path: office("/ky-so/otp")},
	"GET /can-bo/ho-so/{code}/ket-qua-dien-tu": {who: scoped, right: auth.ReadDossier, path: office("/ket-qua-dien-tu")},
	"POST /can-bo/ho-so/{code}/dan-cu":         {who: scoped, right: auth.ReadDossier, only: desk, path: office("/dan-cu")},
	// The land registry (package land): the lookup is any officer's; a
	// parcel's page is land.read's at its commune (the matrix's world has
	// parcel 1 of sheet 1 at every target unit); a
	// dossier's land panel and measurement are the dossier's readers'
	// (the matrix's dossier is no land dossier: 409).
	"GET /can-bo/dat-dai": {who: officers, path: fixed("/can-bo/dat-dai")},
	"GET /can-bo/dat-dai/{commune}/{sheet}/{number}": {who: scoped, right: auth.ReadLand, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/can-bo/dat-dai/" + tg.unit + "/1/1"
	}},
	// Its API: the same right for officers; a citizen reads only a parcel
	// they are a registered user of and gets 404 for any other (the
	// matrix's parcels have no user, so no citizen may read them); the
	// citizens' own list is any citizen's.
	"GET /api/v1/land/parcels/{commune}/{sheet}/{number}": {who: scoped, right: auth.ReadLand, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/land/parcels/" + tg.unit + "/1/1"
	}},
	"GET /api/v1/land/certificates/{serial}": {who: scoped, right: auth.ReadLand, noCitizens: true, path: func(tg *scopeTarget) string {
		return "/api/v1/land/certificates/" + url.PathEscape(scopeSerial(tg))
	}},
	"GET /api/v1/me/land-parcels":           {who: citizens, path: fixed("/api/v1/me/land-parcels")},
	"GET /can-bo/ho-so/{code}/dat-dai":      {who: scoped, right: auth.ReadDossier, path: office("/dat-dai")},
	"POST /can-bo/ho-so/{code}/dat-dai":     {who: scoped, right: auth.ReadDossier, path: office("/dat-dai")},
	"GET /can-bo/don-vi/{unit}/so-theo-doi": {who: scoped, right: auth.ReadDossier, path: func(tg *scopeTarget) string { return "/can-bo/don-vi/" + tg.unit + "/so-theo-doi" }},
	// The document pages (office/documents.go): the lists are any
	// officer's, their rows scoped by the document service; the forms that
	// make a document need the right at the unit named; the document page
	// and its acts are document.read's at the document's organ (acting is
	// the lifecycle table's: an empty form is refused as a stale page, 409).
	"GET /can-bo/van-ban":           {who: officers, path: fixed("/can-bo/van-ban")},
	"GET /can-bo/van-ban/cho-duyet": {who: officers, path: fixed("/can-bo/van-ban/cho-duyet")},
	"GET /can-bo/van-ban-den":       {who: officers, path: fixed("/can-bo/van-ban-den")},
	"GET /can-bo/van-ban-di":        {who: officers, path: fixed("/can-bo/van-ban-di")},
	"GET /can-bo/van-ban/in-so":     {who: officers, path: fixed("/can-bo/van-ban/in-so?so=den&tu=2026-01-01&den=2026-12-31")},
	"GET /can-bo/van-ban/in-so/pdf": {who: officers, path: fixed("/can-bo/van-ban/in-so/pdf?so=di&tu=2026-01-01&den=2026-12-31")},
	"GET /can-bo/van-ban-den/vao-so": {who: scoped, right: auth.RegisterDocument, path: func(tg *scopeTarget) string {
		return "/can-bo/van-ban-den/vao-so?don-vi=" + tg.unit
	}},
	"POST /can-bo/van-ban-den/vao-so": {who: scoped, right: auth.RegisterDocument, path: fixed("/can-bo/van-ban-den/vao-so"),
		formAt: func(tg *scopeTarget) url.Values { return url.Values{"unit": {tg.unit}} }},
	"GET /can-bo/van-ban/du-thao-moi": {who: scoped, right: auth.DraftDocument, path: func(tg *scopeTarget) string {
		return "/can-bo/van-ban/du-thao-moi?don-vi=" + tg.unit
	}},
	"POST /can-bo/van-ban/du-thao-moi": {who: scoped, right: auth.DraftDocument, path: fixed("/can-bo/van-ban/du-thao-moi"),
		formAt: func(tg *scopeTarget) url.Values { return url.Values{"unit": {tg.unit}} }},
	"GET /can-bo/van-ban/{id}":                    {who: scoped, right: auth.ReadDocument, path: pageDocument("")},
	"POST /can-bo/van-ban/{id}/thao-tac/{action}": {who: scoped, right: auth.ReadDocument, path: pageDocument("/thao-tac/assign")},
	"POST /can-bo/van-ban/{id}/otp":               {who: scoped, right: auth.ReadDocument, path: pageDocument("/otp")},
	"GET /can-bo/van-ban/{id}/tep/{file}": {who: scoped, right: auth.ReadDocument, path: func(tg *scopeTarget) string {
		return pageDocument("/tep/")(tg) + strconv.FormatInt(tg.documentFile, 10)
	}},
	// Work files: as their API routes (the organ's clerks, specialists and
	// leaders change them; document.read reads them).
	"GET /can-bo/ho-so-cong-viec": {who: officers, path: fixed("/can-bo/ho-so-cong-viec")},
	"POST /can-bo/ho-so-cong-viec": {who: scoped, right: auth.ReadDocument, only: fileKeepers, path: fixed("/can-bo/ho-so-cong-viec"),
		formAt: func(tg *scopeTarget) url.Values { return url.Values{"don-vi": {tg.unit}} }},
	"GET /can-bo/ho-so-cong-viec/{id}":                    {who: scoped, right: auth.ReadDocument, path: pageWorkFile("")},
	"POST /can-bo/ho-so-cong-viec/{id}/thao-tac/{action}": {who: scoped, right: auth.ReadDocument, only: fileKeepers, path: pageWorkFile("/thao-tac/nope")},
	"GET /can-bo/ho-so-cong-viec/{id}/xuat/{format}":      {who: scoped, right: auth.ReadDocument, path: pageWorkFile("/xuat/xml")},
	"GET /can-bo/tiep-nhan":                               {who: officers, only: desk, path: func(tg *scopeTarget) string { return "/can-bo/tiep-nhan?don-vi=" + tg.unit }},
	"GET /can-bo/tiep-nhan/{code}":                        {who: officers, only: desk, path: func(tg *scopeTarget) string { return "/can-bo/tiep-nhan/" + tg.procedure + "?don-vi=" + tg.unit }},
	"POST /can-bo/tiep-nhan/{code}":                       {who: officers, only: desk, path: func(tg *scopeTarget) string { return "/can-bo/tiep-nhan/" + tg.procedure }},
	"POST /can-bo/tiep-nhan/{code}/dat-dai":               {who: officers, only: desk, path: func(tg *scopeTarget) string { return "/can-bo/tiep-nhan/" + tg.procedure + "/dat-dai" }},

	// The administrators' pages.
	"GET /quan-tri":                          {who: admins, path: fixed("/quan-tri")},
	"GET /quan-tri/don-vi":                   {who: admins, path: fixed("/quan-tri/don-vi")},
	"GET /quan-tri/don-vi/{code}":            {who: scoped, right: auth.ManageUnits, path: unitPage("")},
	"POST /quan-tri/don-vi/{code}/them":      {who: scoped, right: auth.ManageUnits, path: unitPage("/them"), form: url.Values{"code": {"bad"}}},
	"POST /quan-tri/don-vi/{code}/phong-ban": {who: scoped, right: auth.ManageUnits, path: unitPage("/phong-ban"), form: url.Values{"dept_code": {"?"}}},
	"POST /quan-tri/don-vi/{code}/doi-ten":   {who: scoped, right: auth.ManageUnits, path: unitPage("/doi-ten")},
	"POST /quan-tri/don-vi/{code}/sap-nhap":  {who: scoped, right: auth.ManageUnits, path: unitPage("/sap-nhap")},
	"GET /quan-tri/nguoi-dung":               {who: admins, path: fixed("/quan-tri/nguoi-dung")},
	// The registry's API: officers only, the same rights as the pages; no
	// record exists in the matrix world, so one person's read answers 404
	// to everyone (TestCivilAPI tries who may read one), and a cycle not
	// opened is 404 civil_cycle_not_found to those who may read it.
	"GET /api/v1/civil/units/{unit}/people": {who: scoped, right: auth.ManagePersonnel, noCitizens: true, path: civilPath("/api/v1/civil/units/", "/people")},
	"GET /api/v1/civil/people/{code}":       {who: nobody, path: fixed("/api/v1/civil/people/NB-00001")},
	"GET /api/v1/civil/units/{unit}/cycles/{year}/evaluations": {who: scoped, right: auth.EvaluateStaff, noCitizens: true,
		path: civilPath("/api/v1/civil/units/", "/cycles/2026/evaluations"), absent: []string{"civil_cycle_not_found"}},
	// The civil service registry and the evaluation (package civil). An
	// evaluation exists only once a leader opened a cycle over officers'
	// records, which the matrix world has none of: its page answers 404
	// to everyone here, and TestEvaluationPages tries who may see it.
	"GET /can-bo/danh-gia":                  {who: officers, path: fixed("/can-bo/danh-gia")},
	"GET /can-bo/danh-gia/{unit}/{year}":    {who: scoped, right: auth.EvaluateStaff, path: civilPath("/can-bo/danh-gia/", "/2026")},
	"POST /can-bo/danh-gia/{unit}/{year}":   {who: scoped, right: auth.EvaluateStaff, path: civilPath("/can-bo/danh-gia/", "/1999"), form: url.Values{}},
	"GET /can-bo/danh-gia/phieu/{id}":       {who: nobody, path: fixed("/can-bo/danh-gia/phieu/1")},
	"POST /can-bo/danh-gia/phieu/{id}":      {who: nobody, path: fixed("/can-bo/danh-gia/phieu/1"), form: url.Values{"act": {"decide"}}},
	"GET /quan-tri/can-bo-cong-chuc":        {who: admins, path: fixed("/quan-tri/can-bo-cong-chuc")},
	"GET /quan-tri/can-bo-cong-chuc/{unit}": {who: scoped, right: auth.ManagePersonnel, path: civilPath("/quan-tri/can-bo-cong-chuc/", "")},
	"POST /quan-tri/can-bo-cong-chuc/{unit}": {who: scoped, right: auth.ManagePersonnel, path: civilPath("/quan-tri/can-bo-cong-chuc/", ""),
		form: url.Values{"ma": {"không hợp lệ"}}},
	"POST /quan-tri/can-bo-cong-chuc/{unit}/bang-cap": {who: scoped, right: auth.ManagePersonnel, path: civilPath("/quan-tri/can-bo-cong-chuc/", "/bang-cap"),
		form: url.Values{"ma": {"khong-co"}}},
	"POST /quan-tri/can-bo-cong-chuc/{unit}/dieu-dong": {who: scoped, right: auth.ManagePersonnel, path: civilPath("/quan-tri/can-bo-cong-chuc/", "/dieu-dong"),
		form: url.Values{"ma": {"khong-co"}}},
	"GET /quan-tri/can-bo-cong-chuc/{unit}/xuat.csv":  {who: scoped, right: auth.ManagePersonnel, path: civilPath("/quan-tri/can-bo-cong-chuc/", "/xuat.csv")},
	"GET /quan-tri/can-bo-cong-chuc/{unit}/xuat.json": {who: scoped, right: auth.ManagePersonnel, path: civilPath("/quan-tri/can-bo-cong-chuc/", "/xuat.json")},
	"GET /quan-tri/can-bo-cong-chuc/{unit}/bao-cao":   {who: scoped, right: auth.ManagePersonnel, path: civilPath("/quan-tri/can-bo-cong-chuc/", "/bao-cao")},
	// System accounts: any admin reaches the page; auth.Accounts lists,
	// adds, rotates and revokes only clients whose rights lie in the
	// admin's units (TestClientScopeOfAdmins, TestAdminClientPages).
	"GET /quan-tri/he-thong-ket-noi": {who: admins, path: fixed("/quan-tri/he-thong-ket-noi")},
	"POST /quan-tri/he-thong-ket-noi": {who: scoped, right: auth.ManageAccounts, path: fixed("/quan-tri/he-thong-ket-noi"), formAt: func(tg *scopeTarget) url.Values {
		return url.Values{"unit": {tg.unit}, "right": {string(auth.ReadDossier)}, "name": {""}, "scope": {auth.OpDossiersRead}}
	}},
	"POST /quan-tri/he-thong-ket-noi/{id}/khoa-moi": {who: admins, path: fixed("/quan-tri/he-thong-ket-noi/mc-khong-co/khoa-moi")},
	"POST /quan-tri/he-thong-ket-noi/{id}/thu-hoi":  {who: admins, path: fixed("/quan-tri/he-thong-ket-noi/mc-khong-co/thu-hoi")},
	// Reorganisation plans: any admin reaches the pages; reorg.Service
	// refuses a plan naming a unit they do not administer (TestReorgPages).
	"GET /quan-tri/sap-xep":           {who: admins, path: fixed("/quan-tri/sap-xep")},
	"POST /quan-tri/sap-xep":          {who: admins, path: fixed("/quan-tri/sap-xep"), form: url.Values{"plan": {"{"}}},
	"POST /quan-tri/sap-xep/ap-dung":  {who: admins, path: fixed("/quan-tri/sap-xep/ap-dung"), form: url.Values{"plan": {"{"}}},
	"GET /quan-tri/sap-xep/{id}":      {skip: "the matrix's world stores no plan; TestReorgPages shows a plan to the admins of its units and refuses others"},
	"POST /quan-tri/sap-xep/{id}/huy": {skip: "the matrix's world stores no plan; TestReorgPages lets only the plan's admins cancel it"},
	"POST /quan-tri/nguoi-dung": {who: scoped, right: auth.ManageAccounts, path: fixed("/quan-tri/nguoi-dung"), formAt: func(tg *scopeTarget) url.Values {
		return url.Values{"unit": {tg.unit}, "username": {"?"}, "role": {auth.Clerk}}
	}},
	"POST /quan-tri/nguoi-dung/vai-tro": {who: scoped, right: auth.ManageAccounts, path: fixed("/quan-tri/nguoi-dung/vai-tro"), formAt: func(tg *scopeTarget) url.Values {
		return url.Values{"unit": {tg.unit}, "username": {tg.user}, "role": {"nope"}}
	}},
	"GET /quan-tri/nguoi-dung/{username}":             {who: scoped, right: auth.ManageAccounts, path: userPage("")},
	"POST /quan-tri/nguoi-dung/{username}/thu-hoi":    {who: scoped, right: auth.ManageAccounts, path: userPage("/thu-hoi"), formAt: func(tg *scopeTarget) url.Values { return url.Values{"unit": {tg.unit}, "role": {"nope"}} }},
	"POST /quan-tri/nguoi-dung/{username}/trang-thai": {who: scoped, right: auth.ManageAccounts, path: userPage("/trang-thai"), form: url.Values{"disabled": {"0"}}},
	"POST /quan-tri/nguoi-dung/{username}/mat-khau":   {who: scoped, right: auth.ManageAccounts, path: userPage("/mat-khau"), form: url.Values{"password": {"x"}}},
	"GET /quan-tri/thu-tuc":                           {who: admins, path: fixed("/quan-tri/thu-tuc")},
	"GET /quan-tri/thu-tuc/{code}":                    {who: admins, path: fixed("/quan-tri/thu-tuc/1.001193")},
	"POST /quan-tri/thu-tuc/{code}":                   {who: scoped, right: auth.EditProcedure, targets: province, path: fixed("/quan-tri/thu-tuc/1.001193"), form: url.Values{"body": {"{"}}},
	"GET /quan-tri/thu-tuc/{code}/phien-ban":          {who: admins, path: fixed("/quan-tri/thu-tuc/1.001193/phien-ban")},
	"POST /quan-tri/thu-tuc/{code}/muc-thu":           {who: scoped, right: auth.EditProcedure, targets: province, path: fixed("/quan-tri/thu-tuc/1.001193/muc-thu"), form: url.Values{"amount_0": {"x"}}},
	"GET /quan-tri/lich":                              {who: admins, path: fixed("/quan-tri/lich")},
	"POST /quan-tri/lich":                             {who: scoped, right: auth.Announce, targets: province, path: fixed("/quan-tri/lich"), form: url.Values{"date": {"x"}}},
	"GET /quan-tri/co-quan-phoi-hop":                  {who: admins, path: fixed("/quan-tri/co-quan-phoi-hop")},
	"POST /quan-tri/co-quan-phoi-hop":                 {who: scoped, right: auth.ManageUnits, targets: province, path: fixed("/quan-tri/co-quan-phoi-hop"), form: url.Values{"name": {""}}},
	"POST /quan-tri/co-quan-phoi-hop/{id}":            {who: scoped, right: auth.ManageUnits, targets: province, path: fixed("/quan-tri/co-quan-phoi-hop/1"), form: url.Values{"name": {""}}},
	"POST /quan-tri/lich/{date}/thu-hoi":              {who: scoped, right: auth.Announce, targets: province, path: fixed("/quan-tri/lich/not-a-date/thu-hoi")},
	"POST /quan-tri/lich/thoi-diem-het-han":           {who: scoped, right: auth.Announce, targets: province, path: fixed("/quan-tri/lich/thoi-diem-het-han"), form: url.Values{"rule": {"x"}}},
	"GET /quan-tri/webhook":                           {who: admins, path: fixed("/quan-tri/webhook")},
	"POST /quan-tri/webhook": {who: scoped, right: auth.ManageUnits, path: fixed("/quan-tri/webhook"), formAt: func(tg *scopeTarget) url.Values {
		return url.Values{"unit": {tg.unit}, "url": {"nope"}, "type": {"dossier.received"}}
	}},
	"POST /quan-tri/webhook/{id}/ngung":                   {skip: "acts on one subscription, which the matrix has none of: TestWebhooks has another commune's admin refused (404) and the owner's admin stop it"},
	"POST /quan-tri/webhook/{id}/gui-lai":                 {who: admins, path: fixed("/quan-tri/webhook/1/gui-lai"), form: url.Values{"event": {""}}},
	"GET /quan-tri/nhat-ky":                               {who: supervisors, path: fixed("/quan-tri/nhat-ky")},
	"GET /quan-tri/cong-dan":                              {who: citizenAdmins, path: fixed("/quan-tri/cong-dan")},
	"POST /quan-tri/cong-dan/{username}/trang-thai":       {who: citizenAdmins, path: fixed("/quan-tri/cong-dan/congdan/trang-thai"), form: url.Values{"disabled": {"0"}}},
	"POST /quan-tri/cong-dan/{username}/mat-khau":         {who: citizenAdmins, path: fixed("/quan-tri/cong-dan/congdan/mat-khau"), form: url.Values{"password": {"x"}}},
	"POST /quan-tri/don-vi/{code}/xac-thuc-2-lop":         {who: scoped, right: auth.ManageUnits, path: unitPage("/xac-thuc-2-lop"), form: url.Values{"required": {"0"}}},
	"POST /quan-tri/don-vi/{code}/han-bo-sung":            {who: scoped, right: auth.ManageUnits, path: unitPage("/han-bo-sung"), form: url.Values{"supplement_days": {"30"}}},
	"POST /quan-tri/nguoi-dung/{username}/xac-thuc-2-lop": {who: scoped, right: auth.ManageAccounts, path: func(tg *scopeTarget) string { return "/quan-tri/nguoi-dung/" + tg.spare + "/xac-thuc-2-lop" }},
	"GET /tai-khoan/mat-khau":                             {who: account, path: fixed("/tai-khoan/mat-khau")},
	"POST /tai-khoan/mat-khau":                            {who: account, path: fixed("/tai-khoan/mat-khau"), form: url.Values{"old": {""}, "new": {"x"}}},
	"GET /quen-mat-khau":                                  {who: public, path: fixed("/quen-mat-khau")},
	"POST /quen-mat-khau":                                 {who: public, once: true, path: fixed("/quen-mat-khau"), form: url.Values{"who": {"khong-co-ai"}}},
	"GET /dat-lai-mat-khau":                               {who: public, path: fixed("/dat-lai-mat-khau?t=khong-hop-le")},
	"POST /dat-lai-mat-khau":                              {who: public, path: fixed("/dat-lai-mat-khau"), form: url.Values{"t": {"khong-hop-le"}, "password": {"x"}}},
	"GET /tai-khoan/xac-thuc-2-lop":                       {who: officers, path: fixed("/tai-khoan/xac-thuc-2-lop")},
	"POST /tai-khoan/xac-thuc-2-lop":                      {who: officers, path: fixed("/tai-khoan/xac-thuc-2-lop"), form: url.Values{"code": {"000000"}}},
}

var province = []string{"P"}

// desk: of the officers who read a dossier, only the receiving desk may
// add files to it or change its delivery address (besides the applicant),
// and only the desk files at the counter.
var desk = []string{auth.Reception}

func fixed(p string) func(*scopeTarget) string { return func(*scopeTarget) string { return p } }

func apiDossier(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return "/api/v1/dossiers/" + tg.dossier + suffix }
}

// fileKeepers are the roles that open and change work files.
var fileKeepers = []string{auth.Clerk, auth.Specialist, auth.Leader}

func apiWorkFile(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string {
		return "/api/v1/work-files/" + strconv.FormatInt(tg.workFile, 10) + suffix
	}
}

func apiDocument(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string {
		return "/api/v1/documents/" + strconv.FormatInt(tg.document, 10) + suffix
	}
}

func pageWorkFile(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string {
		return "/can-bo/ho-so-cong-viec/" + strconv.FormatInt(tg.workFile, 10) + suffix
	}
}

func pageDocument(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string {
		return "/can-bo/van-ban/" + strconv.FormatInt(tg.document, 10) + suffix
	}
}

func portal(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return "/ho-so/" + tg.dossier + suffix }
}

func office(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return "/can-bo/ho-so/" + tg.dossier + suffix }
}

func draft(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return "/nop-ho-so/" + tg.draftProc + "/" + tg.draft + suffix }
}

func unitPage(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return "/quan-tri/don-vi/" + tg.unit + suffix }
}

func userPage(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return "/quan-tri/nguoi-dung/" + tg.user + suffix }
}

// hookPath is the path of the target's webhook subscription, then suffix.
func hookPath(suffix string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return "/api/v1/webhooks/" + strconv.FormatInt(tg.hook, 10) + suffix }
}

// civilPath is prefix, the target unit's code, then suffix.
func civilPath(prefix, suffix string) func(tg *scopeTarget) string {
	return func(tg *scopeTarget) string { return prefix + url.PathEscape(tg.unit) + suffix }
}
