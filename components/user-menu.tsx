"use client";

import * as Dialog from "@radix-ui/react-dialog";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import Link from "next/link";
import { useActionState, useState } from "react";
import type { ActionState } from "@/lib/web/action-result";

type Logout = (prev: ActionState, formData: FormData) => Promise<ActionState>;
/** `badge`: a count beside the label (unread messages); nothing when 0. */
export type NavItem = { href: string; label: string; current?: boolean; badge?: number };

export function NavLabel({ item }: { item: NavItem }) {
  return (
    <>
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
    </>
  );
}

const item =
  "flex min-h-10 w-full cursor-pointer items-center rounded-md px-3 text-left text-sm text-slate-800 outline-none select-none data-[highlighted]:bg-slate-100 hover:bg-slate-100";

/** Sign-out as a form (a server action), so it works the same from the menu and the phone sheet. */
function useLogout(logout: Logout) {
  const [, formAction, pending] = useActionState(logout, null);
  return { formAction, pending };
}

/**
 * Who is signed in, with what they can do about their own account (change password, sign out):
 * Radix DropdownMenu, so it opens with the keyboard, traps nothing and closes on Escape.
 */
export function UserMenu({
  userName,
  loginId,
  changePasswordHref,
  logout,
}: {
  userName: string;
  loginId: string;
  changePasswordHref?: string;
  logout: Logout;
}) {
  const { formAction, pending } = useLogout(logout);
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        className="flex min-h-10 max-w-48 items-center gap-1 rounded-md px-3 text-sm font-medium text-slate-700 hover:bg-slate-100"
        aria-label={`Account: ${userName}`}
        data-testid="user-menu"
      >
        <span className="truncate" data-testid="signed-in-as">
          {userName}
        </span>
        <span aria-hidden>▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          className="z-50 min-w-56 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        >
          <DropdownMenu.Label className="px-3 py-2 text-xs text-slate-500">
            Signed in as <span className="font-mono">{loginId}</span>
          </DropdownMenu.Label>
          {changePasswordHref && (
            <DropdownMenu.Item asChild className={item}>
              <Link href={changePasswordHref}>Change password</Link>
            </DropdownMenu.Item>
          )}
          <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
          <form action={formAction}>
            <DropdownMenu.Item asChild className={item} onSelect={(e) => e.preventDefault()}>
              <button type="submit" disabled={pending}>
                {pending ? "Signing out…" : "Sign out"}
              </button>
            </DropdownMenu.Item>
          </form>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/**
 * On a phone the navigation does not fit in a row: a menu button opens a sheet (Radix Dialog:
 * focus moves in and back, Escape closes) with every page and the account's own actions.
 */
export function PhoneMenu({
  nav,
  userName,
  changePasswordHref,
  logout,
}: {
  nav: NavItem[];
  userName: string;
  changePasswordHref?: string;
  logout: Logout;
}) {
  const [open, setOpen] = useState(false);
  const { formAction, pending } = useLogout(logout);
  const unread = nav.reduce((sum, n) => sum + (n.badge ?? 0), 0);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger
        className="flex min-h-10 items-center gap-2 rounded-md border border-slate-300 px-3 text-sm font-medium text-slate-800 sm:hidden"
        data-testid="phone-menu"
      >
        <span aria-hidden>☰</span> Menu
        {unread > 0 && (
          <span className="rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-medium text-white">
            {unread > 999 ? "999+" : unread}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content className="fixed inset-y-0 right-0 z-50 flex w-[min(20rem,100vw)] flex-col gap-2 overflow-y-auto bg-white p-4 shadow-xl">
          <div className="flex items-center justify-between gap-2">
            <Dialog.Title className="truncate text-base font-semibold">{userName}</Dialog.Title>
            <Dialog.Close className="min-h-10 rounded-md px-3 text-sm text-slate-700 hover:bg-slate-100">
              Close
            </Dialog.Close>
          </div>
          <Dialog.Description className="sr-only">Every page, and your account.</Dialog.Description>
          <nav aria-label="Main">
            <ul className="flex flex-col gap-1">
              {nav.map((n) => (
                <li key={n.href}>
                  <Link
                    href={n.href}
                    onClick={() => setOpen(false)}
                    aria-current={n.current ? "page" : undefined}
                    className={`${item} aria-[current=page]:bg-slate-100 aria-[current=page]:font-medium`}
                  >
                    <NavLabel item={n} />
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="mt-2 border-t border-slate-200 pt-2">
            {changePasswordHref && (
              <Link href={changePasswordHref} onClick={() => setOpen(false)} className={item}>
                Change password
              </Link>
            )}
            <form action={formAction}>
              <button type="submit" disabled={pending} className={item}>
                {pending ? "Signing out…" : "Sign out"}
              </button>
            </form>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
