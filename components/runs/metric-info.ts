// What each metric a trainer logs means, in one table: a human label, its unit and one line of
// help. The run page, the compare page and the models page show these; the raw key stays in a
// tooltip. Keys are normalized names ("val_loss", "valLoss" -> "valloss"); a key not here is shown
// as logged.

export type MetricInfo = { label: string; unit?: string; help: string };

export const METRIC_INFO: Record<string, MetricInfo> = {
  // language-model training (pretrain, SFT)
  loss: { label: "Training loss", unit: "nats/token", help: "Cross-entropy on the training batch; lower is better." },
  valloss: { label: "Validation loss", unit: "nats/token", help: "Cross-entropy on held-out data; rising while training loss falls means overfitting." },
  lr: { label: "Learning rate", help: "The optimizer's step size at this step (warmup, then cosine decay)." },
  gradnorm: { label: "Gradient norm", help: "Size of the gradient before clipping; spikes mean unstable steps." },
  tokenspersec: { label: "Throughput", unit: "tokens/s", help: "Training tokens processed per second." },
  copyms: { label: "Host↔device copy time", unit: "ms", help: "Time a step spent copying between CPU and GPU memory." },
  steps: { label: "Steps", unit: "steps", help: "Optimizer steps the run took." },
  stoppedearly: {
    label: "Stopped early",
    help: "1 (yes) when validation loss stopped improving for the patience set, so training ended before the last step.",
  },
  // reward model
  accuracy: {
    label: "Training accuracy",
    unit: "fraction",
    help: "Share of training pairs where the chosen answer scored above the rejected one; 0.5 is chance.",
  },
  valaccuracy: { label: "Held-out accuracy", unit: "fraction", help: "The same on held-out pairs; below 0.5 the model prefers the rejected answer." },
  margin: { label: "Training margin", unit: "raw score", help: "Mean score of the chosen answer minus the rejected one, in the model's raw units." },
  valmargin: { label: "Held-out margin", help: "The same on held-out pairs (raw units on the chart; normalised in the model's card)." },
  rewardmean: { label: "Mean reward", unit: "normalised score", help: "Mean score on held-out answers after normalisation (about 0 by design)." },
  rewardstd: { label: "Reward spread", unit: "normalised score", help: "Standard deviation of held-out scores after normalisation (about 1 by design)." },
  shift: { label: "Normalisation shift", unit: "raw score", help: "Subtracted from every raw score so the reference set has mean 0." },
  scale: { label: "Normalisation scale", unit: "raw score", help: "Raw scores are divided by this so the reference set has spread 1." },
  // PPO
  score: { label: "Reward-model score", unit: "normalised score", help: "Mean reward-model score of the policy's answers this iteration; higher is better." },
  kl: { label: "KL to the reference", unit: "nats", help: "How far the policy has moved from the model it started from (per answer)." },
  objective: { label: "Score − β·KL", unit: "normalised score", help: "What PPO maximises: the score with the KL penalty taken off." },
  beta: { label: "KL coefficient β", help: "Weight of the KL penalty (adapted to hold the KL target when that is on)." },
  entropy: { label: "Entropy", unit: "nats/token", help: "How spread the policy's next-token choices are; a fast drop means collapse onto few answers." },
  responselength: { label: "Answer length", unit: "tokens", help: "Mean length of the sampled answers." },
  noeosfrac: { label: "Answers cut off", unit: "fraction", help: "Share of sampled answers that hit the token limit without ending." },
  policyloss: { label: "Policy loss", help: "PPO's clipped surrogate loss (sign and size matter less than stability)." },
  clipfrac: { label: "Clipped updates", unit: "fraction", help: "Share of tokens whose probability ratio hit the clip range; high means steps too large." },
  approxkl: { label: "Step KL", unit: "nats", help: "Approximate KL between the policy before and after this update; large means unstable steps." },
  valueloss: { label: "Value loss", help: "Error of the value head predicting returns; lower is better." },
  valueclipfrac: { label: "Clipped value updates", unit: "fraction", help: "Share of value predictions whose change hit the clip range." },
  ptxloss: { label: "Pretraining-mix loss", unit: "nats/token", help: "Language-model loss on the pretraining mix (PPO-ptx), keeping general ability." },
  iterations: { label: "Iterations", unit: "iterations", help: "PPO iterations (sample, score, update) the run took." },
};

/** "val_loss" -> "valloss" (the same rule as the charts'). */
const norm = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** What a metric is: from the table, or its raw key with no help. */
export function metricInfo(raw: string): MetricInfo & { key: string; known: boolean } {
  const hit = METRIC_INFO[norm(raw)];
  return hit ? { ...hit, key: raw, known: true } : { label: raw, help: "", key: raw, known: false };
}

/** "Throughput (tokens/s)". */
export const labelWithUnit = (i: { label: string; unit?: string }) => (i.unit ? `${i.label} (${i.unit})` : i.label);

/** The tooltip: the help, then the raw key as logged. */
export const metricTooltip = (i: { help: string; key: string }) => (i.help ? `${i.help} (logged as "${i.key}")` : `Logged as "${i.key}"`);
