import { migrateDatabase } from "@/db/migrate";
import { requireDatabaseUrl } from "./lib/require-database-url";

await migrateDatabase(requireDatabaseUrl("npm run db:migrate"));
console.log("Migrations applied.");
