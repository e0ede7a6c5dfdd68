import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from "@/db/seed";
import { requireDatabaseUrl } from "./lib/require-database-url";

const { created } = await seedDemo(requireDatabaseUrl("npm run db:seed"));
console.log(created ? "Demo data created." : "Demo data already present; nothing changed.");
for (const l of DEMO_LOGINS) console.log(`  ${l.who.padEnd(36)} ${l.url.padEnd(20)} ${l.loginId}`);
console.log(`  password for all: ${DEMO_PASSWORD}`);
