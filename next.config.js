/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // forbidden() / unauthorized() in pages answer with real 403 / 401 statuses.
  experimental: { authInterrupts: true },
  // Native and WASM packages load from node_modules at run time, not through the bundler.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "onnxruntime-node",
  ],
  // CI runs `tsc --noEmit` as its own step; checking again inside `next build` doubles the time.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
