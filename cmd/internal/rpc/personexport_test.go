//go:build cgo

package rpc

import (
	"errors"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// exportScenario is a person's export on s: refusals, then an employee
// with more journal rows than one page (all at one fake-clock time).
func exportScenario(t *testing.T, s *side, r *transcript) {
	ctx, api := s.ctx, s.api
	step := func(name string, vals ...any) { r.note(name, vals...) }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %s: %v", s.name, what, err)
		}
	}
	exp, ok := api.(app.PersonExporter)
	if !ok {
		t.Fatalf("%s cannot export", s.name)
	}
	_, err := api.Setup(ctx, "CPE Les Petits Pas", app.NewUser{Email: dirEmail, Name: "Diane Directrice", Password: pw1}, pw1)
	must("setup", err)
	admin, err := api.SignInAdmin(ctx, dirEmail, pw1, "")
	must("sign-in", err)
	for _, n := range []app.NewUser{{Role: app.RoleEmployee, Email: educEmail, Name: "Éric Éducateur", Password: pwEduc},
		{Role: app.RoleParent, Email: parEmail, Name: "Paule Parent", Password: pwParent}} {
		_, err := api.CreateAccount(ctx, admin, n, "")
		must("create", err)
	}
	for i := 0; i < 3*app.PersonExportPage/2; i++ {
		must("toggle", api.SetDisabled(ctx, admin, educEmail, i%2 == 0, ""))
	}
	hp, err := api.Login(ctx, parEmail, pwParent)
	must("parent", err)
	rows := func(pages *[]int, all *[]app.AuditEvent) func([]app.AuditEvent) error {
		return func(p []app.AuditEvent) error {
			*pages = append(*pages, len(p))
			*all = append(*all, p...)
			return nil
		}
	}
	var pages []int
	var all []app.AuditEvent
	d, err := exp.ExportPerson(ctx, hp, educEmail, []string{app.ExportJSON}, rows(&pages, &all))
	step("ExportPerson not admin", d, err, pages, hp)
	d, err = exp.ExportPerson(ctx, admin, educEmail, []string{"docx"}, rows(&pages, &all))
	step("ExportPerson bad format", d, err, pages, admin)
	d, err = exp.ExportPerson(ctx, admin, "personne@cpe.ca", []string{app.ExportJSON}, rows(&pages, &all))
	step("ExportPerson nobody", d, err, pages, admin)
	d, err = exp.ExportPerson(ctx, admin, educEmail, []string{app.ReportPDF, app.ExportJSON}, rows(&pages, &all))
	step("ExportPerson", d, err, pages, admin)
	step("ExportPerson rows", len(all), all)
	if len(pages) < 2 || len(all) < 3*app.PersonExportPage/2 {
		t.Fatalf("%s: pages %v", s.name, pages)
	}
	for _, n := range pages {
		if n > app.PersonExportPage {
			t.Fatalf("%s: a page of %d rows", s.name, n)
		}
	}
	pages, all = nil, nil
	d, err = exp.ExportPerson(ctx, admin, dirEmail, []string{app.ExportJSON}, rows(&pages, &all))
	step("ExportPerson her own", d, err, pages, all, admin)
	evs, err := api.Audit(ctx, admin, app.AuditFilter{Event: app.EventUserExported})
	step("Audit user.exported", evs, err)

	// The caller stops after its first page (a full disk): its error
	// comes back, and the sign-in goes on.
	stop := errors.New("disque plein")
	_, err = exp.ExportPerson(ctx, admin, educEmail, []string{app.ExportJSON}, func([]app.AuditEvent) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("%s: a stopped export returned %v", s.name, err)
	}
	pages, all = nil, nil
	_, err = exp.ExportPerson(ctx, admin, parEmail, []string{app.ExportJSON}, rows(&pages, &all))
	step("ExportPerson after a stopped one", err, pages, admin)
}

// The export through the service is the export in-process: the same
// account, the same pages of rows (none bigger than PersonExportPage:
// one message each), the same refusals.
func TestExportPersonIsTheSameThroughTheService(t *testing.T) {
	local, wire := new(transcript), new(transcript)
	exportScenario(t, localSide(t, datatest.Options{Argon2: datatest.QuickArgon2}), local)
	exportScenario(t, wireSide(t, datatest.Options{Argon2: datatest.QuickArgon2}), wire)
	compare(t, local, wire)
}
