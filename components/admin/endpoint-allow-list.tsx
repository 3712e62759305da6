"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

/** The hosts generate runs' OpenAI-compatible endpoints may be on, edited one per line. */
export function EndpointAllowList({ hosts }: { hosts: string[] }) {
  const router = useRouter();
  const [text, setText] = useState(hosts.join("\n"));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  async function save() {
    setError(undefined);
    setSaved(false);
    try {
      const r = await fetchJson<{ hosts: string[] }>("/api/settings/endpoints", { method: "PUT", json: { hosts: text.split("\n") } });
      setText(r.hosts.join("\n"));
      setSaved(true);
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Card className="space-y-3">
      <h2 className="font-semibold">Endpoint hosts</h2>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        Generate runs may ask an OpenAI-compatible endpoint only on these hosts, one per line: <code>api.example.com</code>, <code>*.example.com</code>, a host
        with a port (<code>127.0.0.1:8000</code> for a local vLLM: that port only), an IP address or a range (<code>10.0.0.0/8</code>). A name that resolves to
        a private, loopback or link-local address is refused unless that address (or its range) is listed too.
      </p>
      <label htmlFor="endpoint-hosts" className="sr-only">
        Endpoint hosts
      </label>
      <textarea
        id="endpoint-hosts"
        className="h-40 w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <ErrorText>{error}</ErrorText>
      <div className="flex items-center gap-3">
        <Button onClick={save}>Save</Button>
        {saved && <span className="text-sm text-green-700 dark:text-green-400">Saved.</span>}
      </div>
    </Card>
  );
}
