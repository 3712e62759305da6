"use client";

// Settings → Hugging Face Hub: whether pushes are on (HUB_PUSH), and the access token they use. The
// token is write-only here: the page learns only whether one is stored and when.
import { useState } from "react";
import type { HubStatus } from "@/lib/hub/token";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

export function HubTokenSettings({ initial }: { initial: HubStatus }) {
  const [status, setStatus] = useState(initial);
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();

  async function call(method: "PUT" | "DELETE") {
    setError(undefined);
    try {
      const r = await fetchJson<{ hub: HubStatus }>("/api/settings/hub", method === "PUT" ? { method, json: { token } } : { method });
      setStatus(r.hub);
      setToken("");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Card className="mt-6 space-y-3">
      <h2 className="font-semibold">Hugging Face Hub</h2>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        {status.enabled ? (
          <>
            Pushes are <strong>on</strong>: admins may push a dataset export to a dataset repository and a checkpoint to a model repository on{" "}
            <code>{status.hubUrl}</code>.
          </>
        ) : (
          <>
            Pushes are <strong>off</strong> (start the app with <code>HUB_PUSH=1</code> to turn them on); nothing leaves this machine.
          </>
        )}{" "}
        The access token (with write access) is stored encrypted and never shown again.
      </p>
      <p className="text-sm" data-hub-token={status.token.set ? "set" : "unset"}>
        {status.token.set ? `A token is stored (since ${new Date(status.token.updatedAt!).toLocaleString()}).` : "No token is stored."}
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          <span>{status.token.set ? "Replace the token" : "Access token"}</span>
          <input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder="hf_…"
            className="w-80 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        <Button onClick={() => call("PUT")} disabled={!token.trim()}>
          Save token
        </Button>
        {status.token.set && (
          <Button variant="secondary" onClick={() => call("DELETE")}>
            Remove
          </Button>
        )}
      </div>
      <ErrorText>{error}</ErrorText>
    </Card>
  );
}
