"use client";

// Makes a policy checkpoint's model.onnx (POST /api/models/{id}/onnx), then shows it as a download.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fetchJson } from "../ui/fetch-json";

export function MakeOnnxButton({ artifactId }: { artifactId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <button
        type="button"
        disabled={busy}
        className="text-indigo-700 hover:underline disabled:opacity-60 dark:text-indigo-300"
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await fetchJson(`/api/models/${artifactId}/onnx`, { method: "POST" });
            router.refresh();
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? "Making model.onnx…" : "Make model.onnx"}
      </button>
      {error && (
        <span role="alert" className="ml-1 text-red-700 dark:text-red-400">
          {error}
        </span>
      )}
    </>
  );
}
