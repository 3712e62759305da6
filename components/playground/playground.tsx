"use client";

// Chat with one or two policy checkpoints side by side, with the chosen reward model's score of
// each answer. Every turn goes to POST /api/playground (the inference server does the work).
import { useState } from "react";
import type { PlaygroundReply } from "@/lib/inference/schema";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";
import { plural } from "../ui/plural";

type Model = { id: string; name: string; kind: string };
type Turn = { role: "user" | "assistant"; content: string; meta?: Omit<PlaygroundReply, "text"> };
type Side = { artifactId: string; turns: Turn[]; error?: string; busy: boolean };

const INPUT = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

const SAMPLING = [
  { key: "temperature", label: "Temperature", min: 0, max: 2, step: 0.05 },
  { key: "topP", label: "Top-p", min: 0.01, max: 1, step: 0.01 },
  { key: "topK", label: "Top-k (0: all)", min: 0, max: 100000, step: 1 },
  { key: "maxNewTokens", label: "Max tokens", min: 1, max: 1024, step: 1 },
  { key: "seed", label: "Seed", min: 0, max: 2147483647, step: 1 },
] as const;
type SamplingKey = (typeof SAMPLING)[number]["key"];

export function Playground({ policies, rewardModels, initial }: { policies: Model[]; rewardModels: Model[]; initial?: string }) {
  const [sides, setSides] = useState<Side[]>([
    { artifactId: initial ?? policies[0]?.id ?? "", turns: [], busy: false },
    { artifactId: "", turns: [], busy: false },
  ]);
  const [rewardModelId, setRewardModelId] = useState(rewardModels[0]?.id ?? "");
  const [system, setSystem] = useState("");
  const [draft, setDraft] = useState("");
  const [sampling, setSampling] = useState<Record<SamplingKey, number>>({ temperature: 0.8, topP: 0.95, topK: 0, maxNewTokens: 64, seed: 0 });

  const update = (i: number, patch: Partial<Side>) => setSides((s) => s.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  async function send() {
    const text = draft.trim();
    if (!text) return;
    setDraft("");
    await Promise.all(
      sides.map(async (side, i) => {
        if (!side.artifactId) return;
        const turns: Turn[] = [...side.turns, { role: "user", content: text }];
        update(i, { turns, busy: true, error: undefined });
        const messages = [
          ...(system.trim() ? [{ role: "system" as const, content: system.trim() }] : []),
          ...turns.map(({ role, content }) => ({ role, content })),
        ];
        try {
          const r = await fetchJson<PlaygroundReply>("/api/playground", {
            method: "POST",
            json: { artifactId: side.artifactId, messages, sampling, rewardModelId: rewardModelId || null },
          });
          const { text: answer, ...meta } = r;
          update(i, { turns: [...turns, { role: "assistant", content: answer, meta }], busy: false });
        } catch (err) {
          update(i, { turns: side.turns, busy: false, error: (err as Error).message });
        }
      }),
    );
  }

  const busy = sides.some((s) => s.busy);
  return (
    <div className="space-y-4">
      <section
        aria-label="Settings"
        className="grid gap-3 rounded-lg border border-zinc-200 bg-white p-3 text-sm sm:grid-cols-3 lg:grid-cols-7 dark:border-zinc-800 dark:bg-zinc-900"
      >
        <label className="space-y-1 sm:col-span-3 lg:col-span-2">
          <span className="font-medium">Reward model</span>
          <select className={INPUT} value={rewardModelId} onChange={(e) => setRewardModelId(e.currentTarget.value)}>
            <option value="">None (no scores)</option>
            {rewardModels.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        {SAMPLING.map((f) => (
          <label key={f.key} className="space-y-1">
            <span className="font-medium">{f.label}</span>
            <input
              type="number"
              className={INPUT}
              min={f.min}
              max={f.max}
              step={f.step}
              value={sampling[f.key]}
              onChange={(e) => setSampling((s) => ({ ...s, [f.key]: Number(e.currentTarget.value) }))}
            />
          </label>
        ))}
        <label className="space-y-1 sm:col-span-3 lg:col-span-7">
          <span className="font-medium">System message (optional)</span>
          <input className={INPUT} value={system} onChange={(e) => setSystem(e.currentTarget.value)} />
        </label>
      </section>

      <div className="grid gap-4 md:grid-cols-2">
        {sides.map((side, i) => (
          <section
            key={i}
            aria-label={`Checkpoint ${i === 0 ? "A" : "B"}`}
            className="flex min-h-64 flex-col rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
          >
            <label className="mb-2 flex items-center gap-2 text-sm">
              <span className="font-medium">{i === 0 ? "A" : "B"}</span>
              <select className={INPUT} value={side.artifactId} onChange={(e) => update(i, { artifactId: e.currentTarget.value, turns: [], error: undefined })}>
                {i === 1 && <option value="">None (compare with a second checkpoint)</option>}
                {policies.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name} ({m.kind})
                  </option>
                ))}
              </select>
            </label>
            <ol className="flex-1 space-y-2 text-sm" aria-live="polite">
              {side.turns.map((t, j) => (
                <li
                  key={j}
                  className={t.role === "user" ? "ml-8 rounded-md bg-indigo-50 p-2 dark:bg-indigo-950" : "mr-8 rounded-md bg-zinc-100 p-2 dark:bg-zinc-800"}
                >
                  <p className="whitespace-pre-wrap break-words">{t.content || <em className="text-zinc-500">(empty answer)</em>}</p>
                  {t.meta && (
                    <p className="mt-1 text-xs text-zinc-500">
                      {plural(t.meta.tokens, "token")}
                      {t.meta.finished ? "" : " (cut at max tokens)"} · {t.meta.ms} ms
                      {t.meta.score !== null && (
                        <>
                          {" "}
                          · reward <strong className="tabular-nums text-zinc-800 dark:text-zinc-200">{t.meta.score.toFixed(3)}</strong>
                        </>
                      )}
                    </p>
                  )}
                </li>
              ))}
              {side.busy && <li className="text-xs text-zinc-500">Generating…</li>}
            </ol>
            <ErrorText>{side.error}</ErrorText>
          </section>
        ))}
      </div>

      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <label htmlFor="playground-message" className="sr-only">
          Message
        </label>
        <textarea
          id="playground-message"
          rows={2}
          className={INPUT}
          placeholder="Write a message; Ctrl+Enter sends it to both checkpoints"
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <div className="flex flex-col gap-2">
          <Button type="submit" disabled={busy || !draft.trim() || !sides.some((s) => s.artifactId)}>
            Send
          </Button>
          <Button type="button" variant="ghost" onClick={() => setSides((s) => s.map((x) => ({ ...x, turns: [], error: undefined })))}>
            Clear
          </Button>
        </div>
      </form>
    </div>
  );
}
