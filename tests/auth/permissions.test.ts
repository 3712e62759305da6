import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleCan } from "../../lib/auth/permissions";

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
});
