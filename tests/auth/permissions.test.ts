import { describe, expect, it } from "vitest";
import { canInProject, PERMISSIONS, PROJECT_ROLE_PERMISSIONS, PROJECT_ROLES, ROLE_PERMISSIONS, ROLES, roleCan } from "../../lib/auth/permissions";

describe("the role -> permission table", () => {
  it("gives admins every permission", () => {
    for (const p of PERMISSIONS) expect(roleCan("admin", p)).toBe(true);
  });

  it("keeps labelers to their own work", () => {
    expect(ROLE_PERMISSIONS.labeler).toEqual(["tasks.work", "tokens.manage_own", "account.self"]);
    for (const p of ["datasets.export", "users.manage", "runs.create", "runs.read", "labels.read_all", "prompts.import"] as const)
      expect(roleCan("labeler", p)).toBe(false);
  });

  it("lets researchers train and export but not manage people", () => {
    expect(roleCan("researcher", "runs.create")).toBe(true);
    expect(roleCan("researcher", "datasets.export")).toBe(true);
    expect(roleCan("researcher", "users.manage")).toBe(false);
  });

  it("names only known permissions", () => {
    for (const r of ROLES) for (const p of ROLE_PERMISSIONS[r]) expect(PERMISSIONS).toContain(p);
  });

  it("lets reviewers review but not export, train or manage", () => {
    expect(roleCan("reviewer", "labels.review")).toBe(true);
    for (const p of ["datasets.export", "runs.create", "users.manage", "projects.all"] as const) expect(roleCan("reviewer", p)).toBe(false);
    expect(roleCan("labeler", "labels.review")).toBe(false);
    expect(roleCan("researcher", "labels.review")).toBe(false);
  });
});

describe("the project role table", () => {
  it("allows in a project only what both the global role and the project role allow; admins everything", () => {
    expect(canInProject({ role: "reviewer" }, "reviewer", "labels.review")).toBe(true);
    expect(canInProject({ role: "reviewer" }, "labeler", "labels.review")).toBe(false);
    expect(canInProject({ role: "labeler" }, "reviewer", "labels.review")).toBe(false);
    expect(canInProject({ role: "researcher" }, "labeler", "datasets.export")).toBe(false);
    expect(canInProject({ role: "researcher" }, "researcher", "datasets.export")).toBe(true);
    expect(canInProject({ role: "researcher" }, null, "tasks.work")).toBe(false);
    expect(canInProject({ role: "admin" }, null, "labels.review")).toBe(true);
  });

  it("names only known permissions, and every project role may work on tasks", () => {
    for (const r of PROJECT_ROLES) {
      expect(PROJECT_ROLE_PERMISSIONS[r]).toContain("tasks.work");
      for (const p of PROJECT_ROLE_PERMISSIONS[r]) expect(PERMISSIONS).toContain(p);
    }
  });
});
