import { Playground } from "@/components/playground/playground";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { listArtifacts, POLICY_KINDS } from "@/lib/models/artifacts";

export const metadata = { title: "Playground" };

export default async function PlaygroundPage({ searchParams }: { searchParams: Promise<{ a?: string }> }) {
  await requirePermission("runs.read");
  const { a } = await searchParams;
  const all = (await listArtifacts(db)).reverse(); // newest first
  const policies = all.filter((m) => POLICY_KINDS.includes(m.kind)).map(({ id, name, kind }) => ({ id, name, kind }));
  const rewardModels = all.filter((m) => m.kind === "reward_model").map(({ id, name, kind }) => ({ id, name, kind }));
  return (
    <>
      <PageHeader title="Playground" />
      {policies.length === 0 ? (
        <Card>
          <p className="text-sm text-zinc-500">No policy checkpoint yet: train a base, SFT or PPO model first.</p>
        </Card>
      ) : (
        <Playground policies={policies} rewardModels={rewardModels} initial={policies.some((p) => p.id === a) ? a : undefined} />
      )}
    </>
  );
}
