import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { hashPassword } from "@/lib/auth/password";
import * as schema from "./schema";

export const DEMO_PASSWORD = "sendwell-demo";

type DemoMember = {
  loginId: string;
  name: string;
  email: string | null;
  role: "admin" | "learner";
  status: "invited" | "active" | "disabled";
};

const DEMO_TENANTS: { slug: string; name: string; members: DemoMember[] }[] = [
  {
    slug: "sakura",
    name: "Sakura Academy",
    members: [
      {
        loginId: "sakura.admin",
        name: "Aiko Tanaka",
        email: "aiko.tanaka@example.com",
        role: "admin",
        status: "active",
      },
      {
        loginId: "hanako.s",
        name: "Hanako Suzuki",
        email: "hanako@example.com",
        role: "learner",
        status: "active",
      },
      { loginId: "taro.y", name: "Taro Yamada", email: null, role: "learner", status: "active" },
      {
        loginId: "kenji.w",
        name: "Kenji Watanabe",
        email: "kenji@gmial.com",
        role: "learner",
        status: "invited",
      },
      {
        loginId: "yuki.i",
        name: "Yuki Ito",
        email: "yuki@no-such-domain.invalid",
        role: "learner",
        status: "invited",
      },
      { loginId: "mai.k", name: "Mai Kobayashi", email: null, role: "learner", status: "invited" },
      {
        loginId: "sora.n",
        name: "Sora Nakamura",
        email: "sora@example.com",
        role: "learner",
        status: "disabled",
      },
    ],
  },
  {
    slug: "northwind",
    name: "Northwind Learning",
    members: [
      {
        loginId: "north.admin",
        name: "Olivia Grant",
        email: "olivia@example.org",
        role: "admin",
        status: "active",
      },
      {
        loginId: "liam.c",
        name: "Liam Carter",
        email: "liam@example.org",
        role: "learner",
        status: "active",
      },
      { loginId: "emma.r", name: "Emma Reed", email: null, role: "learner", status: "active" },
      {
        loginId: "noah.b",
        name: "Noah Brooks",
        email: "noah@example.org",
        role: "learner",
        status: "invited",
      },
      {
        loginId: "ava.m",
        name: "Ava Mills",
        email: "ava@bounce.example.org",
        role: "learner",
        status: "invited",
      },
    ],
  },
];

export const DEMO_LOGINS = [
  { who: "Operator", url: "/login", loginId: "operator" },
  ...DEMO_TENANTS.flatMap((t) =>
    t.members
      .filter(
        (m) =>
          m.status === "active" &&
          (m.role === "admin" ||
            m.email === null ||
            m.loginId === "hanako.s" ||
            m.loginId === "liam.c"),
      )
      .map((m) => ({
        who: `${t.name} ${m.role}${m.email ? "" : " (no e-mail)"}`,
        url: `/t/${t.slug}/login`,
        loginId: m.loginId,
      })),
  ),
];

/** Makes the demo: one operator, two tenants, each with an admin and learners. Runs once. */
export async function seedDemo(url: string): Promise<{ created: boolean }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const db = drizzle(sql, { schema });
  try {
    const existing = await db
      .select({ id: schema.tenants.id })
      .from(schema.tenants)
      .where(eq(schema.tenants.slug, DEMO_TENANTS[0]!.slug))
      .limit(1);
    if (existing.length > 0) return { created: false };

    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await db.transaction(async (tx) => {
      await tx.insert(schema.users).values({
        role: "operator",
        loginId: "operator",
        name: "Platform Operator",
        email: "ops@example.com",
        status: "active",
        passwordHash,
      });
      for (const t of DEMO_TENANTS) {
        const [tenant] = await tx
          .insert(schema.tenants)
          .values({ slug: t.slug, name: t.name })
          .returning({ id: schema.tenants.id });
        await tx.insert(schema.users).values(
          t.members.map((m) => ({
            tenantId: tenant!.id,
            role: m.role,
            loginId: m.loginId,
            name: m.name,
            email: m.email,
            emailStatus: m.email ? ("unchecked" as const) : ("none" as const),
            status: m.status,
            passwordHash: m.status === "invited" ? null : passwordHash,
          })),
        );
      }
    });
    return { created: true };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
