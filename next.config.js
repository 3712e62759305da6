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
    // bundles the export's child script (lib/child-bundle.ts): its native binary is found at run time
    "esbuild",
    // loaded as published (its node build: file blobs read from disk, node:crypto hashes)
    "@huggingface/hub",
  ],
  // CI runs `tsc --noEmit` as its own step; checking again inside `next build` doubles the time.
  typescript: { ignoreBuildErrors: true },
  // Pages get their CSP (with a per-request nonce) and HSTS from proxy.ts; the API, which the proxy
  // does not see, gets a CSP that allows nothing, and HSTS behind an https proxy.
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
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
      {
        source: "/api/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }],
      },
    ];
  },
};

export default nextConfig;
