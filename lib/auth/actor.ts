import type { User } from "@/db/schema";
import type { TenantRef } from "@/lib/tenants/tenants";

/** Who is acting: the signed-in person as the session and the database agree (lib/web/session). */
export type Actor = {
  userId: string;
  sessionId: string;
  role: User["role"];
  tenantId: string | null;
  loginId: string;
  name: string;
  /** Signed in with a temporary password: every page sends them to choose their own first. */
  mustChangePassword: boolean;
};

/** An actor inside the tenant the URL names, verified: what every tenant-scoped lib function takes. */
export type TenantActor = { actor: Actor; tenant: TenantRef };
