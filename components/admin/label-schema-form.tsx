"use client";
// The project's label schema as JSON: flags [{id, label}], rating axes [{id, label, min, max}] (the
// axis "quality" is exported as `likert`) and the rationale rule ("off", "optional", "required").
// A change that would leave existing labels outside the schema is refused with one sentence.
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { LabelSchema } from "@/lib/labeling/label-schema";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

export function LabelSchemaForm({ projectId, initial }: { projectId: string; initial: LabelSchema }) {
  const router = useRouter();
  const [text, setText] = useState(JSON.stringify(initial, null, 2));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        setSaved(false);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return setError("The schema is not valid JSON.");
        }
        try {
          await fetchJson(`/api/projects/${projectId}/label-schema`, { method: "PUT", json });
          setSaved(true);
          router.refresh();
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <label htmlFor="label-schema" className="block text-sm">
        Flags, rating axes (the axis <code>quality</code> is the exported <code>likert</code>) and the rationale rule (off, optional, required).
      </label>
      <textarea
        id="label-schema"
        rows={14}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
      />
      <ErrorText>{error}</ErrorText>
      {saved && (
        <p role="status" className="text-sm text-green-700 dark:text-green-400">
          Saved.
        </p>
      )}
      <Button type="submit">Save label schema</Button>
    </form>
  );
}
