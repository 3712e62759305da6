import { describe, expect, it } from "vitest";
import { authenticate } from "../../lib/auth/authenticate";
import { ensureAdmin } from "../../lib/bootstrap";
import { db } from "../../lib/db";
import { AppError } from "../../lib/errors";
import { acceptInvite, changePassword, createInvite, createUser, listUsers, updateUser } from "../../lib/users";
import { createUserInput } from "../../lib/validation/user";
import { makeUser, uniq } from "../helpers/factories";

describe("users", () => {
  it("never return password hashes from ordinary queries", async () => {
    const u = await makeUser();
    const row = await db.user.findUnique({ where: { id: u.id } });
    expect(row).not.toBeNull();
    expect(row).not.toHaveProperty("passwordHash");
    for (const listed of await listUsers(db)) expect(listed).not.toHaveProperty("passwordHash");
  });

  it("refuse a second account with the same email, in any case", async () => {
    const u = await makeUser();
    const input = createUserInput.parse({ email: u.email.toUpperCase(), role: "labeler", password: "another password" });
    await expect(createUser(db, null, input)).rejects.toMatchObject({ code: "conflict" });
  });

  it("validate input with one clear sentence per field", () => {
    const r = createUserInput.safeParse({ email: "not-an-email", role: "boss", password: "short" });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths.sort()).toEqual(["email", "password", "role"]);
  });

  it("record admin actions in the audit log", async () => {
    const admin = await makeUser("admin");
    const u = await makeUser();
    await updateUser(db, admin, u.id, { role: "researcher" });
    const log = await db.auditLog.findFirst({ where: { actorId: admin.id, action: "user.update", targetId: u.id } });
    expect(log?.detail).toEqual({ role: "researcher" });
  });

  it("do not let an admin lock themselves out", async () => {
    const admin = await makeUser("admin");
    await expect(updateUser(db, admin, admin.id, { disabled: true })).rejects.toBeInstanceOf(AppError);
    await expect(updateUser(db, admin, admin.id, { role: "labeler" })).rejects.toBeInstanceOf(AppError);
  });

  it("change a password only with the current one", async () => {
    const u = await makeUser();
    await expect(changePassword(db, u, "wrong current", "a new password")).rejects.toThrow(/current password is incorrect/);
    await changePassword(db, u, u.password, "a new password");
    await expect(authenticate(db, { email: u.email, password: "a new password", ip: uniq() })).resolves.toMatchObject({ id: u.id });
  });
});

describe("invites", () => {
  it("create an account with the invite's role, once", async () => {
    const admin = await makeUser("admin");
    const invite = await createInvite(db, admin, { role: "researcher", expiresInDays: 7 });
    const email = `${uniq()}@test.local`;
    const user = await acceptInvite(db, { token: invite.token, email, name: "R", password: "invited password" });
    expect(user.role).toBe("researcher");
    await expect(acceptInvite(db, { token: invite.token, email: `${uniq()}@test.local`, name: "", password: "invited password" })).rejects.toThrow(
      /invalid, used or expired/,
    );
  });

  it("bound to an email refuse another email", async () => {
    const admin = await makeUser("admin");
    const invite = await createInvite(db, admin, { role: "labeler", email: `${uniq()}@test.local`, expiresInDays: 1 });
    await expect(acceptInvite(db, { token: invite.token, email: `${uniq()}@test.local`, name: "", password: "invited password" })).rejects.toThrow(
      /another email/,
    );
  });
});

describe("first start", () => {
  it("creates no admin when users exist", async () => {
    await makeUser();
    expect(await ensureAdmin(db, {})).toMatchObject({ created: false });
  });
});
