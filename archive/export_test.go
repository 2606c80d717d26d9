package archive

import "context"

// ApplyMembershipForTest is applyMembership, for the regrouping's crash
// tests: one change made whole.
func (a *Archive) ApplyMembershipForTest(ctx context.Context, m Membership) error {
	return a.applyMembership(ctx, m)
}

// WriteMembershipFileForTest writes a change's doc.json only, as a
// regrouping killed before its index commit leaves it.
func (a *Archive) WriteMembershipFileForTest(m Membership) error {
	d, err := a.readDocJSON(m.Dir)
	if err != nil {
		return err
	}
	d.Report, d.Role = m.Report, m.Role
	return a.writeDocFile(d)
}
