// Roles are data: this one table maps each role to what it may do. Code asks for a
// permission (`can(user, "datasets.export")`), never for a role name.
export const PERMISSIONS = [
  "tasks.work", // take tasks from the queue, submit own demonstrations and rankings
  "labels.read_all", // read every labeler's work (quality review)
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
export const ROLES = ["labeler", "researcher", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  labeler: ["tasks.work", "tokens.manage_own", "account.self"],
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
