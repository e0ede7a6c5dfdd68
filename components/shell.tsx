import Link from "next/link";
import type { ReactNode } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { LogoutButton } from "./logout-button";

/** `badge`: a count beside the label (unread messages); nothing when 0. */
type NavItem = { href: string; label: string; current?: boolean; badge?: number };

type Props = {
  context: string;
  userName: string;
  nav: NavItem[];
  logout: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  children: ReactNode;
};

/** The frame of every signed-in page: who and where you are, what exists, and sign-out. */
export function Shell({ context, userName, nav, logout, children }: Props) {
  return (
    <div className="min-h-dvh">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <div className="flex min-w-0 flex-1 items-baseline gap-2">
            <span className="font-semibold text-brand-700">Sendwell</span>
            <span className="truncate text-sm text-slate-600">{context}</span>
          </div>
          <div className="flex items-center gap-2 text-sm">
            <span className="hidden text-slate-600 sm:inline" data-testid="signed-in-as">
              {userName}
            </span>
            <LogoutButton action={logout} />
          </div>
          <nav aria-label="Main" className="w-full">
            <ul className="flex gap-1 overflow-x-auto">
              {nav.map((item) => (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={item.current ? "page" : undefined}
                    className="block whitespace-nowrap rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:font-medium"
                  >
                    {item.label}
                    {item.badge ? (
                      <span
                        className="ml-1.5 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-medium text-white"
                        data-testid="nav-unread"
                      >
                        {item.badge > 999 ? "999+" : item.badge}
                        <span className="sr-only"> unread</span>
                      </span>
                    ) : null}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-6">{children}</main>
    </div>
  );
}
