// Password hashing with scrypt (memory-hard, in node:crypto). Stored as "scrypt$N$r$p$salt$hash":
// each hash carries its own parameters, so the cost can be raised without breaking old hashes, and
// a hash made at a lower cost is replaced on its owner's next sign-in (needsRehash).
import crypto from "node:crypto";
import { promisify } from "node:util";
import { envVar } from "../env";

const scrypt = promisify(crypto.scrypt) as (pw: crypto.BinaryLike, salt: crypto.BinaryLike, keylen: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

export type PasswordCost = { log2N: number };

const R = 8;
const P = 1;
const KEYLEN = 32;
/** The largest N a stored hash may ask for: 2^20 (1 GiB). Anything larger is refused, not allocated. */
const MAX_LOG2N = 20;

/**
 * N = 2^17, r = 8: 128 MiB and about 4x the work of the first release's 2^15 per hash.
 * PASSWORD_HASH_LOG2N (15-20) changes it; the test setup lowers it to keep the suite quick.
 */
export const PASSWORD_COST: PasswordCost = { log2N: envVar("PASSWORD_HASH_LOG2N") };

/** scrypt needs 128 * N * r * p bytes; the cap is set just above that for each hash's own parameters. */
const maxmem = (n: number, r: number, p: number) => 128 * n * r * p + 1024 * 1024;

export async function hashPassword(password: string, cost: PasswordCost = PASSWORD_COST): Promise<string> {
  const n = 2 ** cost.log2N;
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password.normalize("NFKC"), salt, KEYLEN, { N: n, r: R, p: P, maxmem: maxmem(n, R, P) });
  return ["scrypt", n, R, P, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

function parse(stored: string) {
  const [kind, n, r, p, salt, hash] = stored.split("$");
  const N = Number(n);
  const params = { N, r: Number(r), p: Number(p) };
  if (kind !== "scrypt" || !salt || !hash) return null;
  if (!Number.isInteger(Math.log2(N)) || N < 2 || N > 2 ** MAX_LOG2N) return null;
  if (!(params.r >= 1 && params.r <= 32 && params.p >= 1 && params.p <= 4)) return null;
  return { ...params, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h || h.hash.length < 16) return false;
  const actual = await scrypt(password.normalize("NFKC"), h.salt, h.hash.length, {
    N: h.N,
    r: h.r,
    p: h.p,
    maxmem: maxmem(h.N, h.r, h.p),
  });
  return crypto.timingSafeEqual(h.hash, actual);
}

/** True when a (verified) hash was made below the current cost or with other parameters. */
export function needsRehash(stored: string, cost: PasswordCost = PASSWORD_COST): boolean {
  const h = parse(stored);
  return !h || h.N < 2 ** cost.log2N || h.r !== R || h.p !== P || h.hash.length !== KEYLEN;
}

// A hash to verify against when the account does not exist, so the time taken does not tell.
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= hashPassword(crypto.randomUUID()));

/** A readable random password: 20 url-safe characters (about 120 bits). */
export const generatePassword = () => crypto.randomBytes(15).toString("base64url");
