// Roles are data: this one table maps each role to what it may do. Code asks for a
// permission (`can(user, "datasets.export")`), never for a role name.
export const PERMISSIONS = [
  "tasks.work", // take tasks from the queue, submit own demonstrations and rankings
  "labels.read_all", // read every labeler's work (quality review, the records page)
  "labels.review", // the review queue: accept, override or discard labels (in projects where the member role allows it)
  "projects.all", // every project, member or not (without it: only the projects one is a member of)
  "prompts.import", // import prompts and answer sets
  "projects.manage", // create and edit projects
  "datasets.export", // make and download exports
  "quality.read", // agreement figures, labeler stats
  "runs.read", // see training runs, models, the playground
  "runs.create", // start, cancel, resume runs; promote checkpoints
  "models.import", // import pretrained checkpoints (from the server's import folder, an upload or the CLI)
  "users.manage", // create users, invites, change roles, disable
  "audit.read",
  "settings.manage", // app-wide settings: the allow-list of endpoint hosts
  "tokens.manage_own", // personal API tokens
  "account.self", // change own password and profile
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export const ROLES = ["labeler", "reviewer", "researcher", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  labeler: ["tasks.work", "tokens.manage_own", "account.self"],
  /** A labeler trusted to review: reviews and reads labels in the projects where they are a reviewer. */
  reviewer: ["tasks.work", "labels.review", "labels.read_all", "tokens.manage_own", "account.self"],
  researcher: [
    "tasks.work",
    "prompts.import",
    "datasets.export",
    "quality.read",
    "runs.read",
    "runs.create",
    "models.import",
    "tokens.manage_own",
    "account.self",
  ],
  admin: PERMISSIONS,
};

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function can(user: { role: Role } | null | undefined, permission: Permission): boolean {
  return !!user && roleCan(user.role, permission);
}

// Project membership (issue 16). Without "projects.all", a user sees and acts on only the projects
// they are a member of, and in each only what BOTH their global role and their role in that
// project allow: the global role says what someone may do at all, the project role where.
// (An admin has "projects.all": every project, every permission.)
export const PROJECT_ROLES = ["labeler", "reviewer", "researcher"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export const PROJECT_ROLE_PERMISSIONS: Record<ProjectRole, readonly Permission[]> = {
  labeler: ["tasks.work"],
  reviewer: ["tasks.work", "labels.review", "labels.read_all"],
  researcher: ["tasks.work", "labels.review", "labels.read_all", "prompts.import", "datasets.export", "quality.read", "runs.read", "runs.create"],
};

/** The project role a user gets by default (the migration's backfill, "add all users", invites). */
export function defaultProjectRole(role: Role): ProjectRole {
  return roleCan(role, "runs.create") ? "researcher" : roleCan(role, "labels.review") ? "reviewer" : "labeler";
}

/** May this user do `permission` in a project where their role is `projectRole` (null: not a member)? */
export function canInProject(user: { role: Role } | null | undefined, projectRole: ProjectRole | null, permission: Permission): boolean {
  if (!can(user, permission)) return false;
  if (can(user, "projects.all")) return true;
  return projectRole !== null && PROJECT_ROLE_PERMISSIONS[projectRole].includes(permission);
}
