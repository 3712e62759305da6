import { EndpointAllowList } from "@/components/admin/endpoint-allow-list";
import { HubTokenSettings } from "@/components/hub/hub-token-settings";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { hubStatus } from "@/lib/hub/token";
import { endpointAllowList } from "@/lib/settings";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requirePermission("settings.manage");
  const [hosts, hub] = await Promise.all([endpointAllowList(db), hubStatus(db)]);
  return (
    <>
      <PageHeader title="Settings" />
      <EndpointAllowList hosts={hosts} />
      <HubTokenSettings initial={hub} />
    </>
  );
}
