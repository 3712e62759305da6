"use client";

// The new-run form: kind, project, model size, starting checkpoint, dataset and hyperparameters,
// all rendered from RUN_KINDS and checked with the kind's zod schema before anything is sent;
// createRun checks everything again and its one-sentence refusal lands on its field.
import { useRouter } from "next/navigation";
import { useMemo, useRef, useState, type ReactNode } from "react";
import { MODEL_SIZES, RUN_KIND_NAMES, RUN_KINDS, type ModelSize, type RunKind } from "@/lib/runs/kinds";
import type { NewRunRequest } from "@/lib/validation/run";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ErrorText } from "../ui/field";
import { ApiError } from "../ui/fetch-json";
import { createRun } from "./api";
import { ConfigFields } from "./config-fields";
import { formatWhen } from "./format";
import {
  allowedBases,
  ARTIFACT_LABEL,
  configFields,
  defaultValues,
  EXPORT_KINDS_FOR,
  latestOf,
  missingFor,
  openingKind,
  parseConfig,
  rescaleValues,
  serverErrors,
  sizeOfArtifact,
  type FieldErrors,
  type FormValues,
} from "./form-model";
import { GenerateSource, sourceRequest, type SourceState } from "./generate-source";
import { RunEstimate } from "./run-estimate";
import { fmtCount, paramCount, PRESETS, type GPTConfig } from "@/ml/browser";
import { estimateFor, memoryRefusal, runModel } from "@/lib/runs/estimate";
import { plural } from "../ui/plural";

type FormArtifact = { id: string; kind: string; name: string; createdAt: string; config: unknown; source?: string; model?: GPTConfig | null };
type FormExport = { id: string; kind: string; projectId: string | null; rowCount: number; createdAt: string };

type Props = {
  projects: { id: string; name: string; answersPerTask?: number }[];
  artifacts: FormArtifact[];
  exports: FormExport[];
  initialKind?: RunKind;
  /** GPUs the live workers report ("cuda:0", ...); the device select is shown only when there is one. */
  gpuDevices?: string[];
  /** The machine's memory in bytes (the run estimate is checked against it, as createRun does). */
  totalMemory: number;
};

const INPUT = "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900 aria-[invalid=true]:border-red-500";
const NOW = "labels-now";
/** The project's labels now, without the preference data imported into it (HH-RLHF, UltraFeedback, TRL…). */
const NOW_OWN = "labels-now-own";
const NONE = "none";

/** Each size named for what it is: its shape and parameter count (ml/model/config.ts PRESETS). */
const SIZE_TEXT = Object.fromEntries(
  MODEL_SIZES.map((s) => {
    const c = PRESETS[s];
    const name = s === "gpt2" ? "GPT-2" : s.charAt(0).toUpperCase() + s.slice(1);
    return [s, `${name}: ${fmtCount(paramCount(c))} parameters (${c.nLayer} layers, width ${c.nEmbd}, context ${c.nCtx})`];
  }),
) as Record<ModelSize, string>;

