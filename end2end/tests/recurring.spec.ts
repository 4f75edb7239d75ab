import { test, expect, newAccount, hydrated } from "./fixtures/test";
import { BusinessForm, SignUpPage } from "./fixtures/pages";
import { Page } from "@playwright/test";

// Next dates and "Generate now" follow the business's today: a fixed day.
test.use({ pinnedAt: new Date("2026-11-30T12:00:00Z") });

async function businessWithClient(page: Page) {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Rita Recurring"));
  await new BusinessForm(page).create("Retainer Studio", "EUR");
  await page.goto("/clients/new");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill("Acme");
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page.getByRole("heading", { name: "Acme", level: 1 })).toBeVisible();
}

test("a monthly schedule on the 31st shows its dates, generates a draft now, and pauses", async ({ page }) => {
  await businessWithClient(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Invoices" }).click();
  await page.getByRole("link", { name: "Recurring" }).click();
  await expect(page.getByRole("heading", { name: "Recurring invoices", level: 1 })).toBeVisible();
  await expect(page.getByText("No recurring invoices yet")).toBeVisible();
  await page.getByRole("link", { name: "New schedule" }).click();
  await hydrated(page);

  // Checked in the browser before anything is sent.
  await page.getByLabel("Name", { exact: true }).fill("Monthly retainer");
  await page.getByRole("button", { name: "Create schedule" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Add at least one line" })).toBeVisible();

  await page.getByLabel("Client", { exact: true }).selectOption({ label: "Acme" });
  await page.getByLabel("Start date").fill("2026-12-31");
  await page.getByLabel("Line 1 description").fill("Retainer");
  await page.getByLabel("Line 1 amount").fill("1500.00");
  await page.getByLabel("Line 2 description").fill("Hosting");
  await page.getByLabel("Line 2 amount").fill("20");
  await page.getByRole("button", { name: "Create schedule" }).click();

  await expect(page.getByRole("heading", { name: "Monthly retainer", level: 1 })).toBeVisible();
  await expect(page.getByText("Every month on the 31st")).toBeVisible();
  const facts = page.locator("dl");
  await expect(facts).toContainText("2026-12-31");
  // February has no 31st: the 28th, and back to the 31st in March.
  await expect(facts).toContainText("2027-01-31, 2027-02-28, 2027-03-31");
  await expect(page.getByText("1,520.00 EUR")).toBeVisible();

  await hydrated(page);
  await page.getByRole("button", { name: "Generate now" }).click();
  await expect(page.getByRole("heading", { name: /Draft invoice/, level: 1 })).toBeVisible();
  await expect(page.getByText("Retainer", { exact: true })).toBeVisible();
  await expect(page.getByText("Hosting", { exact: true })).toBeVisible();

  await page.goto("/invoices/recurring");
  const row = page.getByRole("row").filter({ hasText: "Monthly retainer" });
  await expect(row).toContainText("Every month on the 31st");
  // December's invoice was made early, so January's is next.
  await expect(row).toContainText("2027-01-31");
  await row.getByRole("link", { name: "Monthly retainer" }).click();
  await expect(page.getByRole("heading", { name: "Invoices made", level: 2 })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "2026-11-30" })).toContainText("Draft");

  await hydrated(page);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByText("Paused", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByText("Active", { exact: true })).toBeVisible();
});
