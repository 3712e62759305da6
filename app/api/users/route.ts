import { route } from "@/lib/http/handler";
import { db } from "@/lib/db";
import { createUser, listUsers } from "@/lib/users";
import { createUserInput } from "@/lib/validation/user";

export const GET = route({ permission: "users.manage" }, async () => ({ users: await listUsers(db) }));

export const POST = route({ permission: "users.manage", body: createUserInput }, async ({ user, body }) => ({
  user: await createUser(db, user, body),
}));
