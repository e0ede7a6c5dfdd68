/** What exists for each area; pages mark the current one. Grows as features land. */
export function adminNav(slug: string, current: string, unread = 0) {
  return [
    { href: `/t/${slug}/admin`, label: "Overview" },
    { href: `/t/${slug}/admin/members`, label: "Members" },
    { href: `/t/${slug}/admin/members/new`, label: "Add member" },
    { href: `/t/${slug}/admin/members/import`, label: "Import members" },
    { href: `/t/${slug}/admin/members/access`, label: "Sign-in help" },
    { href: `/t/${slug}/admin/login-codes`, label: "Login codes" },
    { href: `/t/${slug}/admin/health`, label: "Send health" },
    { href: `/t/${slug}/admin/unsent`, label: "Unsent mail" },
    { href: `/t/${slug}/admin/suppressions`, label: "Suppressions" },
    { href: `/t/${slug}/admin/messages`, label: "Messages" },
    { href: `/t/${slug}/admin/audit`, label: "Audit log" },
    { href: `/t/${slug}/messages`, label: "My messages", badge: unread },
    { href: `/t/${slug}`, label: "My page" },
  ].map((item) => ({ ...item, current: item.href === current }));
}

export function learnerNav(slug: string, isAdmin: boolean, current: string, unread = 0) {
  const items: { href: string; label: string; badge?: number }[] = [
    { href: `/t/${slug}`, label: "My page" },
    { href: `/t/${slug}/messages`, label: "Messages", badge: unread },
  ];
  if (isAdmin) items.push({ href: `/t/${slug}/admin`, label: "Administration" });
  return items.map((item) => ({ ...item, current: item.href === current }));
}

export function operatorNav(current: string) {
  return [
    { href: "/ops", label: "Sending" },
    { href: "/ops/tenants", label: "Tenants" },
    { href: "/ops/events", label: "Events" },
    { href: "/ops/announcements", label: "Announcements" },
    { href: "/ops/unsent", label: "Unsent mail" },
    { href: "/ops/audit", label: "Audit log" },
  ].map((item) => ({
    ...item,
    current: item.href === current,
  }));
}
