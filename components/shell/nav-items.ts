import type { Permission } from "@/lib/auth/permissions";

export type NavItem = { href: string; label: string; permission: Permission };
export type NavGroup = { label: string; items: NavItem[] };

/** The navigation, in groups: each item shows only to users with its permission, a group only when it has one. */
export const NAV_GROUPS: NavGroup[] = [
  { label: "Label", items: [{ href: "/label", label: "Your work", permission: "tasks.work" }] },
  {
    label: "Data",
    items: [
      { href: "/admin", label: "Projects", permission: "projects.manage" },
      { href: "/admin/quality", label: "Quality", permission: "quality.read" },
      { href: "/review", label: "Review", permission: "labels.review" },
      { href: "/records", label: "Records", permission: "labels.read_all" },
      { href: "/admin/exports", label: "Exports", permission: "datasets.export" },
    ],
  },
  {
    label: "Training",
    items: [
      { href: "/runs", label: "Runs", permission: "runs.read" },
      { href: "/models", label: "Models", permission: "runs.read" },
      { href: "/playground", label: "Playground", permission: "runs.read" },
    ],
  },
  {
    label: "Admin",
    items: [
      { href: "/admin/users", label: "Users", permission: "users.manage" },
      { href: "/admin/settings", label: "Settings", permission: "settings.manage" },
      { href: "/admin/audit", label: "Audit", permission: "audit.read" },
    ],
  },
];

/** Every item, flat. */
export const NAV_ITEMS: NavItem[] = NAV_GROUPS.flatMap((g) => g.items);

/** The item a path belongs to: the longest href that is the path or a folder above it ("/admin/projects/x" -> "/admin"). */
export function currentHref(pathname: string, hrefs: string[]): string | undefined {
  return hrefs.filter((h) => pathname === h || pathname.startsWith(`${h}/`)).sort((a, b) => b.length - a.length)[0];
}
