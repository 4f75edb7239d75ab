import { test, expect, hydrated, withoutJavaScript } from "./fixtures/test";
import { businessWithEverything, SIGNED_OUT, Stop } from "./fixtures/tour";
import { Page } from "@playwright/test";

// The timesheet's week and the timer follow the business's today: a fixed Monday.
test.use({ pinnedAt: new Date("2026-11-30T12:00:00Z") });

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 768, height: 1024 };

/** What sticks out of the page sideways: the document wider than the window, and the widest
 * offenders, so a failure names the element to fix. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && e.checkVisibility())
      // Inside a box that scrolls sideways on purpose (tables, the board) is fine.
      .filter((e) => !e.parentElement?.closest(".table-scroll, .board, .tabs"))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
}

/** Controls smaller than 44 × 44 px; links inside sentences are exempt (WCAG 2.5.8). */
async function smallTargets(page: Page) {
  return page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      "button, select, textarea, summary, a.button, nav a, .quick-add, input:not([type=hidden])",
    );
    return [...controls]
      .filter((e) => e.checkVisibility())
      .map((e) => {
        // A checkbox's target is its row: the label toggles it too.
        const target =
          e instanceof HTMLInputElement && (e.type === "checkbox" || e.type === "radio")
            ? (e.labels?.[0]?.closest("div") ?? e)
            : e;
        const box = target.getBoundingClientRect();
        return { e, box };
      })
      // Visually hidden elements (1 px) are for screen readers only.
      .filter(({ box }) => box.width > 1 && box.height > 1)
      .filter(({ box }) => box.width < 43.5 || box.height < 43.5)
      .map(({ e, box }) => `${e.tagName.toLowerCase()} "${(e.textContent || e.getAttribute("aria-label") || (e as HTMLInputElement).name || "").trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
  });
}

/** Form fields that sit side by side on a phone (forms there are one column). */
async function fieldsSideBySide(page: Page) {
  return page.evaluate(() => {
    const fields = [...document.querySelectorAll<HTMLElement>("main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, main textarea")]
      .filter((e) => e.checkVisibility() && !e.closest(".table-scroll, .board"))
      .map((e) => ({ name: e.id || (e as HTMLInputElement).name, box: e.getBoundingClientRect() }));
    const pairs: string[] = [];
    for (const [i, a] of fields.entries()) {
      for (const b of fields.slice(i + 1)) {
        const sameRow = a.box.top < b.box.bottom - 4 && b.box.top < a.box.bottom - 4;
        if (sameRow) pairs.push(`${a.name} beside ${b.name}`);
      }
    }
    return pairs;
  });
}

async function visitAll(page: Page, stops: Stop[], phone: boolean) {
  const problems: string[] = [];
  for (const stop of stops) {
    await page.goto(stop.path);
    await hydrated(page);
    const { scrollWidth, width, wide } = await overflow(page);
    if (scrollWidth > width) problems.push(`${stop.path}: ${scrollWidth} px wide in ${width}: ${wide.join(", ")}`);
    if (stop.shell) {
      // The timer and its Stop button are in view on every page, without scrolling or opening anything.
      await expect(page.getByRole("timer"), stop.path).toBeInViewport();
      await expect(page.getByRole("button", { name: "Stop timer" }), stop.path).toBeInViewport();
    }
    if (phone) {
      const small = await smallTargets(page);
      if (small.length) problems.push(`${stop.path}: small targets ${small.join("; ")}`);
      const beside = await fieldsSideBySide(page);
      if (beside.length) problems.push(`${stop.path}: not one column: ${beside.join("; ")}`);
    }
  }
  expect(problems).toEqual([]);
}

test.describe("on a phone", () => {
  test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

  test("no page scrolls sideways, the timer stays in view, forms are one column and every control is big enough to tap", async ({ page, browser }) => {
    test.setTimeout(240_000);
    const stops = await businessWithEverything(page);
    await visitAll(page, stops, true);
    const visitor = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true, baseURL: new URL(page.url()).origin });
    try {
      await visitAll(await visitor.newPage(), SIGNED_OUT, true);
    } finally {
      await visitor.close();
    }
  });

  test("the menu opens by touch and by keyboard, keeps focus inside and closes on Escape or a link", async ({ page, browser, extraHTTPHeaders }) => {
    test.setTimeout(120_000);
    await businessWithEverything(page);
    await page.goto("/");
    await hydrated(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    const menu = page.locator("summary").filter({ hasText: /^Menu$/ });
    // The compact bar: the business, the timer with Stop, and the menu button; the links are folded away.
    await expect(page.getByRole("banner")).toContainText("Pocket Studio");
    await expect(menu).toBeInViewport();
    await expect(nav.getByRole("link", { name: "Clients" })).toBeHidden();

    await menu.tap();
    await expect(nav.getByRole("link", { name: "Clients" })).toBeInViewport();
    await expect(page.getByLabel("Business", { exact: true })).toBeVisible();
    await nav.getByRole("link", { name: "Clients" }).tap();
    await expect(page.getByRole("heading", { name: "Clients", level: 1 })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Clients" })).toBeHidden();

    // Keyboard: from the top of a page, Tab reaches the menu button (after the skip link and
    // Stop), Enter opens it, Tab cycles inside, Escape closes it and returns focus.
    await page.goto("/projects");
    await hydrated(page);
    let reached = false;
    for (let i = 0; i < 8 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await menu.evaluate((e) => e === document.activeElement);
    }
    expect(reached, "Tab reaches the menu button").toBe(true);
    await page.keyboard.press("Enter");
    await expect(nav.getByRole("link", { name: "Dashboard" })).toBeVisible();
    const insideDrawer = () => page.evaluate(() => !!document.activeElement?.closest("details.nav-drawer"));
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press("Tab");
      expect(await insideDrawer(), `focus after ${i + 1} Tabs`).toBe(true);
    }
    await page.keyboard.press("Shift+Tab");
    expect(await insideDrawer()).toBe(true);
    await page.keyboard.press("Escape");
    await expect(nav.getByRole("link", { name: "Dashboard" })).toBeHidden();
    expect(await menu.evaluate((e) => e === document.activeElement), "focus returns to the menu button").toBe(true);

    // Without JavaScript the menu is a plain disclosure and its links are plain links.
    await withoutJavaScript(browser, page, extraHTTPHeaders, async (plain) => {
      await plain.setViewportSize(PHONE);
      await plain.goto("/");
      const plainNav = plain.getByRole("navigation", { name: "Main" });
      await expect(plainNav.getByRole("link", { name: "Expenses" })).toBeHidden();
      await plain.locator("summary").filter({ hasText: /^Menu$/ }).click();
      await plainNav.getByRole("link", { name: "Expenses" }).click();
      await expect(plain.getByRole("heading", { name: "Expenses", level: 1 })).toBeVisible();
      await expect(plain.getByRole("button", { name: "Stop timer" })).toBeInViewport();
    });
  });

  test("the timesheet shows one day at a time with the week's totals", async ({ page }) => {
    test.setTimeout(120_000);
    await businessWithEverything(page);
    await page.goto("/time");
    await hydrated(page);
    const sheet = page.getByRole("table");
    const days = page.getByRole("navigation", { name: "Days" });
    // Today (Monday) first; the 70 minutes logged today show in its column and in the week's total.
    await expect(days.getByRole("link", { name: "Mon 30" })).toHaveAttribute("aria-current", "true");
    await expect(sheet.getByRole("columnheader", { name: "Mon 30" })).toBeVisible();
    await expect(sheet.getByRole("columnheader", { name: "Tue 1" })).toBeHidden();
    await expect(sheet.getByRole("columnheader", { name: "Total" })).toBeVisible();
    const design = sheet.getByRole("row").filter({ hasText: "Design" });
    await expect(design.getByRole("cell").filter({ hasText: "1:10" }).first()).toBeVisible();
    await expect(design.getByRole("cell").last()).toHaveText("1:10");

    await days.getByRole("link", { name: "Tue 1" }).tap();
    await expect(sheet.getByRole("columnheader", { name: "Tue 1" })).toBeVisible();
    await expect(sheet.getByRole("columnheader", { name: "Mon 30" })).toBeHidden();
    await expect(days.getByRole("link", { name: "Tue 1" })).toHaveAttribute("aria-current", "true");
    // The week's total stays.
    await expect(design.getByRole("cell").last()).toHaveText("1:10");
    await expect(design.getByRole("cell").last()).toBeVisible();
    const { scrollWidth, width } = await overflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(width);
  });
});

test.describe("on a tablet", () => {
  test.use({ viewport: TABLET, hasTouch: true });

  test("no page scrolls sideways and the timer stays in view", async ({ page }) => {
    test.setTimeout(240_000);
    const stops = await businessWithEverything(page);
    await visitAll(page, stops, false);
  });
});
