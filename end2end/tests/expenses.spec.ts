import { test, expect, newAccount, hydrated, withoutJavaScript } from "./fixtures/test";
import { BusinessForm, SignUpPage, createZeroRatedDraft } from "./fixtures/pages";
import { Page } from "@playwright/test";

// "Paid on" defaults to the business's today: run on a fixed day.
test.use({ pinnedAt: new Date("2026-11-30T12:00:00Z") });

/** A small PDF that passes the server's structure check (startxref points inside, %%EOF ends it). */
function receiptPdf(): Buffer {
  const head = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n";
  const tail = `xref\n0 1\ntrailer<</Root 1 0 R>>\nstartxref\n${head.length}\n%%EOF\n`;
  return Buffer.from(head + tail);
}

async function businessWithClient(page: Page) {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Eve Expenser"));
  await new BusinessForm(page).create("Expense Studio", "EUR");
  await page.goto("/clients/new");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill("Acme");
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page.getByRole("heading", { name: "Acme", level: 1 })).toBeVisible();
}

async function fillExpense(page: Page, description: string, amount: string, vendor: string) {
  await page.getByLabel("Description").fill(description);
  await page.getByLabel("Amount").fill(amount);
  await page.getByLabel("Date").fill("2026-11-23");
  await page.getByLabel("Vendor").fill(vendor);
}

test("an expense with a receipt is paid, filtered, zipped and billed", async ({ page }) => {
  await businessWithClient(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Expenses" }).click();
  await expect(page.getByRole("heading", { name: "Expenses", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New expense" }).click();
  await hydrated(page);

  // Checked in the browser first: a billable expense needs a client.
  await fillExpense(page, "Train to Lyon", "12.50", "SNCF");
  await page.getByLabel("Category").fill("Travel");
  await page.getByLabel(/Billable to the client/).check();
  await page.getByRole("button", { name: "Save expense" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Choose the client (or project) to bill this expense to." })).toBeVisible();
  await page.getByLabel("Client", { exact: true }).selectOption({ label: "Acme" });
  await page.getByRole("button", { name: "Save expense" }).click();
  await expect(page.getByRole("heading", { name: "Train to Lyon", level: 1 })).toBeVisible();
  await expect(page.getByText("12.50 EUR")).toBeVisible();

  // The receipt: the limit is stated; the upload goes through and is shown.
  await hydrated(page);
  await expect(page.getByText("PNG, JPEG, WebP or PDF, up to 10 MB.")).toBeVisible();
  await page.getByLabel("Receipt file").setInputFiles({ name: "train.pdf", mimeType: "application/pdf", buffer: receiptPdf() });
  await page.getByRole("button", { name: "Upload receipt" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Receipt saved." })).toBeVisible();
  await expect(page.getByRole("link", { name: "Download receipt" })).toBeVisible();
  await hydrated(page);

  // Paid today (the pinned day), then a second, unpaid expense.
  await page.getByText("Mark paid…").click();
  await page.getByRole("button", { name: "Mark paid", exact: true }).click();
  await expect(page.getByText("Paid on 2026-11-30")).toBeVisible();
  await page.goto("/expenses/new");
  await hydrated(page);
  await fillExpense(page, "Taxi to the airport", "30", "Cabs");
  await page.getByRole("button", { name: "Save expense" }).click();
  await expect(page.getByRole("heading", { name: "Taxi to the airport", level: 1 })).toBeVisible();

  // The unpaid filter.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Expenses" }).click();
  await hydrated(page);
  await expect(page.getByText("Total: 42.50 EUR")).toBeVisible();
  await page.getByLabel("Status").selectOption("unpaid");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=unpaid/);
  await expect(page.getByRole("link", { name: "Taxi to the airport" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Train to Lyon" })).toHaveCount(0);

  // The receipts ZIP names each receipt by date, vendor and amount.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download receipts (ZIP)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("receipts.zip");
  const chunks: Buffer[] = [];
  for await (const chunk of (await file.createReadStream())!) chunks.push(chunk as Buffer);
  const zip = Buffer.concat(chunks);
  expect(zip.subarray(0, 2).toString()).toBe("PK");
  expect(zip.includes(Buffer.from("2026-11-23 SNCF 12.50 EUR.pdf"))).toBe(true);
  expect(zip.includes(receiptPdf())).toBe(true);

  // Billed on a draft for Acme, as its own line.
  await page.goto("/invoices/new");
  await hydrated(page);
  await createZeroRatedDraft(page, "Acme");
  await page.getByText("Add billable expenses").click();
  await page.getByRole("button", { name: "Add expenses" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added 1 expense." })).toBeVisible();
  const line = page.getByRole("table", { name: "Invoice lines" }).getByRole("row").filter({ hasText: "Expense 2026-11-23: Train to Lyon (SNCF)" });
  await expect(line).toContainText("12.50 EUR");
});

test("an expense and its receipt can be recorded with JavaScript disabled", async ({ page, browser, extraHTTPHeaders }) => {
  await businessWithClient(page);
  await withoutJavaScript(browser, page, extraHTTPHeaders, async (plain) => {
    await plain.goto("/expenses/new");
    await fillExpense(plain, "Printer paper", "7.5.0", "Office Shop");
    await plain.getByRole("button", { name: "Save expense" }).click();
    await expect(plain.getByRole("alert").first()).toBeVisible();
    await fillExpense(plain, "Printer paper", "7.50", "Office Shop");
    await plain.getByRole("button", { name: "Save expense" }).click();
    await expect(plain.getByRole("heading", { name: "Printer paper", level: 1 })).toBeVisible();

    // A file that is not a receipt is refused beside the field; a real one is saved.
    await plain.getByLabel("Receipt file").setInputFiles({ name: "paper.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>not a pdf</html>") });
    await plain.getByRole("button", { name: "Upload receipt" }).click();
    await expect(plain.getByRole("alert").filter({ hasText: "This file is not a PNG, JPEG, WebP or PDF" })).toBeVisible();
    await plain.getByLabel("Receipt file").setInputFiles({ name: "paper.pdf", mimeType: "application/pdf", buffer: receiptPdf() });
    await plain.getByRole("button", { name: "Upload receipt" }).click();
    await expect(plain.getByRole("status").filter({ hasText: "Receipt saved." })).toBeVisible();
    await expect(plain.getByText(/paper\.pdf · \d+ bytes/)).toBeVisible();
  });
});
