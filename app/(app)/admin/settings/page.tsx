import { EndpointAllowList } from "@/components/admin/endpoint-allow-list";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { endpointAllowList } from "@/lib/settings";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requirePermission("settings.manage");
  const hosts = await endpointAllowList(db);
  return (
    <>
      <PageHeader title="Settings" />
      <EndpointAllowList hosts={hosts} />
    </>
  );
}
