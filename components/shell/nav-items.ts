import type { Permission } from "@/lib/auth/permissions";

/** The navigation: each item shows only to users with its permission. */
export const NAV_ITEMS: { href: string; label: string; permission: Permission }[] = [
  { href: "/label", label: "Label", permission: "tasks.work" },
  { href: "/runs", label: "Training", permission: "runs.read" },
  { href: "/models", label: "Models", permission: "runs.read" },
  { href: "/playground", label: "Playground", permission: "runs.read" },
  { href: "/admin", label: "Admin", permission: "projects.manage" },
  { href: "/admin/quality", label: "Quality", permission: "quality.read" },
  { href: "/review", label: "Review", permission: "labels.review" },
  { href: "/records", label: "Records", permission: "labels.read_all" },
  { href: "/admin/exports", label: "Exports", permission: "datasets.export" },
  { href: "/admin/users", label: "Users", permission: "users.manage" },
  { href: "/admin/audit", label: "Audit", permission: "audit.read" },
];
