import { UsersAdmin } from "@/components/admin/users-admin";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { listUsers } from "@/lib/users";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requirePermission("users.manage");
  const [users, projects] = await Promise.all([
    listUsers(db),
    db.project.findMany({ where: { archived: false }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return (
    <>
      <PageHeader title="Users" />
      <UsersAdmin users={users} me={me.id} projects={projects} />
    </>
  );
}
