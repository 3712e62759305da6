// The task types the labeler UI can show, as data: adding a task type is a row here (plus its view
// component, and its row in lib/labeling/task-kinds.ts, which both sides read), never a new branch in
// the runner.
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

const DEMONSTRATION: TaskView = {
  title: "Write a demonstration",
  instruction: "Write the reply an ideal assistant would give to the prompt, following the guidelines.",
  component: DemonstrationEditor,
};

const RANKING: TaskView = {
  title: "Rank the answers",
  instruction: "Order the answers from best to worst. Answers that are equally good share a tier.",
  component: RankingBoard,
};

/** A ranking of two answers: Llama 2's A | B scale. */
const PAIRWISE: TaskView = {
  title: "Compare two answers",
  instruction: "Say which answer is better and by how much; when you cannot tell, pick “negligibly better / unsure”.",
  component: PairwiseView,
};

/** Per task kind, the view a task of that kind is shown in. */
const TASK_VIEWS: Record<TaskKind, (task: TaskPayload) => TaskView> = {
  demonstration: () => DEMONSTRATION,
  ranking: (task) => (task.answers.length === 2 ? PAIRWISE : RANKING),
};

/** The view a task is shown in. */
export const viewOf = (task: TaskPayload): TaskView => TASK_VIEWS[task.kind](task);
