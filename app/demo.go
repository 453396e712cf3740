package app

import (
	"context"
	"fmt"
)

// Demo passwords, printed in the README. Only the demo database uses them.
const (
	DemoAdminPassword    = "demo-admin-2026"
	DemoEmployeePassword = "demo-employe-2026"
	DemoParentPassword   = "demo-parent-2026"
)

// demoPeople are the sample daycare's accounts.
var demoPeople = []struct {
	role  Role
	name  string
	email string
}{
	{RoleAdmin, "Élodie D'Amour", "elodie.damour@lucioles.demo"},
	{RoleAdmin, "Martin Gagnon", "martin.gagnon@lucioles.demo"},
	{RoleEmployee, "Sophie Tremblay", "sophie.tremblay@lucioles.demo"},
	{RoleEmployee, "Karim Benali", "karim.benali@lucioles.demo"},
	{RoleEmployee, "Julie Côté", "julie.cote@lucioles.demo"},
	{RoleEmployee, "Nathalie Roy", "nathalie.roy@lucioles.demo"},
	{RoleEmployee, "Mélanie Bouchard", "melanie.bouchard@lucioles.demo"},
}

var demoParents = []string{
	"Isabelle Lavoie", "François Bélanger", "Amélie Pelletier", "Jean-Philippe Morin",
	"Catherine Fortin", "Mathieu Gauthier", "Valérie Ouellet", "Olivier Lefebvre",
	"Geneviève Girard", "Samuel Lapointe", "Marie-Ève Simard", "Alexandre Bergeron",
	"Annie Leblanc", "Maxime Caron", "Stéphanie Poirier", "Nicolas Cloutier",
	"Émilie Dubé", "Gabriel Paquette", "Audrey Nadeau", "Thomas Boucher",
}

// seedDemo fills an empty database with a sample daycare: 2 administrators,
// 5 employees and 20 parents. It does nothing when an administrator exists.
func (s *Service) seedDemo(ctx context.Context) error {
	need, err := s.NeedsSetup(ctx)
	if err != nil || !need {
		return err
	}
	// One hash per role (three argon2id computations, not 27).
	hashes := map[Role]string{}
	for role, pw := range map[Role]string{RoleAdmin: DemoAdminPassword, RoleEmployee: DemoEmployeePassword, RoleParent: DemoParentPassword} {
		if hashes[role], err = HashPassword(pw, s.argon2); err != nil {
			return err
		}
	}
	now := s.now().UTC()
	return s.update(ctx, func(tx Tx) error {
		if err := tx.SetSetting(SettingDaycareName, "CPE Les Lucioles (démo)"); err != nil {
			return err
		}
		add := func(role Role, name, email string) error {
			u := User{Email: email, Name: name, Role: role, PasswordHash: hashes[role], MFA: MFAOff, CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
			return tx.AppendAudit(s.audit(EventUserCreated, "demo", email, "role="+string(role)+" (demo)",
				kv(FieldRole, string(role)), kv(FieldMFA, string(MFAOff)), kv(FieldVia, ViaDemo)))
		}
		for _, p := range demoPeople {
			if err := add(p.role, p.name, p.email); err != nil {
				return err
			}
		}
		for i, name := range demoParents {
			if err := add(RoleParent, name, fmt.Sprintf("parent%02d@lucioles.demo", i+1)); err != nil {
				return err
			}
		}
		return nil
	})
}
