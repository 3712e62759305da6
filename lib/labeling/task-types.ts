// The server side of the task kinds (./task-kinds.ts), as a table: per kind, how a submission is
// checked and stored, how an earlier copy of it is found, and how a stored result is edited and
// taken back. The one submit path (./submit.ts), edit path (./edit.ts) and undo path (./undo.ts)
// read a row; adding a task kind is a row here and its file under ./kinds/.
import "server-only";
import type pg from "pg";
import type { SessionUser } from "../auth/authenticate";
import type { Tx } from "../db";
import { demonstrationType, type DemonstrationKind } from "./kinds/demonstration";
import { rankingType, type RankingKind } from "./kinds/ranking";
import type { LockedTask } from "./sql/hold";
import type { SqlClient, Statement } from "./sql/transaction";
import type { TaskKind } from "./task-kinds";

/** The values one kind's operations take and give. */
export type KindShapes = { submission: { clientId: string; taskId: string }; result: unknown; edit: unknown; edited: unknown; undone: unknown };

/** A result already stored under a submission id. */
type Prior<R> = { taskId: string | null; ownerId: string; result: R };

/** The change an edit makes, once the result is found and its owner may still edit it. */
type Editable<S extends KindShapes> = {
  ownerId: string;
  createdAt: Date;
  editLockHours: number;
  /** Applies the edit in the transaction; `audit` is the detail the audit log records. */
  apply: (body: S["edit"]) => Promise<{ result: S["edited"]; audit: Record<string, unknown> }>;
};

/** A stored result being taken back: whose it is, what goes, and what the labeler gets back. */
export type Undoable<S extends KindShapes> = {
  ownerId: string;
  createdAt: Date;
  taskId: string;
  assignmentId: string | null;
  undoSeconds: number;
  leaseMinutes: number;
  /** Deletes the result (its answers and comparisons go with it). */
  remove: () => Promise<void>;
  result: S["undone"];
  audit: Record<string, unknown>;
};

/**
 * A checked submission's write: one statement (./sql/submit.ts) that reads the labeler's assignment
 * and stores the result only if it may, and the result the caller answers with once it was stored.
 */
type Write<R> = { statement: Statement; values: unknown[]; result: (id: string) => R };

export type TaskType<S extends KindShapes> = {
  /** The unique constraint on the result's submission id (a concurrent copy of it hits this). */
  clientIdKey: string;
  /** The 409 when the task already has every result it wants. */
  full: string;
  /** The result stored under this submission id, if any. */
  prior: (c: SqlClient | pg.Pool, clientId: string) => Promise<Prior<S["result"]> | null>;
  /**
   * Checks a submission against its locked task (a 400 or 413 in one sentence) and returns the write:
   * the labeler's assignment checked, the result stored, the assignment marked submitted and the
   * task's count raised, in one statement.
   */
  prepare: (task: LockedTask, input: S["submission"], user: SessionUser) => Write<S["result"]>;
  /** A stored result for editing, or null when there is none. */
  editable: (tx: Tx, id: string) => Promise<Editable<S> | null>;
  /** A stored result for undoing, or null when there is none. */
  undoable: (tx: Tx, id: string) => Promise<Undoable<S> | null>;
};

export type Shapes = { demonstration: DemonstrationKind; ranking: RankingKind };

export const TASK_TYPES: { [K in TaskKind]: TaskType<Shapes[K]> } = {
  demonstration: demonstrationType,
  ranking: rankingType,
};
