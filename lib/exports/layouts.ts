// Each export kind × layout, declared once: the one-line description and the fields the dataset card lists.
import { STRENGTH_MARGIN_TEXT } from "../ranking/strength";
import type { ExportKind, ExportLabelChoice, ExportLayout } from "../validation/export";

/** A column of a layout; `optional`: only on rows that have it (a null in Parquet, absent in JSON Lines). */
type Field = { name: string; type: string; description: string; optional?: true };
type Layout = { layout: string; fields: Field[] };

const MSGS = "list of {role, content}";
const margin: Field = {
  name: "margin",
  type: "float",
  description: `Tier distance between chosen and rejected (0 for a tie); in a pairwise (K = 2) project with a preference strength, Llama 2's margin instead: ${STRENGTH_MARGIN_TEXT}; for a pair imported from a TRL dataset, the margin it gave. Written when asked for, and always when ties are kept.`,
};
const tie: Field = {
  name: "tie",
  type: "bool",
  description:
    'True when the labeler ranked the two answers equal (chosen and rejected are then just the order shown); written whenever margin is, so a tie (margin 0) is never mistaken for a "negligibly better" preference (also margin 0). TRL\'s trainers read every row as a preference: drop the tie rows for them.',
};

/** What the dataset card says for each choice of labels (validation/export.ts EXPORT_LABEL_CHOICES). */
export const LABEL_CHOICE_TEXT: Record<ExportLabelChoice, string> = {
  all: "All labels: every labeler's ranking of each task is its own row (or rows). Labels a reviewer discarded are left out.",
  consensus:
    'Consensus: one ranking per task. Where a reviewer overrode the task it is the reviewer\'s ranking (labeler "reviewed"); elsewhere the Borda-count consensus of the task\'s labels that pass the filters, equal scores tied (labeler "consensus"). A chosen ranking has no Likert scores; its flags are every flag its labels set. Labels a reviewer discarded are left out.',
  reviewed:
    "Reviewed where available: for a task a reviewer overrode, the reviewer's ranking alone (labeler \"reviewed\", no Likert scores, its labels' flags); every other task's labels as they are. Labels a reviewer discarded are left out.",
};

export const KIND_LABELS: Record<ExportKind, string> = {
  sft: "SFT demonstrations",
  rm: "Reward model, pairwise",
  rankings: "Rankings, whole",
  ppo: "PPO prompts",
};

export const LAYOUTS: Record<ExportKind, Record<ExportLayout, Layout>> = {
  sft: {
    standard: {
      layout: "SFT prompt-completion pairs: prompt, completion (one line per demonstration)",
      fields: [
        { name: "prompt", type: "string", description: 'The prompt; chat prompts as "User: …\\n\\nAssistant:".' },
        { name: "completion", type: "string", description: "The labeler's demonstration." },
      ],
    },
    conversational: {
      layout: "OpenAI fine-tuning chat layout: messages (one line per demonstration)",
      fields: [{ name: "messages", type: MSGS, description: "The prompt's messages, then the demonstration as the assistant turn." }],
    },
  },
  rm: {
    standard: {
      layout: "TRL preference pairs: prompt, chosen, rejected (strings)",
      fields: [
        { name: "prompt", type: "string", description: 'The prompt; chat prompts as "User: …\\n\\nAssistant:".' },
        { name: "chosen", type: "string", description: "The answer ranked better." },
        { name: "rejected", type: "string", description: "The answer ranked worse (for a tie: the later one shown)." },
        margin,
        tie,
      ],
    },
    conversational: {
      layout: "TRL conversational preference pairs: prompt, chosen, rejected (message lists)",
      fields: [
        { name: "prompt", type: MSGS, description: "The prompt's messages." },
        { name: "chosen", type: MSGS, description: "One assistant turn: the answer ranked better." },
        { name: "rejected", type: MSGS, description: "One assistant turn: the answer ranked worse (for a tie: the later one shown)." },
        margin,
        tie,
      ],
    },
  },
  rankings: {
    standard: {
      layout: "one whole ranking of K answers (all C(K,2) comparisons of it together)",
      fields: [
        { name: "prompt", type: "string", description: "The prompt as text." },
        { name: "responses", type: "list of string", description: "The answers in the order shown (A first)." },
        { name: "ranking", type: "string", description: 'The ranking, best first, e.g. "A > B > C = D".' },
        { name: "tiers", type: "list of list of int", description: "Response indices grouped in tiers, best first." },
        { name: "likert", type: "list of int|null", description: "Overall quality 1..7 per response, null where not given." },
        { name: "flags", type: "list of list of string", description: "Flags the labeler set per response." },
        { name: "labeler", type: "string", description: "A pseudonym, stable within this export." },
        { name: "time_spent_ms", type: "int", description: "Time the labeler spent on the ranking." },
        {
          name: "ratings",
          type: "list of {axis: int}",
          optional: true,
          description:
            "Per response, its scores on the project's rating axes other than quality (see Label schema); only on rankings where some answer has one. In Parquet, the list as a JSON string.",
        },
        { name: "rationale", type: "string", optional: true, description: "The labeler's free-text reason for the ranking; only where given." },
        {
          name: "strength",
          type: "string",
          optional: true,
          description:
            "Pairwise (K = 2) projects only, on rankings that have one: Llama 2's preference strength of the better answer (significantly, better, slightly, negligibly = negligibly better / unsure).",
        },
        { name: "margin", type: "int", optional: true, description: `Beside strength only: its Llama 2 margin (${STRENGTH_MARGIN_TEXT}).` },
      ],
    },
    conversational: {
      layout: "one whole ranking of K answers, prompt as messages",
      fields: [],
    },
  },
  ppo: {
    standard: {
      layout: "RL prompts: prompt",
      fields: [{ name: "prompt", type: "string", description: 'The prompt; chat prompts as "User: …\\n\\nAssistant:".' }],
    },
    conversational: {
      layout: "RL prompts, chat layout: messages",
      fields: [{ name: "messages", type: MSGS, description: "The prompt's messages." }],
    },
  },
};
LAYOUTS.rankings.conversational.fields = LAYOUTS.rankings.standard.fields.map((f) =>
  f.name === "prompt" ? { ...f, type: MSGS, description: "The prompt's messages." } : f,
);

/** The layout with the fields this export writes: for pairs, `margin` and `tie` when margin is asked for or ties are kept. */
export function layoutOf(kind: ExportKind, layout: ExportLayout, o: { margin: boolean; ties: boolean }): Layout {
  const l = LAYOUTS[kind][layout];
  if (kind !== "rm") return l;
  const keep = (f: Field) => (f.name === "margin" || f.name === "tie" ? o.margin || o.ties : true);
  return { layout: l.layout, fields: l.fields.filter(keep) };
}
