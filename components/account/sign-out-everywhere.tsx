"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

/** Ends every session of this account (other browsers and devices too), then signs out here. */
export function SignOutEverywhere() {
  const [error, setError] = useState<string>();
  return (
    <div className="space-y-2">
      <p className="text-sm text-zinc-500">
        Signs this account out on every browser and device, this one included. API tokens keep working: revoke them below.
      </p>
      <ErrorText>{error}</ErrorText>
      <Button
        type="button"
        onClick={async () => {
          setError(undefined);
          try {
            await fetchJson("/api/account/sign-out-everywhere", { method: "POST", json: {} });
            await signOut({ callbackUrl: "/signin" });
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        Sign out everywhere
      </Button>
    </div>
  );
}
