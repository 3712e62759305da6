"use client";

// The project page's members card: each member's project role (a select), remove, and add a user.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { PROJECT_ROLES, type ProjectRole, type Role } from "@/lib/auth/permissions";
import { Button } from "../ui/button";
import { DataTable, type Column } from "../ui/data-table";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Select } from "../ui/field";

type Member = { userId: string; email: string; name: string; globalRole: Role; role: ProjectRole; disabled: boolean };
type UserOption = { id: string; email: string; role: Role };

const SELECT = "rounded border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700";

export function ProjectMembers({ projectId, members, users }: { projectId: string; members: Member[]; users: UserOption[] }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const url = `/api/projects/${projectId}/members`;
  const memberIds = new Set(members.map((m) => m.userId));
  const others = users.filter((u) => !memberIds.has(u.id));

  async function run(fn: () => Promise<unknown>) {
    setError(undefined);
    try {
      await fn();
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const columns: Column<Member>[] = [
    {
      header: "User",
      cell: (m) => (
        <>
          {m.email}
          <span className="text-zinc-500">
            {" "}
            · {m.globalRole}
            {m.disabled ? " · disabled" : ""}
          </span>
        </>
      ),
    },
    {
      header: "Project role",
      cell: (m) => (
        <select
          aria-label={`Project role of ${m.email}`}
          value={m.role}
          className={SELECT}
          onChange={(e) => run(() => fetchJson(url, { method: "PUT", json: { userId: m.userId, role: e.target.value } }))}
        >
          {PROJECT_ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      ),
    },
    {
      header: "",
      className: "text-right",
      cell: (m) => (
        <Button variant="ghost" onClick={() => run(() => fetchJson(`${url}/${m.userId}`, { method: "DELETE" }))}>
          Remove
        </Button>
      ),
    },
  ];

  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-500">
        Members see and get work only from their projects; admins see every project. A member may do here what both their role and their project role allow (a
        reviewer reviews; a researcher also imports, exports and trains).
      </p>
      <ErrorText>{error}</ErrorText>
      <DataTable rows={members} columns={columns} rowKey={(m) => m.userId} label="Members" inset />
      {others.length > 0 && (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            void run(() => fetchJson(url, { method: "PUT", json: { userId: f.get("userId"), role: f.get("role") } }));
          }}
        >
          <Select label="Add a user" id="member-user" name="userId">
            {others.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email} ({u.role})
              </option>
            ))}
          </Select>
          <Select label="As" id="member-role" name="role" defaultValue="labeler">
            {PROJECT_ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </Select>
          <Button type="submit">Add member</Button>
        </form>
      )}
    </div>
  );
}
