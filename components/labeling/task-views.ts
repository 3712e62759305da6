// The task types the labeler UI can show, as data: adding a task type is a row here
// (plus its view component), never a new branch in the runner.
import type { ComponentType } from "react";
import { DemonstrationEditor } from "./demonstration-editor";
import { PairwiseView } from "./pairwise-view";
import { RankingBoard } from "./ranking-board";
import type { TaskKind, TaskPayload, TaskViewProps } from "./types";

export type TaskView = {
  title: string;
  /** One line under the title telling the labeler what to do. */
  instruction: string;
  component: ComponentType<TaskViewProps>;
};

/** A view per task kind, and "pairwise" for ranking tasks of two answers (Llama 2's A | B scale). */
export const TASK_VIEWS: Record<TaskKind | "pairwise", TaskView> = {
  demonstration: {
    title: "Write a demonstration",
    instruction: "Write the reply an ideal assistant would give to the prompt, following the guidelines.",
    component: DemonstrationEditor,
  },
  ranking: {
    title: "Rank the answers",
    instruction: "Order the answers from best to worst. Answers that are equally good share a tier.",
    component: RankingBoard,
  },
  pairwise: {
    title: "Compare two answers",
    instruction: "Say which answer is better and by how much; when you cannot tell, pick “negligibly better / unsure”.",
    component: PairwiseView,
  },
};

/** The view a task is shown in. */
export const viewOf = (task: TaskPayload): TaskView => TASK_VIEWS[task.kind === "ranking" && task.answers.length === 2 ? "pairwise" : task.kind];
