// The task types the labeler UI can show, as data: adding a task type is a row here
// (plus its view component), never a new branch in the runner.
import type { ComponentType } from "react";
import { DemonstrationEditor } from "./demonstration-editor";
import { RankingBoard } from "./ranking-board";
import type { TaskKind, TaskViewProps } from "./types";

export type TaskView = {
  title: string;
  /** One line under the title telling the labeler what to do. */
  instruction: string;
  component: ComponentType<TaskViewProps>;
};

export const TASK_VIEWS: Record<TaskKind, TaskView> = {
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
};
