import { readJson, route } from "@/lib/http/handler";
import { db } from "@/lib/db";
import { changePassword } from "@/lib/users";
import { changePasswordInput } from "@/lib/validation/user";

export const POST = route({ permission: "account.self" }, async ({ req, user }) => {
  const input = await readJson(req, changePasswordInput);
  await changePassword(db, user, input.current, input.next);
  return { ok: true };
});
