"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { DataTable, type Column } from "../ui/data-table";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field, Select } from "../ui/field";

type UserRow = { id: string; email: string; name: string; role: Role; disabled: boolean; excludeFromExports: boolean };

/** The projects chosen in a form's "Projects" list; none chosen: left out (every project). */
function chosenProjects(f: FormData): { projectIds?: string[] } {
  const ids = f.getAll("projectIds").map(String).filter(Boolean);
  return ids.length ? { projectIds: ids } : {};
}

function ProjectsPicker({ id, projects }: { id: string; projects: { id: string; name: string }[] }) {
  return (
    <label htmlFor={id} className="block space-y-1">
      <span className="text-sm font-medium">Projects (none chosen: every project)</span>
      <select
        id={id}
        name="projectIds"
        multiple
        size={Math.min(5, Math.max(2, projects.length))}
        className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function UsersAdmin({ users, me, projects }: { users: UserRow[]; me: string; projects: { id: string; name: string }[] }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [inviteUrl, setInviteUrl] = useState<string>();

  async function run(fn: () => Promise<unknown>) {
    setError(undefined);
    try {
      await fn();
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const patch = (u: UserRow, json: Record<string, unknown>) => run(() => fetchJson(`/api/users/${u.id}`, { method: "PATCH", json }));
  const columns: Column<UserRow>[] = [
    {
      header: "Email",
      cell: (u) => (
        <>
          {u.email}
          {u.name && <span className="text-zinc-500"> · {u.name}</span>}
        </>
      ),
    },
    {
      header: "Role",
      cell: (u) => (
        <select
          aria-label={`Role of ${u.email}`}
          value={u.role}
          disabled={u.id === me}
          className="rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          onChange={(e) => patch(u, { role: e.target.value })}
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      ),
    },
    {
      header: "Status",
      cell: (u) => (
        <Button variant={u.disabled ? "secondary" : "ghost"} disabled={u.id === me} onClick={() => patch(u, { disabled: !u.disabled })}>
          {u.disabled ? "Disabled · enable" : "Active · disable"}
        </Button>
      ),
    },
    {
      header: "Exports",
      cell: (u) => (
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={u.excludeFromExports} onChange={(e) => patch(u, { excludeFromExports: e.target.checked })} />
          leave out labels
        </label>
      ),
    },
  ];

  return (
    <div className="space-y-6">
      <ErrorText>{error}</ErrorText>
      <Card className="overflow-x-auto p-0">
        <DataTable rows={users} columns={columns} rowKey={(u) => u.id} label="Users" />
      </Card>

      <div className="grid gap-4 md:grid-cols-2">
        <Card>
          <h2 className="mb-3 font-semibold">Create a user</h2>
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              const form = e.currentTarget;
              void run(async () => {
                await fetchJson("/api/users", {
                  method: "POST",
                  json: { email: f.get("email"), name: f.get("name"), role: f.get("role"), password: f.get("password"), ...chosenProjects(f) },
                });
                form.reset();
              });
            }}
          >
            <Field label="Email" id="new-email" name="email" type="email" required />
            <Field label="Name" id="new-name" name="name" />
            <Select label="Role" id="new-role" name="role" defaultValue="labeler">
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Select>
            <Field label="Password (10+ characters)" id="new-password" name="password" type="password" required minLength={10} />
            <ProjectsPicker id="new-projects" projects={projects} />
            <Button type="submit">Create user</Button>
          </form>
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Invite link</h2>
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              void run(async () => {
                const r = await fetchJson<{ invite: { url: string } }>("/api/invites", {
                  method: "POST",
                  json: { role: f.get("role"), ...(f.get("email") ? { email: f.get("email") } : {}), ...chosenProjects(f) },
                });
                setInviteUrl(r.invite.url);
              });
            }}
          >
            <Select label="Role" id="invite-role" name="role" defaultValue="labeler">
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Select>
            <Field label="Email (optional: lock the invite to it)" id="invite-email" name="email" type="email" />
            <ProjectsPicker id="invite-projects" projects={projects} />
            <Button type="submit">Create invite link</Button>
          </form>
          {inviteUrl && (
            <p className="mt-3 break-all rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800" data-testid="invite-url">
              {inviteUrl}
            </p>
          )}
        </Card>
      </div>
    </div>
  );
}
