import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The proofs under faults that take too long for the normal suite (`npm run proof:db-loss`): the db
 * project's set-up (a database per file, local SES), their own files.
 */
const db = base.test!.projects!.find(
  (p) => typeof p === "object" && "test" in p && p.test?.name === "db",
) as object;

export default defineConfig(
  mergeConfig(db, {
    test: {
      name: "proof",
      include: ["test/faults/**/*.proof.ts"],
      testTimeout: 180_000,
    },
  }),
);
