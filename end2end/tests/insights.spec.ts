import { test, expect, newAccount, hydrated, withoutJavaScript } from "./fixtures/test";
import { readFileSync } from "node:fs";
import { BusinessForm, SignUpPage, acmeWithSeventyMinutes, createZeroRatedDraft } from "./fixtures/pages";
import { Page } from "@playwright/test";

// The week, "overdue" and the report's default month follow the business's today: a fixed day.
test.use({ pinnedAt: new Date("2026-11-30T12:00:00Z") });

function card(page: Page, name: string) {
  return page.getByRole("region", { name, exact: true });
}

/** A new business's first day: a client at 31.00/h, 70 minutes tracked, an invoice issued from it
 * with a 10.00 hosting line, and a 12.50 expense. Checks the dashboard's first steps on the way. */
async function firstDay(page: Page) {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Rae Reporter"));
  await new BusinessForm(page).create("Insight Studio", "EUR");
  await page.goto("/");
  const steps = card(page, "Get started");
  await expect(steps.getByRole("listitem")).toHaveCount(4);
  await expect(steps.getByText("To do")).toHaveCount(4);
  await steps.getByRole("link", { name: "Add your first client" }).click();
  await hydrated(page);
  await acmeWithSeventyMinutes(page, "100.00");

  // Before invoicing: the time is unbilled, worth round(4200 × 3100 / 3600) = 36.17.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await expect(card(page, "Unbilled time")).toContainText("1:10 h");
  await expect(card(page, "Unbilled time")).toContainText("36.17 EUR");
  await expect(card(page, "Your week")).toContainText("1:10 h");
  await expect(card(page, "Your week")).toContainText("1 project since Monday 30 Nov");

  await card(page, "Unbilled time").getByRole("link", { name: "Invoice it" }).click();
  await createZeroRatedDraft(page, "Acme");
  await page.getByRole("button", { name: "Generate lines" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added 1 line from 1 time entry." })).toBeVisible();
  const addLine = page.getByRole("region", { name: "Add a line" });
  await addLine.getByLabel("Description").fill("Hosting");
  await addLine.getByLabel("Amount (EUR)").fill("10.00");
  await addLine.getByRole("button", { name: "Add line" }).click();
  await page.getByText("Issue invoice…").click();
  await page.getByRole("button", { name: "Issue invoice", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Invoice 2026-0001/, level: 1 })).toBeVisible();

  await page.goto("/expenses/new");
  await hydrated(page);
  await page.getByLabel("Description").fill("Fonts");
  await page.getByLabel("Amount").fill("12.50");
  await page.getByLabel("Date").fill("2026-11-30");
  await page.getByRole("button", { name: "Save expense" }).click();
  await expect(page.getByRole("heading", { name: "Fonts", level: 1 })).toBeVisible();
}

test("the dashboard adds up a first day's work and links to what is behind each card", async ({ page }) => {
  await firstDay(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await hydrated(page);
  await expect(page.getByRole("region", { name: "Get started" })).toHaveCount(0);
  await expect(card(page, "Outstanding")).toContainText("46.17 EUR");
  await expect(card(page, "Outstanding")).toContainText("1 invoice sent");
  await expect(card(page, "Outstanding")).toContainText("0 overdue");
  await expect(card(page, "Unbilled time")).toContainText("0:00 h");
  await expect(card(page, "Unbilled time")).toContainText("Nothing to bill yet");
  await expect(card(page, "Your week")).toContainText("1:10 h");
  await expect(card(page, "Work in progress")).toContainText("1 active project");
  await expect(card(page, "Work in progress")).toContainText("1 open task");
  await expect(card(page, "Unpaid expenses")).toContainText("12.50 EUR");
  await expect(card(page, "Recent invoices").getByRole("link", { name: "2026-0001" })).toBeVisible();
  await expect(card(page, "Recent activity")).toContainText("Rae Reporter issued an invoice");

  await card(page, "Outstanding").getByRole("link", { name: "1 invoice sent" }).click();
  await expect(page).toHaveURL(/\/invoices\?status=outstanding/);
  await expect(page.getByRole("link", { name: "2026-0001" })).toBeVisible();
  await expect(page.getByLabel("Status")).toHaveValue("outstanding");

  // The whole business as one JSON file, from Settings → Data.
  await page.goto("/settings/data");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download all data (JSON)" }).click();
  const file = await download;
  // Browser downloads do not carry the test's clock header: any date.
  expect(file.suggestedFilename()).toMatch(/^clerq-export-[0-9a-f-]{36}-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(readFileSync(await file.path(), "utf8"));
  expect(exported.kind).toBe("clerq.business-export");
  expect(exported.data.invoices).toHaveLength(1);
  expect(exported.data.expenses[0].description).toBe("Fonts");
});

test("the profit report switches periods, downloads CSV and reads the same without JavaScript", async ({
  page,
  browser,
  extraHTTPHeaders,
}) => {
  // A first day's work, then three periods and a second browser: ~25 s on two busy cores.
  test.setTimeout(60_000);
  await firstDay(page);
  await page.goto("/invoices");
  await page.getByRole("link", { name: "2026-0001" }).click();
  await hydrated(page);
  await page.getByText("Mark paid…").click();
  await page.getByRole("button", { name: "Mark paid", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Paid");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "November 2026", level: 2 })).toBeVisible();
  // Cash: the paid invoice, no paid expense. Accrual: the issued invoice and the expense.
  const cash = page.getByRole("region", { name: "Cash basis" });
  const accrual = page.getByRole("region", { name: "Accrual basis" });
  await expect(cash.getByRole("row").filter({ hasText: /^EUR/ })).toContainText("46.17 EUR");
  await expect(accrual.getByRole("row").filter({ hasText: "Total in EUR" })).toContainText("33.67 EUR");

  // The year, then the one before it (nothing happened then).
  await page.getByLabel("Period", { exact: true }).selectOption("year");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("heading", { name: "2026", level: 2 })).toBeVisible();
  await expect(accrual.getByRole("row").filter({ hasText: "Total in EUR" })).toContainText("33.67 EUR");
  await page.getByRole("link", { name: "← 2025" }).click();
  await expect(page.getByRole("heading", { name: "2025", level: 2 })).toBeVisible();
  await expect(cash).toContainText("Nothing was invoiced, paid or spent in this period.");
  await page.getByRole("link", { name: "2026 →" }).click();

  // The budgets tab: the 70 minutes (36.17) against the client's 100.00.
  await page.getByRole("navigation", { name: "Reports" }).getByRole("link", { name: "Budgets" }).click();
  await expect(page.getByRole("heading", { name: "Budgets", level: 1 })).toBeVisible();
  await expect(page.getByText("Used 36.17 EUR of 100.00 EUR (36.2 %) · On track")).toBeVisible();
  await expect(page.getByRole("img", { name: /Used 36\.17 EUR/ })).toBeVisible();
  await page.getByRole("link", { name: "Acme (client)" }).click();
  await expect(page.getByRole("region", { name: "Budgets" })).toContainText("Client budget: Used 36.17 EUR");
  await page.goto("/reports?period=year&at=2026-01-01");
  await hydrated(page);

  const download = page.waitForEvent("download");
  await accrual.getByRole("link", { name: "Download accrual basis (CSV)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("clerq-profit-accrual-currencies-2026-01-01-2026-12-31.csv");

  // Trends: the charts are SVG images with their figures one click away.
  await page.getByRole("navigation", { name: "Reports" }).getByRole("link", { name: "Trends" }).click();
  await expect(page.getByRole("img", { name: /Hours per week/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /Revenue and expenses in EUR/ })).toBeVisible();
  await page.getByText("Hours per week as a table").click();
  await expect(page.getByRole("row", { name: /30 Nov 2026/ })).toContainText("1:10");

  await withoutJavaScript(browser, page, extraHTTPHeaders, async (plain) => {
    await plain.goto("/reports/trends");
    await plain.getByText("Revenue and expenses in EUR as a table").click();
    await expect(plain.getByRole("row", { name: /November 2026/ })).toContainText("46.17 EUR");
    await plain.goto("/");
    await expect(plain.getByRole("region", { name: "Unpaid expenses", exact: true })).toContainText("12.50 EUR");
    await plain.goto("/reports");
    await plain.getByLabel("Period", { exact: true }).selectOption("custom");
    await plain.getByLabel("From (custom)").fill("2026-11-30");
    await plain.getByLabel("To (custom)").fill("2026-11-30");
    await plain.getByRole("button", { name: "Show" }).click();
    await expect(plain.getByRole("heading", { name: "30 Nov 2026 – 30 Nov 2026", level: 2 })).toBeVisible();
    await expect(plain.getByRole("region", { name: "Cash basis" })).toContainText("46.17 EUR");
    await expect(plain.getByLabel("From (custom)")).toHaveValue("2026-11-30");
  });
});
