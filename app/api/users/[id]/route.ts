import { z } from "zod";
import { readJson, route } from "@/lib/http/handler";
import { db } from "@/lib/db";
import { updateUser } from "@/lib/users";
import { updateUserInput } from "@/lib/validation/user";

export const PATCH = route<{ id: string }>({ permission: "users.manage" }, async ({ req, user, params }) => ({
  user: await updateUser(db, user, z.uuid().parse(params.id), await readJson(req, updateUserInput)),
}));
