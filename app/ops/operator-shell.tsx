import type { ReactNode } from "react";
import { Shell } from "@/components/shell";
import type { Actor } from "@/lib/auth/actor";
import { operatorNav } from "@/lib/tenants/nav";
import { operatorLogout } from "../login/actions";

/** The frame of every operator page: the operator, the operations navigation with `current` marked. */
export function OperatorShell({
  actor,
  current,
  children,
}: {
  actor: Actor;
  current: string;
  children: ReactNode;
}) {
  return (
    <Shell
      context="Operations"
      userName={actor.name || actor.loginId}
      loginId={actor.loginId}
      nav={operatorNav(current)}
      logout={operatorLogout}
    >
      {children}
    </Shell>
  );
}
