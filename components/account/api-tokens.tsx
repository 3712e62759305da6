"use client";

// Personal API tokens on the account page: list, create (scopes limited to the user's role), show the
// new token once, revoke.
import { useCallback, useEffect, useState } from "react";
import { SCOPES, type Scope } from "@/lib/auth/scopes";
import { formatWhen } from "../runs/format";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field } from "../ui/field";

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  createdAt: string;
};

const scopeHelp = (s: string): string | undefined => (Object.hasOwn(SCOPES, s) ? SCOPES[s as Scope].doc : undefined);

// In UTC, as the server renders it: the browser's locale and time zone would not hydrate (React #418).
const when = (iso: string | null) => (iso ? `${formatWhen(iso)} UTC` : "never");

/** `scopes`: the scopes the user's role may put on a token (lib/auth/scopes grantableScopes). */
export function ApiTokens({ scopes }: { scopes: string[] }) {
  const [tokens, setTokens] = useState<TokenRow[]>();
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await fetchJson<{ tokens: TokenRow[] }>("/api/tokens");
      setTokens(r.tokens);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-500">
        Tokens let a script call the{" "}
        <a className="underline" href="/api/v1/openapi.json">
          /api/v1 API
        </a>{" "}
        as you, with only the scopes you tick. Send one as <code>Authorization: Bearer rlhf_…</code>.
      </p>
      {created && (
        <div role="status" className="space-y-2 rounded-md border border-green-300 bg-green-50 p-3 text-sm dark:border-green-800 dark:bg-green-950">
          <p>
            Your new token <strong>{created.name}</strong>. Copy it now: it is shown only once.
          </p>
          <input
            readOnly
            aria-label="New API token"
            className="w-full rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
            value={created.token}
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="flex gap-2">
            <Button type="button" variant="secondary" onClick={() => void navigator.clipboard?.writeText(created.token)}>
              Copy
            </Button>
            <Button type="button" variant="ghost" onClick={() => setCreated(undefined)}>
              Done
            </Button>
          </div>
        </div>
      )}
      <form
        className="space-y-3"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const f = new FormData(form);
          const days = Number(f.get("expiresInDays") || 0);
          setError(undefined);
          setBusy(true);
          try {
            const r = await fetchJson<{ token: string; apiToken: TokenRow }>("/api/tokens", {
              method: "POST",
              json: { name: f.get("name"), scopes: f.getAll("scopes"), ...(days > 0 ? { expiresInDays: days } : {}) },
            });
            setCreated({ name: r.apiToken.name, token: r.token });
            form.reset();
            await load();
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field label="Name" id="token-name" name="name" required maxLength={100} placeholder="nightly export job" />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Scopes</legend>
          {scopes.map((s) => (
            <label key={s} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="scopes" value={s} />
              <code>{s}</code>
              {scopeHelp(s) && <span className="text-zinc-500">({scopeHelp(s)})</span>}
            </label>
          ))}
        </fieldset>
        <Field label="Expires after (days, empty for never)" id="token-expiry" name="expiresInDays" type="number" min={1} max={3650} />
        <ErrorText>{error}</ErrorText>
        <Button type="submit" disabled={busy}>
          Create token
        </Button>
      </form>
      {tokens && tokens.length > 0 && (
        <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
          {tokens.map((t) => (
            <li key={t.id} className="flex items-start justify-between gap-3 py-2">
              <div>
                <p>
                  <strong>{t.name}</strong> <code className="text-zinc-500">{t.prefix}…</code>
                  {t.revokedAt && <span className="ml-2 text-red-600">revoked</span>}
                </p>
                <p className="text-xs text-zinc-500">
                  {t.scopes.join(", ")} · created {when(t.createdAt)} · last used {when(t.lastUsedAt)}
                  {t.expiresAt && <> · expires {when(t.expiresAt)}</>}
                </p>
              </div>
              {!t.revokedAt && (
                <Button
                  type="button"
                  variant="danger"
                  onClick={async () => {
                    if (!confirm(`Revoke the token "${t.name}"? Scripts using it stop working at once.`)) return;
                    setError(undefined);
                    try {
                      await fetchJson(`/api/tokens/${t.id}`, { method: "DELETE" });
                      await load();
                    } catch (err) {
                      setError((err as Error).message);
                    }
                  }}
                >
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {tokens && tokens.length === 0 && <p className="text-sm text-zinc-500">You have no API tokens.</p>}
    </div>
  );
}
