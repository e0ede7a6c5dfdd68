/**
 * The tenant bench:members reads: one admin and `count` learners with the variety a real school has
 * (student numbers and name-based login IDs, Japanese and English names, ~85% with an address,
 * every status), seeded with unnest inserts and a fixed random seed so runs compare.
 */
import type postgres from "postgres";
import { hashPassword } from "@/lib/auth/password";

export const TENANT_SLUG = "bench";
export const ADMIN_LOGIN = "bench.admin";
export const ADMIN_PASSWORD = "bench-admin-password";

const FAMILY = [
  ["佐藤", "sato"],
  ["鈴木", "suzuki"],
  ["高橋", "takahashi"],
  ["田中", "tanaka"],
  ["伊藤", "ito"],
  ["渡辺", "watanabe"],
  ["山本", "yamamoto"],
  ["中村", "nakamura"],
  ["小林", "kobayashi"],
  ["加藤", "kato"],
  ["吉田", "yoshida"],
  ["山田", "yamada"],
  ["佐々木", "sasaki"],
  ["山口", "yamaguchi"],
  ["松本", "matsumoto"],
  ["井上", "inoue"],
  ["木村", "kimura"],
  ["清水", "shimizu"],
  ["森", "mori"],
  ["池田", "ikeda"],
] as const;
const GIVEN = [
  ["翔太", "shota"],
  ["陽菜", "hina"],
  ["蓮", "ren"],
  ["結衣", "yui"],
  ["大翔", "hiroto"],
  ["美咲", "misaki"],
  ["悠真", "yuma"],
  ["さくら", "sakura"],
  ["健太", "kenta"],
  ["愛", "ai"],
  ["拓海", "takumi"],
  ["葵", "aoi"],
  ["直樹", "naoki"],
  ["由美", "yumi"],
  ["隆", "takashi"],
  ["花子", "hanako"],
] as const;
const FIRST = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Ava",
  "Oliver",
  "Sophia",
  "James",
  "Isabella",
  "Lucas",
  "Mia",
  "Ethan",
  "Grace",
  "Daniel",
  "Chloe",
  "Samuel",
];
const LAST = [
  "Smith",
  "Johnson",
  "Brown",
  "Taylor",
  "Wilson",
  "Grant",
  "Carter",
  "Reed",
  "Walker",
  "Hughes",
  "Morgan",
  "Clarke",
  "Bennett",
  "Foster",
  "Hayes",
  "Price",
];
const DOMAINS = [
  "gmail.com",
  "yahoo.co.jp",
  "outlook.com",
  "icloud.com",
  "docomo.ne.jp",
  "ezweb.ne.jp",
  "school.example.jp",
  "university.example.ac.jp",
  "example.com",
  "corp.example.co.jp",
];
const EMAIL_STATUS = ["unchecked", "ok", "ok", "ok", "ok", "ok", "invalid", "bounced"] as const;

/** mulberry32: a small seeded generator, so every run seeds the same members. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Member = {
  loginId: string;
  name: string;
  email: string | null;
  emailStatus: string;
  status: string;
  lastLoginAt: string | null;
  createdAt: string;
};

export function members(count: number): Member[] {
  const rnd = random(20_240_401);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const now = Date.now();
  const day = 86_400_000;
  return Array.from({ length: count }, (_, i) => {
    const japanese = rnd() < 0.7;
    let name: string;
    let local: string;
    if (japanese) {
      const [family, familyRomaji] = pick(FAMILY);
      const [given, givenRomaji] = pick(GIVEN);
      // Most Japanese names in kanji, some in romaji as a school's English roster has them.
      name = rnd() < 0.8 ? `${family} ${given}` : `${cap(givenRomaji)} ${cap(familyRomaji)}`;
      local = `${givenRomaji}.${familyRomaji}`;
    } else {
      const first = pick(FIRST);
      const last = pick(LAST);
      name = `${first} ${last}`;
      local = `${first}.${last}`.toLowerCase();
    }
    // Half the schools use student numbers as login IDs, the rest name-based ones.
    const loginId = rnd() < 0.5 ? `s${20_200_000 + i}` : `${local}${i}`;
    const email = rnd() < 0.85 ? `${local}${i}@${pick(DOMAINS)}` : null;
    const r = rnd();
    const status = r < 0.6 ? "active" : r < 0.92 ? "invited" : "disabled";
    const createdAt = now - Math.floor(rnd() * 730 * day);
    const lastLoginAt =
      status === "invited" || rnd() < 0.15
        ? null
        : new Date(createdAt + Math.floor(rnd() * (now - createdAt))).toISOString();
    return {
      loginId,
      name,
      email,
      emailStatus: email ? pick(EMAIL_STATUS) : "none",
      status,
      lastLoginAt,
      createdAt: new Date(createdAt).toISOString(),
    };
  });
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * Seeds the tenant, its admin and `count` learners, and a neighbouring tenant a tenth the size (so
 * the tenant condition has rows to exclude); returns the bench tenant's id.
 */
export async function seedMembers(sql: postgres.Sql, count: number): Promise<string> {
  const [tenant, neighbour] = await sql`
    insert into tenants (slug, name)
    values (${TENANT_SLUG}, 'Bench Academy'), (${`${TENANT_SLUG}-neighbour`}, 'Neighbour School')
    returning id`;
  const tenantId = tenant!.id as string;
  const adminHash = await hashPassword(ADMIN_PASSWORD);
  await sql`
    insert into users (tenant_id, role, login_id, name, email, email_status, status, password_hash)
    values (${tenantId}, 'admin', ${ADMIN_LOGIN}, 'Bench Admin', 'admin@school.example.jp', 'ok',
            'active', ${adminHash})`;
  await insertLearners(sql, tenantId, members(count), adminHash);
  await insertLearners(sql, neighbour!.id as string, members(Math.ceil(count / 10)), adminHash);
  await sql`vacuum analyze users`;
  return tenantId;
}

async function insertLearners(
  sql: postgres.Sql,
  tenantId: string,
  all: Member[],
  // Learners' hashes are never checked here; one shared value stands in for real ones.
  learnerHash: string,
): Promise<void> {
  for (let i = 0; i < all.length; i += 10_000) {
    const chunk = all.slice(i, i + 10_000);
    await sql`
      insert into users (tenant_id, role, login_id, name, email, email_status, status,
                         password_hash, last_login_at, created_at, updated_at)
      select ${tenantId}, 'learner', m.login_id, m.name, m.email, m.email_status::email_status,
             m.status::user_status, case when m.status = 'invited' then null else ${learnerHash} end,
             m.last_login_at, m.created_at, m.created_at
        from unnest(${chunk.map((m) => m.loginId)}::text[], ${chunk.map((m) => m.name)}::text[],
                    ${chunk.map((m) => m.email) as string[]}::text[],
                    ${chunk.map((m) => m.emailStatus)}::text[], ${chunk.map((m) => m.status)}::text[],
                    ${chunk.map((m) => m.lastLoginAt) as string[]}::timestamptz[],
                    ${chunk.map((m) => m.createdAt)}::timestamptz[])
          as m(login_id, name, email, email_status, status, last_login_at, created_at)`;
  }
}
