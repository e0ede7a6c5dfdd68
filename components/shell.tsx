import Link from "next/link";
import type { ReactNode } from "react";
import type { ActionState } from "@/lib/web/action-result";
import { NavLabel, PhoneMenu, UserMenu, type NavItem } from "./user-menu";

type Props = {
  context: string;
  userName: string;
  loginId: string;
  nav: NavItem[];
  logout: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  /** Members have one; operators change theirs elsewhere. */
  changePasswordHref?: string;
  children: ReactNode;
};

/**
 * The frame of every signed-in page: who and where you are, what exists, and the account menu
 * (change password, sign out). From `sm` up the navigation is a row that wraps; on a phone it is
 * behind a menu button, so nothing is clipped and nothing scrolls sideways.
 */
export function Shell({
  context,
  userName,
  loginId,
  nav,
  logout,
  changePasswordHref,
  children,
}: Props) {
  return (
    <div className="min-h-dvh">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <div className="flex min-w-0 flex-1 items-baseline gap-2">
            <span className="font-semibold text-brand-700">Sendwell</span>
            <span className="truncate text-sm text-slate-600">{context}</span>
          </div>
          <div className="flex items-center gap-2">
            <PhoneMenu
              nav={nav}
              userName={userName}
              changePasswordHref={changePasswordHref}
              logout={logout}
            />
            <div className="max-sm:hidden">
              <UserMenu
                userName={userName}
                loginId={loginId}
                changePasswordHref={changePasswordHref}
                logout={logout}
              />
            </div>
          </div>
          <nav aria-label="Main" className="w-full max-sm:hidden">
            <ul className="flex flex-wrap gap-1">
              {nav.map((item) => (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={item.current ? "page" : undefined}
                    className="block rounded-md px-3 py-2 text-sm whitespace-nowrap text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:font-medium"
                  >
                    <NavLabel item={item} />
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
