// GET: the project's members; PUT { userId, role }: add a member or change their role (admins).
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { assertProjectPermission } from "@/lib/membership/access";
import { listMembers, setMember } from "@/lib/membership/members";
import { idParams } from "@/lib/validation/id";
import { setMemberInput } from "@/lib/validation/membership";

export const GET = route({ permission: "projects.manage", params: idParams }, async ({ params, user }) => {
  await assertProjectPermission(db, user, params.id, "projects.manage");
  return { members: await listMembers(db, params.id) };
});

export const PUT = route({ permission: "projects.manage", params: idParams, body: setMemberInput }, async ({ params, user, body }) => ({
  member: await setMember(db, user, params.id, body),
}));
