// The navigation: grouped Label · Data · Training · Admin, every item reachable only with its
// permission, and the current page found for nested paths.
import { describe, expect, it } from "vitest";
import { currentHref, NAV_GROUPS, NAV_ITEMS } from "../../components/shell/nav-items";

describe("navigation", () => {
  it("is grouped Label · Data · Training · Admin, each href once", () => {
    expect(NAV_GROUPS.map((g) => g.label)).toEqual(["Label", "Data", "Training", "Admin"]);
    const hrefs = NAV_ITEMS.map((i) => i.href);
    expect(new Set(hrefs).size).toBe(hrefs.length);
  });

  it("marks the item a page belongs to: the longest href above it", () => {
    const hrefs = NAV_ITEMS.map((i) => i.href);
    expect(currentHref("/admin/projects/123", hrefs)).toBe("/admin");
    expect(currentHref("/admin/quality", hrefs)).toBe("/admin/quality");
    expect(currentHref("/runs/abc", hrefs)).toBe("/runs");
    expect(currentHref("/label/work", hrefs)).toBe("/label");
    expect(currentHref("/labelx", hrefs)).toBeUndefined();
    expect(currentHref("/", hrefs)).toBeUndefined();
  });
});
