// The environment a child process gets: an allow-list, never a copy of ours. The web server holds
// NEXTAUTH_SECRET (it signs every session) and INFERENCE_SECRET; an export child, the ONNX export
// child, a training worker or the inference server has no use for the first, and a child that runs
// model code or reads user files should not be able to print it. What each needs is added by name.
const SHARED = [
  "PATH",
  "HOME",
  "TMPDIR",
  "TMP",
  "TEMP",
  "LANG",
  "LC_ALL",
  "TZ",
  "NODE_ENV",
  "NODE_EXTRA_CA_CERTS",
  "DATABASE_URL",
  "DATABASE_POOL_SIZE",
  "DATA_DIR",
  "STORAGE_DIR",
  "GLIBC_TUNABLES",
  "NEXT_TELEMETRY_DISABLED",
  "PASSWORD_HASH_LOG2N",
];
/** Tuning knobs by prefix: workers (WORKER_*, RUN_*), the inference server's (INFERENCE_*, less its secret), onnxruntime's, OpenMP's. */
const PREFIXES = ["WORKER_", "RUN_", "INFERENCE_", "ORT_", "OMP_"];
/** Never passed on by prefix; a child that needs one gets it by name from its spawner. */
const SECRETS = new Set(["NEXTAUTH_SECRET", "INFERENCE_SECRET", "RUN_SECRETS_KEY", "ADMIN_PASSWORD"]);

export function childEnv(extra: Record<string, string | undefined> = {}, from: Record<string, string | undefined> = process.env): NodeJS.ProcessEnv {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined || SECRETS.has(k)) continue;
    if (SHARED.includes(k) || PREFIXES.some((p) => k.startsWith(p))) out[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out as NodeJS.ProcessEnv;
}
