import { ApiTokens } from "@/components/account/api-tokens";
import { PasswordForm } from "@/components/account/password-form";
import { SignOutEverywhere } from "@/components/account/sign-out-everywhere";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { grantableScopes } from "@/lib/auth/scopes";

export const metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requirePermission("account.self");
  return (
    <>
      <PageHeader title="Account" />
      <Card className="max-w-xl">
        <p className="mb-4 text-sm text-zinc-500">
          Signed in as <strong>{user.email}</strong> ({user.role}).
        </p>
        <h2 className="mb-3 font-semibold">Change password</h2>
        <PasswordForm />
      </Card>
      <Card className="mt-6 max-w-xl">
        <h2 className="mb-3 font-semibold">Sessions</h2>
        <SignOutEverywhere />
      </Card>
      {can(user, "tokens.manage_own") && (
        <Card className="mt-6 max-w-xl">
          <h2 className="mb-3 font-semibold">API tokens</h2>
          <ApiTokens scopes={grantableScopes(user.role)} />
        </Card>
      )}
    </>
  );
}
