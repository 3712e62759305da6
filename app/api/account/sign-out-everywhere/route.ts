import { route } from "@/lib/http/handler";
import { db } from "@/lib/db";
import { signOutEverywhere } from "@/lib/users";

// Every session of this user ends, this one included (the page then signs out).
export const POST = route({ permission: "account.self", body: "none" }, async ({ user }) => {
  await signOutEverywhere(db, user);
  return { ok: true };
});
