/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Native and Node-only packages stay out of the server bundle.
  serverExternalPackages: ["@node-rs/argon2", "postgres", "exceljs"],
  // Keeps test and demo builds apart from a developer's `next dev` output.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
