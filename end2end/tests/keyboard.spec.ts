import { test, expect, hydrated } from "./fixtures/test";
import { boardColumn, TeamSettingsPage } from "./fixtures/pages";
import { businessWithEverything } from "./fixtures/tour";
import { Locator, Page } from "@playwright/test";

// The timesheet's week follows the business's today: a fixed Monday.
test.use({ pinnedAt: new Date("2026-11-30T12:00:00Z") });

/** Presses Tab until `target` has focus (at most `limit` times); fails if it never does. */
async function tabTo(page: Page, target: Locator, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((e) => e === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Tabs through the page from the top and lists every stop without a visible focus indicator. */
async function unmarkedFocusStops(page: Page, stops = 60) {
  const unmarked: string[] = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      if (!e || e === document.body) return null;
      const style = getComputedStyle(e);
      const marked = style.boxShadow !== "none" || (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0);
      const box = e.getBoundingClientRect();
      const inView = box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
      return { marked, inView, what: `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} "${(e.textContent || e.getAttribute("aria-label") || "").trim().slice(0, 30)}"` };
    });
    if (!stop) break;
    if (!stop.marked || !stop.inView) unmarked.push(`${stop.what}${stop.inView ? "" : " (out of view)"}`);
  }
  return unmarked;
}

test("every keyboard stop shows its focus, on the dashboard, the board, the timesheet and the team page", async ({ page }) => {
  test.setTimeout(120_000);
  const stops = await businessWithEverything(page);
  const project = stops.find((s) => /^\/projects\/[^/]+$/.test(s.path) && s.path !== "/projects/new")!.path;
  for (const path of ["/", project, "/time", "/settings/team"]) {
    await page.goto(path);
    await hydrated(page);
    // The first stop is the skip link, shown when focused; it lands on the page's content.
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("main")).toBeFocused();
    await page.goto(path);
    await hydrated(page);
    expect(await unmarkedFocusStops(page), path).toEqual([]);
  }
});

test("the board moves a card with its status select, by keyboard alone", async ({ page }) => {
  test.setTimeout(120_000);
  const stops = await businessWithEverything(page);
  const project = stops.find((s) => /^\/projects\/[^/]+$/.test(s.path) && s.path !== "/projects/new")!.path;
  await page.goto(`${project}?view=board`);
  await hydrated(page);
  const card = boardColumn(page, "To do").getByRole("listitem").filter({ hasText: "Design" });
  const move = card.getByLabel("Move “Design” to");
  await tabTo(page, move);
  await expect(move).toHaveValue("todo");
  await page.keyboard.press("ArrowDown");
  await expect(move).toHaveValue("in_progress");
  await page.keyboard.press("Tab");
  await expect(card.getByRole("button", { name: "Move" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(boardColumn(page, "In progress").getByRole("link", { name: "Design" })).toBeVisible();
  await expect(boardColumn(page, "To do").getByRole("link", { name: "Design" })).toHaveCount(0);
});

test("the timesheet takes time by keyboard: a cell's + link fills the form, Enter saves", async ({ page }) => {
  test.setTimeout(120_000);
  await businessWithEverything(page);
  await page.goto("/time");
  await hydrated(page);
  const add = page.getByRole("link", { name: "Add time to Design on Tue 1 Dec" });
  await tabTo(page, add);
  await page.keyboard.press("Enter");
  const form = page.getByRole("region", { name: "Add time" });
  await expect(form.getByLabel("Date")).toHaveValue("2026-12-01");
  await expect(form.getByLabel("Task")).toHaveValue(/.+/);
  await tabTo(page, form.getByLabel("Duration"));
  await page.keyboard.type("45m");
  await page.keyboard.press("Enter");
  const design = page.getByRole("table").getByRole("row").filter({ hasText: "Design" });
  await expect(design.getByRole("cell").last()).toHaveText("1:55");
});

test("the team page invites by keyboard and copies the link with a button", async ({ page }) => {
  test.setTimeout(120_000);
  await businessWithEverything(page);
  const team = new TeamSettingsPage(page);
  await team.goto();
  await tabTo(page, team.inviteEmail);
  await page.keyboard.type("kim@example.com");
  await page.keyboard.press("Tab");
  await expect(team.inviteRole).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Tab");
  await expect(team.createInvite).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(team.newInviteLink).toHaveValue(/\/invite\//);
  await tabTo(page, team.copyNewInviteLink, 10);
});
