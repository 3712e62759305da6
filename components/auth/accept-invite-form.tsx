"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field } from "../ui/field";

export function AcceptInviteForm({ token }: { token: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  return (
    <form
      className="space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        try {
          await fetchJson("/api/invites/accept", {
            method: "POST",
            json: { token, email: f.get("email"), name: f.get("name"), password: f.get("password") },
          });
          router.push("/signin");
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <Field label="Email" id="email" name="email" type="email" required />
      <Field label="Name" id="name" name="name" />
      <Field label="Password (10+ characters)" id="password" name="password" type="password" required minLength={10} />
      <ErrorText>{error}</ErrorText>
      <Button type="submit" className="w-full">
        Create account
      </Button>
    </form>
  );
}
