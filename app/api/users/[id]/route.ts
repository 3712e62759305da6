import { route } from "@/lib/http/handler";
import { db } from "@/lib/db";
import { updateUser } from "@/lib/users";
import { idParams } from "@/lib/validation/id";
import { updateUserInput } from "@/lib/validation/user";

export const PATCH = route({ permission: "users.manage", params: idParams, body: updateUserInput }, async ({ user, params, body }) => ({
  user: await updateUser(db, user, params.id, body),
}));
