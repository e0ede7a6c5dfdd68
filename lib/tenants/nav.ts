/** What exists for each area; pages mark the current one. Grows as features land. */
export function adminNav(slug: string, current: string) {
  return [
    { href: `/t/${slug}/admin`, label: "Overview" },
    { href: `/t/${slug}/admin/members`, label: "Members" },
    { href: `/t/${slug}/admin/members/new`, label: "Add member" },
    { href: `/t/${slug}/admin/members/access`, label: "Sign-in help" },
    { href: `/t/${slug}/admin/health`, label: "Send health" },
    { href: `/t/${slug}/admin/unsent`, label: "Unsent mail" },
    { href: `/t/${slug}/admin/suppressions`, label: "Suppressions" },
    { href: `/t/${slug}`, label: "My page" },
  ].map((item) => ({ ...item, current: item.href === current }));
}

export function learnerNav(slug: string, isAdmin: boolean, current: string) {
  const items = [{ href: `/t/${slug}`, label: "My page" }];
  if (isAdmin) items.push({ href: `/t/${slug}/admin`, label: "Administration" });
  return items.map((item) => ({ ...item, current: item.href === current }));
}

export function operatorNav(current: string) {
  return [
    { href: "/ops", label: "Sending" },
    { href: "/ops/tenants", label: "Tenants" },
    { href: "/ops/events", label: "Events" },
  ].map((item) => ({
    ...item,
    current: item.href === current,
  }));
}
