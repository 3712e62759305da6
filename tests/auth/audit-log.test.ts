import { describe, expect, it } from "vitest";
import { listAuditLog } from "../../lib/audit";
import { db } from "../../lib/db";
import { updateUser } from "../../lib/users";
import { makeUser } from "../helpers/factories";

describe("the audit log", () => {
  it("lists admin actions newest first with who did them, filtered by action", async () => {
    const admin = await makeUser("admin");
    const u = await makeUser();
    await updateUser(db, admin, u.id, { role: "researcher" });
    await updateUser(db, admin, u.id, { disabled: true });
    const rows = (await listAuditLog(db, { action: "user.update", take: 500 })).filter((r) => r.target === `user ${u.id}`);
    expect(rows.map((r) => r.detail)).toEqual([{ disabled: true }, { role: "researcher" }]);
    expect(rows.every((r) => r.actor === admin.email && r.action === "user.update")).toBe(true);
  });
});
