// API token scopes: what a token may be used for, chosen when it is created (Account → API tokens).
// A route that takes tokens names its scope beside its permission (route({ permission, scope })); a
// token call needs both: the owner's role has the permission, and the token has the scope.
// Each scope is granted only by a role holding its `grant` permission.
import type { Permission, Role } from "./permissions";
import { PERMISSIONS, roleCan } from "./permissions";

export const SCOPES = {
  "tasks:work": { grant: "tasks.work", doc: "take tasks, submit and edit your own labels" },
  "projects:read": { grant: "prompts.import", doc: "list projects" },
  "projects:write": { grant: "projects.manage", doc: "create and edit projects" },
  "imports:write": { grant: "prompts.import", doc: "import prompts and answer sets" },
  "exports:read": { grant: "datasets.export", doc: "list and download exports" },
  "exports:write": { grant: "datasets.export", doc: "make exports" },
  "quality:read": { grant: "quality.read", doc: "read agreement figures and the quality report" },
  "runs:read": { grant: "runs.read", doc: "list runs, read their config, progress and metrics" },
  "runs:write": { grant: "runs.create", doc: "start, cancel and resume runs" },
  "models:read": { grant: "runs.read", doc: "list checkpoints and download their files" },
  "models:write": { grant: "runs.create", doc: "promote a checkpoint, make its model.onnx" },
  "models:import": { grant: "models.import", doc: "import pretrained checkpoints" },
} as const satisfies Record<string, { grant: Permission; doc: string }>;

export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as [Scope, ...Scope[]];

/**
 * Tokens made before scopes had their own names hold permission names. Each still does what it did:
 * it reads as the scopes of the routes its permission opened to tokens (a runs.read or runs.create
 * token, which no route took then, reads as the runs and models scopes its creator ticked it for).
 */
const LEGACY: Partial<Record<Permission, readonly Scope[]>> = {
  "tasks.work": ["tasks:work"],
  "prompts.import": ["projects:read", "imports:write"],
  "projects.manage": ["projects:read", "projects:write"],
  "datasets.export": ["exports:read", "exports:write"],
  "quality.read": ["quality:read"],
  "runs.read": ["runs:read", "models:read"],
  "runs.create": ["runs:write", "models:write"],
  "models.import": ["models:import"],
};

const isPermission = (s: string): s is Permission => (PERMISSIONS as readonly string[]).includes(s);
const isScope = (s: string): s is Scope => Object.hasOwn(SCOPES, s);

/** The scopes a token's stored list gives it (new names as they are, legacy permission names expanded). */
export function tokenScopes(stored: readonly string[]): Set<Scope> {
  const out = new Set<Scope>();
  for (const s of stored) {
    if (isScope(s)) out.add(s);
    else if (isPermission(s)) for (const x of LEGACY[s] ?? []) out.add(x);
  }
  return out;
}

/** The permission a role needs to put `scope` (or a legacy permission name) on a token; undefined for an unknown name. */
export function grantFor(scope: string): Permission | undefined {
  return isScope(scope) ? SCOPES[scope].grant : isPermission(scope) ? scope : undefined;
}

/** The scopes a role may grant, in table order (the account page's checkboxes). */
export const grantableScopes = (role: Role): Scope[] => SCOPE_NAMES.filter((s) => roleCan(role, SCOPES[s].grant));
