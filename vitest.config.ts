import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
const shared = {
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside React Server Components; tests are server code.
      "server-only": path.join(root, "test/server-only-stub.ts"),
    },
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.db.test.ts", "node_modules/**", "e2e/**", ".next*/**"],
          environment: "node",
          // The property tests and the zip-bomb check are CPU-bound: 5 s is too tight on two busy cores.
          testTimeout: 20_000,
        },
      },
      {
        ...shared,
        test: {
          name: "db",
          include: ["**/*.db.test.ts"],
          exclude: ["node_modules/**", ".next*/**"],
          environment: "node",
          globalSetup: ["test/db-global-setup.ts"],
          // Auth.js imports "next/server" the way bundlers resolve it; let vite resolve it too.
          server: { deps: { inline: ["next-auth", "@auth/core"] } },
          setupFiles: ["test/db-file-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
