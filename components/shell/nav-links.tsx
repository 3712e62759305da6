"use client";
// The grouped navigation links, with the current page marked (aria-current and a highlight).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { currentHref } from "./nav-items";

export function NavLinks({ groups }: { groups: { label: string; items: { href: string; label: string }[] }[] }) {
  const pathname = usePathname();
  const current = currentHref(
    pathname,
    groups.flatMap((g) => g.items.map((i) => i.href)),
  );
  return (
    <ul className="flex flex-1 flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      {groups.map((g) => (
        <li key={g.label} className="flex items-center gap-1" aria-label={g.label} role="group">
          <span aria-hidden className="pr-0.5 text-[0.65rem] font-semibold tracking-wider text-zinc-400 uppercase dark:text-zinc-500">
            {g.label}
          </span>
          <ul className="flex gap-0.5">
            {g.items.map((i) => (
              <li key={i.href}>
                <Link
                  href={i.href}
                  aria-current={i.href === current ? "page" : undefined}
                  className="rounded-md px-2 py-1 hover:bg-zinc-200/60 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-semibold aria-[current=page]:text-indigo-700 dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-300"
                >
                  {i.label}
                </Link>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
