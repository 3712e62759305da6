"use client";

// Import a pretrained GPT-2 folder into the registry: from a folder under the server's import
// folder (POST /api/models/import), or by uploading its files from this browser with a progress
// bar (POST /api/models/uploads, one PUT per file through XMLHttpRequest for upload progress, then
// POST to finish). The server validates the folder and answers one sentence when it does not fit.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../ui/button";
import { ApiError, fetchJson, type ErrorBody } from "../ui/fetch-json";
import { ErrorText, Field } from "../ui/field";

const FOLDER_FILES = new Set([
  "config.json",
  "model.safetensors",
  "tokenizer.json",
  "vocab.json",
  "merges.txt",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "generation_config.json",
]);

/** PUTs one file, reporting bytes sent; rejects with the server's sentence. */
function putFile(url: string, file: File, onProgress: (sent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    // The server takes uploads only with a type a cross-site form cannot send (lib/http/same-origin).
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let body: ErrorBody = null;
      try {
        body = JSON.parse(xhr.responseText) as ErrorBody;
      } catch {
        // not JSON (a proxy's page): keep the status sentence
      }
      reject(new ApiError(xhr.status, { error: { ...body?.error, message: body?.error?.message ?? `The upload of ${file.name} failed (${xhr.status}).` } }));
    };
    xhr.onerror = () => reject(new ApiError(0, { error: { message: `The upload of ${file.name} was interrupted.` } }));
    xhr.send(file);
  });
}

const mb = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MB`;

export function ImportModel({ importRoot }: { importRoot: string }) {
  const router = useRouter();
  const [mode, setMode] = useState<"upload" | "path">("upload");
  const [name, setName] = useState("");
  const [serverPath, setServerPath] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  async function upload() {
    const chosen = files.filter((f) => FOLDER_FILES.has(f.name));
    if (!chosen.some((f) => f.name === "model.safetensors") || !chosen.some((f) => f.name === "config.json"))
      throw new Error("Choose the model folder's files: config.json, model.safetensors and the tokenizer (tokenizer.json, or vocab.json and merges.txt).");
    const total = chosen.reduce((n, f) => n + f.size, 0);
    const { upload: up } = await fetchJson<{ upload: { id: string; maxBytes: number } }>("/api/models/uploads", { method: "POST" });
    if (total > up.maxBytes) {
      await fetch(`/api/models/uploads/${up.id}`, { method: "DELETE" });
      throw new Error(`The files hold ${mb(total)}, more than the upload limit of ${mb(up.maxBytes)}; import the folder from the server instead.`);
    }
    let before = 0;
    setProgress({ sent: 0, total });
    try {
      for (const f of chosen) {
        await putFile(`/api/models/uploads/${up.id}/files/${encodeURIComponent(f.name)}`, f, (sent) => setProgress({ sent: before + sent, total }));
        before += f.size;
      }
      return await fetchJson<{ model: { name: string } }>(`/api/models/uploads/${up.id}`, { method: "POST", json: { name: name.trim() } });
    } catch (e) {
      await fetch(`/api/models/uploads/${up.id}`, { method: "DELETE" }).catch(() => {});
      throw e;
    }
  }

  return (
    <section
      aria-label="Import a pretrained model"
      className="mb-6 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h2 className="font-medium">Import a pretrained GPT-2 model</h2>
      <p className="mb-3 text-xs text-zinc-500">
        A Hugging Face GPT-2 folder (gpt2, distilgpt2 or your own): config.json, model.safetensors and tokenizer.json or vocab.json + merges.txt. It is checked
        before it is registered and becomes a base model for SFT, reward-model and PPO runs.
      </p>
      <form
        className="space-y-3"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          setDone(undefined);
          if (!name.trim()) return setError("Give the model a name.");
          setBusy(true);
          try {
            const r =
              mode === "path"
                ? await fetchJson<{ model: { name: string } }>("/api/models/import", { method: "POST", json: { path: serverPath.trim(), name: name.trim() } })
                : await upload();
            setDone(`Imported "${r.model.name}".`);
            router.refresh();
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="flex gap-4 text-sm" role="radiogroup" aria-label="From">
          <label className="flex items-center gap-1">
            <input type="radio" name="import-mode" checked={mode === "upload"} onChange={() => setMode("upload")} /> Upload from this computer
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" name="import-mode" checked={mode === "path"} onChange={() => setMode("path")} /> A folder on the server
          </label>
        </div>
        <Field id="import-name" label="Name" value={name} maxLength={200} onChange={(e) => setName(e.currentTarget.value)} />
        {mode === "path" ? (
          <div>
            <Field id="import-path" label="Folder" value={serverPath} placeholder="gpt2" onChange={(e) => setServerPath(e.currentTarget.value)} />
            <p className="mt-1 text-xs text-zinc-500">Under the import folder {importRoot} (large files: copy them there, then import).</p>
          </div>
        ) : (
          <label htmlFor="import-files" className="block space-y-1">
            <span className="text-sm font-medium">Files</span>
            <input id="import-files" type="file" multiple className="block text-sm" onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))} />
          </label>
        )}
        {progress && busy && (
          <div>
            <progress aria-label="Upload progress" className="w-full" max={progress.total} value={progress.sent} />
            <p className="text-xs text-zinc-500">
              {mb(progress.sent)} of {mb(progress.total)}
              {progress.sent >= progress.total ? " — checking the folder…" : ""}
            </p>
          </div>
        )}
        <ErrorText>{error}</ErrorText>
        {done && (
          <p role="status" className="text-sm text-green-700 dark:text-green-400">
            {done}
          </p>
        )}
        <Button type="submit" disabled={busy}>
          {busy ? "Importing…" : "Import"}
        </Button>
      </form>
    </section>
  );
}
