// GET: the project's members; PUT { userId, role }: add a member or change their role (admins).
import { z } from "zod";
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { assertProjectPermission } from "@/lib/membership/access";
import { listMembers, setMember } from "@/lib/membership/members";
import { setMemberInput } from "@/lib/validation/membership";

export const GET = route<{ id: string }>({ permission: "projects.manage" }, async ({ params, user }) => {
  const projectId = z.uuid().parse(params.id);
  await assertProjectPermission(db, user, projectId, "projects.manage");
  return { members: await listMembers(db, projectId) };
});

export const PUT = route<{ id: string }>({ permission: "projects.manage" }, async ({ req, params, user }) => ({
  member: await setMember(db, user, z.uuid().parse(params.id), await readJson(req, setMemberInput)),
}));
