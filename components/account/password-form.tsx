"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field } from "../ui/field";

export function PasswordForm() {
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  return (
    <form
      className="max-w-sm space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const f = new FormData(form);
        setError(undefined);
        setDone(undefined);
        try {
          const revokeTokens = f.get("revokeTokens") === "on";
          const res = await fetchJson<{ tokensRevoked: number }>("/api/account/password", {
            method: "POST",
            json: { current: f.get("current"), next: f.get("next"), revokeTokens },
          });
          form.reset();
          const tokens = revokeTokens ? ` ${res.tokensRevoked} API token${res.tokensRevoked === 1 ? " was" : "s were"} revoked.` : "";
          setDone(`Your password was changed. Your other sessions were signed out.${tokens}`);
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <Field label="Current password" id="current" name="current" type="password" autoComplete="current-password" required />
      <Field label="New password (10+ characters)" id="next" name="next" type="password" autoComplete="new-password" required minLength={10} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="revokeTokens" /> Also revoke my API tokens
      </label>
      <ErrorText>{error}</ErrorText>
      {done && (
        <p role="status" className="text-sm text-green-700 dark:text-green-400">
          {done}
        </p>
      )}
      <Button type="submit">Change password</Button>
    </form>
  );
}
