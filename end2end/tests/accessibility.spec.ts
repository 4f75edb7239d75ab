import { test, expect, hydrated, newAccount } from "./fixtures/test";
import { businessWithEverything, SIGNED_OUT, Stop } from "./fixtures/tour";
import { BusinessForm, SignUpPage } from "./fixtures/pages";
import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";

// The timesheet's week follows the business's today: a fixed Monday.
test.use({ pinnedAt: new Date("2026-11-30T12:00:00Z") });

const RULE_SETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** axe-core's serious and critical findings on each page, in the light and the dark theme, one
 * line per element, so a failure names the rule, the page and the markup to fix. No rule is
 * disabled. */
async function scan(page: Page, stops: Stop[]) {
  const findings: string[] = [];
  for (const stop of stops) {
    await page.goto(stop.path);
    await hydrated(page);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      const { violations } = await new AxeBuilder({ page }).withTags(RULE_SETS).analyze();
      for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
        for (const node of v.nodes) findings.push(`${stop.path} (${colorScheme}) ${v.id}: ${node.html.slice(0, 160)}`);
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
  }
  return findings;
}

test("every page of a business with one of everything passes axe-core", async ({ page, browser }) => {
  test.setTimeout(300_000);
  const stops = await businessWithEverything(page);
  const findings = await scan(page, stops);
  const visitor = await browser.newContext({ baseURL: new URL(page.url()).origin });
  try {
    findings.push(...(await scan(await visitor.newPage(), SIGNED_OUT)));
  } finally {
    await visitor.close();
  }
  expect(findings).toEqual([]);
});

test("every page of a new, empty business passes axe-core", async ({ page }) => {
  test.setTimeout(180_000);
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Ada Empty"));
  // Signed up before moving on: navigating away mid-post would leave a visitor on /sign-in.
  await expect(page.getByRole("heading", { name: "Set up your business" })).toBeVisible();
  const onboarding = await scan(page, [{ path: "/onboarding", shell: false }]);
  await page.goto("/onboarding");
  await new BusinessForm(page).create("Empty Studio", "EUR");
  const empty = [
    "/", "/clients", "/clients/new", "/projects", "/projects/new", "/time", "/invoices", "/invoices/new",
    "/invoices/recurring", "/invoices/recurring/new", "/expenses", "/expenses/new", "/reports", "/reports/budgets",
    "/reports/trends", "/settings", "/settings/branding", "/settings/team", "/settings/data", "/settings/import",
    "/settings/connected-apps", "/settings/system",
  ].map((path) => ({ path, shell: true }));
  expect([...onboarding, ...(await scan(page, empty))]).toEqual([]);
});
