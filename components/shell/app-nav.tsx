import Link from "next/link";
import type { SessionUser } from "@/lib/auth/authenticate";
import { can } from "@/lib/auth/permissions";
import { NAV_GROUPS } from "./nav-items";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

export function AppNav({ user }: { user: SessionUser }) {
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <nav aria-label="Main" className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <Link href="/" className="font-semibold tracking-tight">
          RLHF Studio
        </Link>
        <NavLinks
          groups={NAV_GROUPS.map((g) => ({
            label: g.label,
            items: g.items.filter((i) => can(user, i.permission)).map(({ href, label }) => ({ href, label })),
          })).filter((g) => g.items.length > 0)}
        />
        <div className="flex items-center gap-1 text-sm">
          <Link href="/account" className="max-w-56 truncate rounded-md px-2 py-1 hover:bg-zinc-200/60 dark:hover:bg-zinc-800" title={user.email}>
            {user.name || user.email} <span className="text-zinc-500">· {user.role}</span>
          </Link>
          <ThemeToggle />
          <SignOutButton />
        </div>
      </nav>
    </header>
  );
}
