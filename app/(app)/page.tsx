import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";

// Home takes each role to its work.
export default async function Home() {
  const user = await requireUser();
  if (can(user, "users.manage")) redirect("/admin");
  if (can(user, "runs.create")) redirect("/runs");
  redirect("/label");
}
