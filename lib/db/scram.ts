// The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, with node:crypto.
// No channel binding (the embedded server is plain TCP on loopback), so the client's GS2 header is
// "n,," or "y,,"; "p=..." is refused. PostgreSQL takes the user name from the startup packet, not
// from the SCRAM message, and so does this.
import crypto from "node:crypto";

export const SCRAM_MECHANISM = "SCRAM-SHA-256";
const ITERATIONS = 4096;

export type ScramVerifier = { salt: Buffer; iterations: number; storedKey: Buffer; serverKey: Buffer };

const hmac = (key: Buffer, text: string) => crypto.createHmac("sha256", key).update(text).digest();
const sha256 = (b: Buffer) => crypto.createHash("sha256").update(b).digest();

/** The stored form of a password: SaltedPassword = PBKDF2(password, salt, i); StoredKey = H(HMAC(SP, "Client Key")). */
export function scramVerifier(password: string, salt = crypto.randomBytes(16), iterations = ITERATIONS): ScramVerifier {
  const salted = crypto.pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  return { salt, iterations, storedKey: sha256(hmac(salted, "Client Key")), serverKey: hmac(salted, "Server Key") };
}

/** A verifier no proof matches: used for unknown users, so they go through the same exchange. */
export function mockVerifier(): ScramVerifier {
  return { salt: crypto.randomBytes(16), iterations: ITERATIONS, storedKey: crypto.randomBytes(32), serverKey: crypto.randomBytes(32) };
}

export class ScramError extends Error {
  /** True when the message was well formed but the proof is wrong (a wrong password or user). */
  constructor(
    message: string,
    readonly wrongPassword = false,
  ) {
    super(message);
  }
}

/** `a=value` attributes of a SCRAM message, in order. */
function attributes(text: string): [string, string][] {
  return text.split(",").map((part) => {
    if (!/^[a-zA-Z]=/.test(part)) throw new ScramError("malformed SCRAM message");
    return [part.charAt(0), part.slice(2)];
  });
}

/** One exchange: `first(clientFirst)` gives the server-first message, `final(clientFinal)` the server-final one or throws. */
export class ScramExchange {
  private gs2 = "";
  private clientFirstBare = "";
  private serverFirst = "";
  private nonce = "";

  constructor(private readonly verifier: ScramVerifier) {}

  first(clientFirst: string): string {
    const m = /^([ny]),([^,]*),(.*)$/s.exec(clientFirst);
    if (!m) throw new ScramError(clientFirst.startsWith("p=") ? "channel binding is not supported" : "malformed SCRAM client-first message");
    const [, flag = "", authzid = "", bare = ""] = m; // all three groups take part in every match
    if (authzid !== "") throw new ScramError("authorization identities are not supported");
    this.gs2 = `${flag},${authzid},`;
    this.clientFirstBare = bare;
    const [user, nonce] = attributes(bare);
    if (user?.[0] !== "n" || nonce?.[0] !== "r") throw new ScramError("malformed SCRAM client-first message");
    const clientNonce = nonce[1];
    if (!/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) throw new ScramError("malformed SCRAM nonce");
    this.nonce = clientNonce + crypto.randomBytes(18).toString("base64");
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString("base64")},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /** Checks the client's proof; returns the server-final message ("v=<signature>"). */
  final(clientFinal: string): string {
    const at = clientFinal.lastIndexOf(",p=");
    if (at < 0) throw new ScramError("malformed SCRAM client-final message");
    const withoutProof = clientFinal.slice(0, at);
    const attrs = attributes(withoutProof);
    if (attrs[0]?.[0] !== "c" || attrs[1]?.[0] !== "r") throw new ScramError("malformed SCRAM client-final message");
    if (Buffer.from(attrs[0][1], "base64").toString("latin1") !== this.gs2) throw new ScramError("SCRAM channel binding check failed");
    if (attrs[1][1] !== this.nonce) throw new ScramError("SCRAM nonce mismatch");
    const proof = Buffer.from(clientFinal.slice(at + 3), "base64");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramError("wrong proof", true);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!)); // same length, checked above
    if (!crypto.timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) throw new ScramError("wrong proof", true);
    return `v=${hmac(this.verifier.serverKey, authMessage).toString("base64")}`;
  }
}
