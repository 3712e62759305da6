import { redirect } from "next/navigation";
import { Suspense } from "react";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/current-user";

export const metadata = { title: "Sign in" };

export default async function SignInPage() {
  if (await getCurrentUser()) redirect("/");
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-sm p-6">
        <h1 className="mb-1 text-xl font-semibold">RLHF Studio</h1>
        <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">Sign in to label, review and train.</p>
        <Suspense>
          <SignInForm />
        </Suspense>
      </Card>
    </main>
  );
}