export function NewRunForm({ projects, artifacts, exports, initialKind, totalMemory, gpuDevices = [] }: Props) {
  const router = useRouter();
  // Opens on a kind that can run now, with the latest suitable checkpoint (and reward model) chosen.
  const [start] = useState(() => {
    const k = openingKind(artifacts, initialKind);
    const base = latestOf(artifacts, RUN_KINDS[k].baseKinds);
    return { kind: k, base, size: sizeOfArtifact(base?.config) ?? "tiny" };
  });
  const [kind, setKind] = useState<RunKind>(start.kind);
  const [size, setSize] = useState<ModelSize>(start.size);
  const [values, setValues] = useState<FormValues>(() => defaultValues(start.kind, start.size));
  const touched = useRef(new Set<string>());
  const [name, setName] = useState("");
  const [projectId, setProjectId] = useState(projects[0]?.id ?? "");
  const [baseId, setBaseId] = useState(start.base?.id ?? "");
  const [rewardId, setRewardId] = useState(() => latestOf(artifacts, ["reward_model"])?.id ?? "");
  /** DPO's frozen reference; "": the starting checkpoint itself. */
  const [refId, setRefId] = useState("");
  const [dataset, setDataset] = useState(RUN_KINDS[start.kind].dataset === "text" ? NONE : NOW);
  const [resume, setResume] = useState(true);
  const [device, setDevice] = useState("");
  const [source, setSource] = useState<SourceState>({ kind: "promoted", artifactIds: [], baseUrl: "", model: "", apiKey: "", k: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const info = RUN_KINDS[kind];
  const fields = useMemo(() => configFields(kind), [kind]);
  const bases = allowedBases(kind, artifacts);
  const rewards = artifacts.filter((a) => a.kind === "reward_model");
  const references = info.referenceKinds ? artifacts.filter((a) => (info.referenceKinds as string[]).includes(a.kind)) : [];
  const parsedNow = useMemo(() => parseConfig(kind, size, values), [kind, size, values]);
  const estimate = useMemo(() => {
    if (kind === "generate" || !parsedNow.ok) return null;
    const model = runModel(kind, parsedNow.config, size, artifacts.find((a) => a.id === baseId)?.model ?? null);
    return model ? estimateFor(kind, parsedNow.config, model, projects.find((p) => p.id === projectId)?.answersPerTask) : null;
  }, [kind, size, parsedNow, artifacts, baseId, projects, projectId]);
  const tooBig = estimate ? memoryRefusal(estimate, totalMemory) : null;
  const datasetExports = exports.filter((e) => EXPORT_KINDS_FOR[info.dataset].includes(e.kind) && (!e.projectId || e.projectId === projectId));

  function changeKind(k: RunKind) {
    setKind(k);
    const base = latestOf(artifacts, RUN_KINDS[k].baseKinds);
    const s = sizeOfArtifact(base?.config) ?? size;
    setSize(s);
    setValues((v) => rescaleValues(k, s, v, touched.current));
    setBaseId(base?.id ?? "");
    setRefId("");
    setDataset(RUN_KINDS[k].dataset === "text" ? NONE : NOW);
    setErrors({});
  }
  function changeSize(s: ModelSize) {
    setSize(s);
    setValues((v) => rescaleValues(kind, s, v, touched.current));
  }
  function changeBase(id: string) {
    setBaseId(id);
    const guess = sizeOfArtifact(artifacts.find((a) => a.id === id)?.config);
    if (guess && guess !== size) changeSize(guess);
  }

  /** Everything the schema cannot know (which selects this kind needs), one sentence each. */
  function checkSelects(): FieldErrors {
    const e: FieldErrors = {};
    if (!projectId) e.projectId = "Choose the project the run belongs to.";
    if (info.baseKinds && !baseId)
      e.baseId = bases.length
        ? "Choose the checkpoint the run starts from."
        : `There is no ${info.baseKinds.map((k) => ARTIFACT_LABEL[k]).join(" or ")} checkpoint yet to start from; train one first.`;
    if (info.needsRewardModel && !rewardId)
      e.rewardId = rewards.length ? "Choose the reward model that scores the rollouts." : "There is no reward model yet; train one first.";
    if (kind === "generate" && source.kind === "artifacts" && source.artifactIds.length === 0)
      e.source = "Choose at least one checkpoint to write the answers.";
    if (kind === "generate" && source.kind === "openai" && !/^https?:\/\/\S+$/.test(source.baseUrl.trim()))
      e.baseUrl = "The endpoint's URL must start with http:// or https://.";
    if (kind === "generate" && source.kind === "openai" && !source.model.trim()) e.model = "Name the model the endpoint serves.";
    if (kind === "generate" && source.k.trim() && !/^[2-9]$/.test(source.k.trim())) e.k = "Answers per task must be a whole number from 2 to 9.";
    return e;
  }

  function request(config: Record<string, unknown>): NewRunRequest {
    return {
      kind,
      name: name.trim(),
      projectId,
      modelSize: size,
      baseId: info.baseKinds ? baseId : undefined,
      rewardId: info.needsRewardModel ? rewardId : undefined,
      refId: info.referenceKinds && refId ? refId : undefined,
      dataset:
        info.dataset === "none" || dataset === NONE
          ? undefined
          : dataset === NOW
            ? { projectLabelsNow: true }
            : dataset === NOW_OWN
              ? { projectLabelsNow: true, importedLabels: "exclude" as const }
              : { exportId: dataset },
      config: device ? { ...config, device } : config,
      request: kind === "generate" ? sourceRequest(source) : undefined,
      resume,
    };
  }

  function show(errs: FieldErrors, message?: string) {
    setErrors(errs);
    setFormError(message);
    // Move focus to the first field with a problem (in the form's order).
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  async function submit() {
    setFormError(undefined);
    const parsed = parseConfig(kind, size, values);
    const errs = { ...checkSelects(), ...(parsed.ok ? {} : parsed.errors) };
    if (!parsed.ok || Object.keys(errs).length) {
      const n = Object.keys(errs).length;
      return show(errs, `${n === 1 ? "One field needs" : `${n} fields need`} fixing before the run can be queued.`);
    }
    if (tooBig) return show({}, tooBig);
    setBusy(true);
    try {
      const { id } = await createRun(request(parsed.config));
      router.push(`/runs/${id}`);
    } catch (e) {
      const body = e instanceof ApiError ? e.body : null;
      const mapped = serverErrors(
        body ?? { error: { message: (e as Error).message } },
        fields.map((f) => f.name),
      );
      show(mapped.fields, mapped.form);
      setBusy(false);
    }
  }

  const err = (k: string) => (errors[k] ? `run-${k}-error` : undefined);

  return (
    <Card>
      <form
        ref={form}
        noValidate
        className="space-y-6"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorText>{formError}</ErrorText>
        <div className="grid gap-4 md:grid-cols-2">
          <Row id="run-kind" label="Kind" help={info.description} error={errors.kind}>
            <select
              id="run-kind"
              className={INPUT}
              value={kind}
              aria-describedby="run-kind-help"
              onChange={(e) => changeKind(e.currentTarget.value as RunKind)}
            >
              {RUN_KIND_NAMES.map((k) => {
                const missing = missingFor(k, artifacts);
                return (
                  <option key={k} value={k}>
                    {RUN_KINDS[k].label}
                    {missing ? ` (${missing})` : ""}
                  </option>
                );
              })}
            </select>
          </Row>
          <Row id="run-name" label="Name (optional)" help="Shown in the runs list; left empty, the kind and the time." error={errors.name}>
            <input
              id="run-name"
              className={INPUT}
              value={name}
              maxLength={200}
              aria-describedby="run-name-help"
              onChange={(e) => setName(e.currentTarget.value)}
            />
          </Row>
          <Row id="run-projectId" label="Project" help="Its labels are the data; its runs are listed together." error={errors.projectId}>
            <select
              id="run-projectId"
              className={INPUT}
              value={projectId}
              aria-invalid={!!errors.projectId}
              aria-describedby={["run-projectId-help", err("projectId")].filter(Boolean).join(" ")}
              onChange={(e) => {
                setProjectId(e.currentTarget.value);
                setDataset(info.dataset === "text" ? NONE : NOW);
              }}
            >
              {projects.length === 0 && <option value="">No projects yet</option>}
              {projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </Row>
          <Row
            id="run-size"
            label="Model size"
            help="Scales the default hyperparameters below; set from the starting checkpoint when it says."
            error={errors.modelSize}
          >
            <select
              id="run-size"
              className={INPUT}
              value={size}
              aria-describedby="run-size-help"
              onChange={(e) => changeSize(e.currentTarget.value as ModelSize)}
            >
              {MODEL_SIZES.map((s) => (
                <option key={s} value={s}>
                  {SIZE_TEXT[s]}
                </option>
              ))}
            </select>
          </Row>
          {info.baseKinds && (
            <Row
              id="run-baseId"
              label="Starting checkpoint"
              help={`${/^(SFT|[aeiou])/i.test(info.baseKinds.map((k) => ARTIFACT_LABEL[k])[0] ?? "") ? "An" : "A"} ${info.baseKinds.map((k) => ARTIFACT_LABEL[k]).join(" or ")} checkpoint.`}
              error={errors.baseId}
            >
              <select
                id="run-baseId"
                className={INPUT}
                value={baseId}
                aria-invalid={!!errors.baseId}
                aria-describedby={["run-baseId-help", err("baseId")].filter(Boolean).join(" ")}
                onChange={(e) => changeBase(e.currentTarget.value)}
              >
                <option value="">{bases.length ? "Choose a checkpoint…" : "No checkpoint of these kinds yet"}</option>
                {bases.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({ARTIFACT_LABEL[a.kind as keyof typeof ARTIFACT_LABEL] ?? a.kind}
                    {a.source === "imported" ? ", imported" : ""}
                    {a.model ? `, ${fmtCount(paramCount(a.model))} parameters` : ""}, {formatWhen(a.createdAt)})
                  </option>
                ))}
              </select>
            </Row>
          )}
          {info.referenceKinds && (
            <Row
              id="run-refId"
              label="Reference checkpoint"
              help="The frozen policy the implicit rewards are measured against: the same architecture and tokenizer as the starting checkpoint."
              error={errors.refId}
            >
              <select
                id="run-refId"
                className={INPUT}
                value={refId}
                aria-invalid={!!errors.refId}
                aria-describedby={["run-refId-help", err("refId")].filter(Boolean).join(" ")}
                onChange={(e) => setRefId(e.currentTarget.value)}
              >
                <option value="">Same as the starting checkpoint</option>
                {references.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({ARTIFACT_LABEL[a.kind as keyof typeof ARTIFACT_LABEL] ?? a.kind}
                    {a.model ? `, ${fmtCount(paramCount(a.model))} parameters` : ""}, {formatWhen(a.createdAt)})
                  </option>
                ))}
              </select>
            </Row>
          )}
          {info.needsRewardModel && (
            <Row id="run-rewardId" label="Reward model" help="Scores the policy's rollouts." error={errors.rewardId}>
              <select
                id="run-rewardId"
                className={INPUT}
                value={rewardId}
                aria-invalid={!!errors.rewardId}
                aria-describedby={["run-rewardId-help", err("rewardId")].filter(Boolean).join(" ")}
                onChange={(e) => setRewardId(e.currentTarget.value)}
              >
                <option value="">{rewards.length ? "Choose a reward model…" : "No reward model yet"}</option>
                {rewards.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({formatWhen(a.createdAt)})
                  </option>
                ))}
              </select>
            </Row>
          )}
          {info.dataset !== "none" && (
            <Row
              id="run-dataset"
              label="Dataset"
              help="An export snapshot, or the project's labels now (a snapshot is made when the run is queued)."
              error={errors.dataset}
            >
              <select
                id="run-dataset"
                className={INPUT}
                value={dataset}
                aria-invalid={!!errors.dataset}
                aria-describedby={["run-dataset-help", err("dataset")].filter(Boolean).join(" ")}
                onChange={(e) => setDataset(e.currentTarget.value)}
              >
                {info.dataset === "text" && <option value={NONE}>The project&apos;s text and the built-in corpus</option>}
                <option value={NOW}>The project&apos;s labels now (makes a snapshot)</option>
                {info.dataset === "rankings" && <option value={NOW_OWN}>The project&apos;s labels now, without imported preference data</option>}
                {datasetExports.map((x) => (
                  <option key={x.id} value={x.id}>
                    Export {formatWhen(x.createdAt)} · {x.kind} · {plural(x.rowCount, "row")}
                  </option>
                ))}
              </select>
            </Row>
          )}
        </div>

        {kind === "generate" && <GenerateSource value={source} onChange={setSource} artifacts={artifacts} errors={errors} />}

        <fieldset className="space-y-3">
          <legend className="text-base font-semibold">Hyperparameters</legend>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Defaults follow InstructGPT, scaled to the model size; changing the kind or the size keeps the values you typed.
          </p>
          <ConfigFields
            fields={fields}
            values={values}
            errors={errors}
            onChange={(n, v) => {
              touched.current.add(n);
              setValues((old) => ({ ...old, [n]: v }));
            }}
          />
        </fieldset>

        {gpuDevices.length > 0 && (
          <label className="block text-sm">
            <span className="font-medium">Device</span>
            <select className={INPUT} value={device} onChange={(e) => setDevice(e.currentTarget.value)} aria-describedby="device-help">
              <option value="">The worker&apos;s default</option>
              <option value="cpu">CPU</option>
              <option value="cuda">Any GPU</option>
              {gpuDevices.map((d) => (
                <option key={d} value={d}>
                  GPU {d}
                </option>
              ))}
            </select>
            <span id="device-help" className="text-xs text-zinc-500">
              A GPU run waits for a worker that has that GPU.
            </span>
            {errors.device && <ErrorText>{errors.device}</ErrorText>}
          </label>
        )}

        <RunEstimate estimate={estimate} totalMemory={totalMemory} refusal={tooBig} />

        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={resume} onChange={(e) => setResume(e.currentTarget.checked)} />
          If a worker dies mid-run, continue from the last checkpoint instead of failing
        </label>

        <div className="flex items-center gap-3">
          <Button type="submit" disabled={busy}>
            {busy ? "Queueing…" : "Queue run"}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** A labelled control with its explanation and its one-sentence error. */
function Row({ id, label, help, error, children }: { id: string; label: string; help: string; error?: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      <p id={`${id}-help`} className="text-xs text-zinc-500 dark:text-zinc-400">
        {help}
      </p>
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
