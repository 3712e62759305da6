// The registry as a lineage tree: each checkpoint under the one it was trained from
// (base → SFT → reward model / PPO), with its metrics, files and, for policies, promote.
import Link from "next/link";
import type { ArtifactFile, LineageNode } from "@/lib/models/artifacts";
import { fmtCount } from "@/ml/browser";
import { PushToHub } from "../hub/push-to-hub";
import { labelWithUnit, metricInfo, metricTooltip } from "../runs/metric-info";
import { groupFiles } from "./file-groups";
import { MakeOnnxButton } from "./make-onnx-button";
import { PromoteControl } from "./promote-control";

const KIND_LABEL: Record<string, string> = { base: "Base", sft: "SFT", reward_model: "Reward model", ppo: "PPO", dpo: "DPO" };
const KIND_STYLE: Record<string, string> = {
  base: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  sft: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
  reward_model: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  ppo: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  dpo: "bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200",
};

const bytes = (n: number | null) =>
  n === null
    ? "not made yet"
    : n < 1024
      ? `${n} B`
      : n < 1024 ** 2
        ? `${(n / 1024).toFixed(1)} KB`
        : n < 1024 ** 3
          ? `${(n / 1024 ** 2).toFixed(1)} MB`
          : `${(n / 1024 ** 3).toFixed(2)} GB`;
const metric = (v: unknown) =>
  typeof v === "boolean"
    ? v
      ? "yes"
      : "no"
    : typeof v === "number"
      ? Number.isInteger(v)
        ? v.toLocaleString("en-US")
        : v.toPrecision(4)
      : JSON.stringify(v);

export type TreeProps = {
  nodes: LineageNode[];
  files: Record<string, ArtifactFile[]>;
  /** Parameters (null when unknown) and bytes on disk of each checkpoint. */
  sizes: Record<string, { params: number | null; bytes: number }>;
  /** Each project with the checkpoint that now writes its answers (its name, for "replaces …"). */
  projects: { id: string; name: string; generatorId: string | null; generatorName: string | null }[];
  canPromote: boolean;
  /** The viewer may push a checkpoint to the Hugging Face Hub (an admin, with HUB_PUSH=1). */
  hubPush?: boolean;
};

export function ModelTree({ nodes, files, sizes, projects, canPromote, hubPush = false, depth = 0 }: TreeProps & { depth?: number }) {
  return (
    <ul className={depth ? "ml-4 border-l border-zinc-200 pl-4 dark:border-zinc-800" : "space-y-3"}>
      {nodes.map((n) => {
        const size = sizes[n.id];
        return (
          <li key={n.id} className="py-1.5">
            <article
              aria-label={`${KIND_LABEL[n.kind]} ${n.name}`}
              className="rounded-lg border border-zinc-200 bg-white p-3 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
            >
              <header className="flex flex-wrap items-center gap-2">
                <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${KIND_STYLE[n.kind]}`}>{KIND_LABEL[n.kind]}</span>
                <h2 className="font-medium">{n.name}</h2>
                {n.source === "imported" && (
                  <span className="rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-900 dark:bg-violet-950 dark:text-violet-200">imported</span>
                )}
                {size && (
                  <span className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400" aria-label="Size">
                    {size.params !== null ? `${fmtCount(size.params)} parameters · ` : ""}
                    {bytes(size.bytes)}
                  </span>
                )}
                <span className="text-xs text-zinc-500">{n.createdAt.slice(0, 16).replace("T", " ")}</span>
                {n.runId && (
                  <Link href={`/runs/${n.runId}`} className="text-xs text-indigo-700 hover:underline dark:text-indigo-300">
                    run {n.runName || n.runId.slice(0, 8)}
                  </Link>
                )}
                {n.kind !== "reward_model" && (
                  <Link href={`/playground?a=${n.id}`} className="text-xs text-indigo-700 hover:underline dark:text-indigo-300">
                    try in the playground
                  </Link>
                )}
                {n.generatorOf.length > 0 && (
                  <span
                    data-testid="promoted"
                    className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
                  >
                    writes the answers of {n.generatorOf.map((p) => p.name).join(", ")}
                  </span>
                )}
              </header>
              {Object.keys(n.metrics).length > 0 && (
                <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs">
                  {Object.entries(n.metrics).map(([k, v]) => {
                    const info = metricInfo(k);
                    return (
                      <div key={k} className="flex gap-1">
                        <dt className="text-zinc-500" title={metricTooltip(info)}>
                          {labelWithUnit(info)}
                        </dt>
                        <dd className="tabular-nums">{metric(v)}</dd>
                      </div>
                    );
                  })}
                </dl>
              )}
              <div aria-label="Files" role="group" className="mt-2 space-y-1 text-xs">
                {groupFiles(files[n.id] ?? []).map((g) => (
                  <div key={g.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1" data-file-group={g.id}>
                    <span className="w-44 shrink-0 font-medium text-zinc-600 dark:text-zinc-400">
                      {g.label} <span className="font-normal text-zinc-500 tabular-nums">· {bytes(g.bytes)}</span>
                    </span>
                    <ul className="flex flex-wrap gap-x-3 gap-y-1">
                      {g.files.map((f) =>
                        f.onDemand ? (
                          // Not made yet: making it is a POST (a download link must not start a 10-minute export).
                          <li key={f.name}>
                            {canPromote ? <MakeOnnxButton artifactId={n.id} /> : <span className="text-zinc-500">{f.name} (not made yet)</span>}
                          </li>
                        ) : (
                          <li key={f.name}>
                            <a
                              href={`/api/models/${n.id}/files/${encodeURIComponent(f.name)}`}
                              className="text-indigo-700 hover:underline dark:text-indigo-300"
                              download
                            >
                              {f.name}
                            </a>{" "}
                            <span className="text-zinc-500 tabular-nums">({bytes(f.bytes)})</span>
                          </li>
                        ),
                      )}
                    </ul>
                  </div>
                ))}
                {(files[n.id] ?? []).length === 0 && <p className="text-zinc-500">The checkpoint&apos;s folder is missing.</p>}
              </div>
              {canPromote && n.kind !== "reward_model" && (
                <div className="mt-2">
                  <PromoteControl artifactId={n.id} projects={projects} />
                </div>
              )}
              {hubPush && (files[n.id] ?? []).length > 0 && (
                <div className="mt-2">
                  <PushToHub url={`/api/models/${n.id}/hub`} what="model" />
                </div>
              )}
            </article>
            {n.children.length > 0 && (
              <ModelTree nodes={n.children} files={files} sizes={sizes} projects={projects} canPromote={canPromote} hubPush={hubPush} depth={depth + 1} />
            )}
          </li>
        );
      })}
    </ul>
  );
}
