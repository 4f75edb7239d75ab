import { test, expect, newAccount, hydrated, withoutJavaScript } from "./fixtures/test";
import { BusinessForm, SignUpPage, acmeWithSeventyMinutes } from "./fixtures/pages";
import { Page } from "@playwright/test";
import { readFileSync } from "node:fs";

// Invoice numbers follow the year of the issue date: run on a fixed day so the year is known.
test.use({ pinnedAt: new Date("2026-11-30T12:00:00Z") });

/** A client at EUR 31.00/h with 70 minutes of billable time on one task. */
async function seventyMinutesAtThirtyOne(page: Page) {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Ivy Invoicer"));
  await new BusinessForm(page).create("Invoice Studio", "EUR");
  await page.goto("/clients/new");
  await hydrated(page);
  await acmeWithSeventyMinutes(page);
}

async function newDraftForAcme(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Invoices" }).click();
  await expect(page.getByRole("heading", { name: "Invoices", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New invoice" }).click();
  await page.getByLabel("Client").selectOption({ label: "Acme" });
  await page.getByLabel("VAT treatment").selectOption("zero_rated");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page.getByRole("heading", { name: /Draft invoice/, level: 1 })).toBeVisible();
}

function lineRow(page: Page, text: string | RegExp) {
  return page.getByRole("table", { name: "Invoice lines" }).getByRole("row").filter({ hasText: text });
}

test("a billing rounding rule bills rounded hours and shows the time tracked", async ({ page }) => {
  await seventyMinutesAtThirtyOne(page);
  await page.goto("/settings");
  await hydrated(page);
  await page.getByLabel("Rounding", { exact: true }).selectOption({ label: "Round each entry" });
  await page.getByLabel("Direction", { exact: true }).selectOption({ label: "Up" });
  await page.getByLabel("Step", { exact: true }).selectOption({ label: "15 minutes" });
  await page.getByLabel("Minimum per entry (minutes)").fill("0");
  await page.getByRole("button", { name: "Save rounding" }).click();
  await expect(page.getByText("Each entry rounded up to 15 minutes. Tracked time is never changed")).toBeVisible();

  await newDraftForAcme(page);
  await hydrated(page);
  await page.getByLabel("Group as").selectOption({ label: "Single line" });
  await page.getByRole("button", { name: "Generate lines" }).click();
  // 70 minutes up to 75: 1.25 h at 31.00 = 38.75, where as tracked it would be 36.17.
  const line = lineRow(page, "Time tracked on 2026-11-30");
  await expect(line).toContainText("38.75 EUR");
  await expect(line).toContainText("1.25 h × 31.00 EUR/h");
  await expect(line).toContainText("Tracked 1:10");
  await expect(page.getByText("Billing rounding: Each entry rounded up to 15 minutes.")).toBeVisible();

  // The time entry itself still says 1:10.
  await page.goto("/time");
  await expect(page.getByRole("region", { name: "Entries this week" })).toContainText("1:10");
});

test("tracked time becomes an exact invoice that is issued, paid, duplicated and voided", async ({ page, request }) => {
  await seventyMinutesAtThirtyOne(page);
  await newDraftForAcme(page);
  await hydrated(page);

  // 70 minutes at 31.00/h, one line: round(4200 × 3100 / 3600) = 3617.
  await page.getByLabel("Group as").selectOption({ label: "Single line" });
  await page.getByRole("button", { name: "Generate lines" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added 1 line from 1 time entry." })).toBeVisible();
  await expect(lineRow(page, "Time tracked on 2026-11-30")).toContainText("36.17 EUR");
  await expect(lineRow(page, "Time tracked on 2026-11-30")).toContainText("1.17 h × 31.00 EUR/h");

  const addLine = page.getByRole("region", { name: "Add a line" });
  await addLine.getByLabel("Description").fill("Hosting");
  await addLine.getByLabel("Amount (EUR)").fill("10.00");
  await addLine.getByRole("button", { name: "Add line" }).click();
  await expect(lineRow(page, "Hosting")).toContainText("10.00 EUR");
  await expect(lineRow(page, /^Total/)).toContainText("46.17 EUR");

  // Issue: the first number of the year.
  await page.getByText("Issue invoice…").click();
  await page.getByRole("button", { name: "Issue invoice", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Invoice 2026-0001/, level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Sent");
  await expect(page.getByRole("button", { name: "Add line" })).toHaveCount(0);

  // The PDF downloads under the invoice's number.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download PDF" }).click();
  expect((await download).suggestedFilename()).toBe("invoice-2026-0001.pdf");

  // A signed link opens the PDF for someone who is not signed in (`request` has no session).
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const pdfCard = page.getByRole("region", { name: "PDF", exact: true });
  await pdfCard.getByRole("button", { name: "Copy PDF link" }).click();
  await expect(pdfCard.getByRole("status")).toHaveText("Copied");
  const link = await pdfCard.getByLabel("PDF link", { exact: true }).inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const signedOut = await request.get(link);
  expect(signedOut.status()).toBe(200);
  expect(signedOut.headers()["content-type"]).toBe("application/pdf");
  expect(signedOut.headers()["content-disposition"]).toBe('attachment; filename="invoice-2026-0001.pdf"');
  const tampered = await request.get(link.slice(0, -1) + (link.endsWith("A") ? "B" : "A"));
  expect(tampered.status()).toBe(401);
  expect(await tampered.text()).toBe("Invalid or expired link");

  // The preview shows the first page.
  await pdfCard.getByText("Preview", { exact: true }).click();
  const preview = pdfCard.getByRole("img", { name: "Preview of the invoice's first page" });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  await page.getByText("Mark paid…").click();
  await page.getByRole("button", { name: "Mark paid", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Paid");
  await expect(page.getByText("Balance due: 0.00 EUR")).toBeVisible();

  // Duplicate: a new draft with the same lines, detached from time.
  await page.getByRole("button", { name: "Duplicate" }).click();
  await expect(page.getByRole("heading", { name: /Draft invoice/, level: 1 })).toBeVisible();
  await expect(lineRow(page, "Hosting")).toContainText("10.00 EUR");
  await expect(lineRow(page, /^Total/)).toContainText("46.17 EUR");

  // Issue the copy, then void it with a reason.
  await page.getByText("Issue invoice…").click();
  await page.getByRole("button", { name: "Issue invoice", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Invoice 2026-0002/, level: 1 })).toBeVisible();
  await page.getByText("Void…").click();
  await page.getByRole("button", { name: "Void invoice" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Say why the invoice is void." })).toBeVisible();
  await page.getByLabel("Reason for voiding").fill("Sent twice by mistake");
  await page.getByRole("button", { name: "Void invoice" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Void");
  await expect(page.getByText("This invoice is void: Sent twice by mistake")).toBeVisible();

  // The list shows both, with the void one left out of the total.
  await page.getByRole("link", { name: "Invoices" }).first().click();
  const table = page.getByRole("table");
  await expect(table.getByRole("row", { name: /2026-0001/ })).toContainText("Paid");
  await expect(table.getByRole("row", { name: /2026-0002/ })).toContainText("Void");
  await expect(page.getByText("Total (void excluded): 46.17 EUR")).toBeVisible();
});

test("the key invoice steps work with JavaScript disabled", async ({ page, browser, extraHTTPHeaders }) => {
  await seventyMinutesAtThirtyOne(page);
  await withoutJavaScript(browser, page, extraHTTPHeaders, async (plain) => {
    await plain.goto("/invoices/new");
    await plain.getByLabel("Client").selectOption({ label: "Acme" });
    await plain.getByLabel("VAT treatment").selectOption("zero_rated");
    await plain.getByRole("button", { name: "Create draft" }).click();
    await expect(plain.getByRole("heading", { name: /Draft invoice/, level: 1 })).toBeVisible();

    // "Generate lines" is open by default while the draft is empty and time waits to be billed.
    await plain.getByLabel("Group as").selectOption("single");
    await plain.getByRole("button", { name: "Generate lines" }).click();
    await expect(lineRow(plain, "Time tracked on 2026-11-30")).toContainText("36.17 EUR");

    // A mistake comes back beside its field; nothing is lost.
    const addLine = plain.getByRole("region", { name: "Add a line" });
    await addLine.getByLabel("Description").fill("Hosting");
    await addLine.getByLabel("Amount (EUR)").fill("10.005");
    await addLine.getByRole("button", { name: "Add line" }).click();
    await expect(addLine.getByRole("alert").filter({ hasText: "Use at most 2 decimals." })).toBeVisible();
    await addLine.getByLabel("Description").fill("Hosting");
    await addLine.getByLabel("Amount (EUR)").fill("10.00");
    await addLine.getByRole("button", { name: "Add line" }).click();
    await expect(lineRow(plain, /^Total/)).toContainText("46.17 EUR");

    await plain.getByText("Issue invoice…").click();
    await plain.getByRole("button", { name: "Issue invoice", exact: true }).click();
    await expect(plain.getByRole("heading", { name: /Invoice 2026-0001/, level: 1 })).toBeVisible();
    await plain.getByText("Mark paid…").click();
    await plain.getByRole("button", { name: "Mark paid", exact: true }).click();
    await expect(plain.getByRole("heading", { level: 1 })).toContainText("Paid");

    // A credit note after payment: a refused amount comes back beside its field with the reason kept.
    await plain.getByText("Issue a credit note…").click();
    await plain.getByLabel("Reason for the credit note").fill("Hosting was not needed");
    await plain.getByLabel("Credit on “Hosting” (EUR)").fill("10.01");
    await plain.getByLabel("Credit on “Time tracked on 2026-11-30” (EUR)").fill("");
    await plain.getByRole("button", { name: "Issue credit note" }).click();
    await expect(plain.getByRole("alert").filter({ hasText: "At most 10.00 is left to credit on this line." })).toBeVisible();
    await expect(plain.getByLabel("Reason for the credit note")).toHaveValue("Hosting was not needed");
    await plain.getByLabel("Credit on “Hosting” (EUR)").fill("10.00");
    await plain.getByLabel("Credit on “Time tracked on 2026-11-30” (EUR)").fill("");
    await plain.getByRole("button", { name: "Issue credit note" }).click();
    await expect(plain.getByRole("heading", { level: 1 })).toContainText("Partially credited");
    await expect(plain.getByRole("region", { name: "Credit notes" })).toContainText("CN-2026-0001");
  });
});


test("an issued invoice is corrected by a partial credit note, then credited in full", async ({ page }) => {
  await seventyMinutesAtThirtyOne(page);
  await newDraftForAcme(page);
  await hydrated(page);
  await page.getByLabel("Group as").selectOption({ label: "Single line" });
  await page.getByRole("button", { name: "Generate lines" }).click();
  await expect(lineRow(page, "Time tracked on 2026-11-30")).toContainText("36.17 EUR");
  await page.getByText("Issue invoice…").click();
  await page.getByRole("button", { name: "Issue invoice", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Invoice 2026-0001/, level: 1 })).toBeVisible();

  // The form offers what is left on each line; the browser checks it before posting.
  await page.getByText("Issue a credit note…").click();
  const amount = page.getByLabel("Credit on “Time tracked on 2026-11-30” (EUR)");
  await expect(amount).toHaveValue("36.17");
  await amount.fill("40.00");
  await page.getByRole("button", { name: "Issue credit note" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Say why the invoice is credited." })).toBeVisible();
  await page.getByLabel("Reason for the credit note").fill("Half an hour of goodwill");
  await page.getByRole("button", { name: "Issue credit note" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "At most 36.17 is left to credit on this line." })).toBeVisible();
  await amount.fill("15.50");
  await page.getByRole("button", { name: "Issue credit note" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toContainText("Partially credited");
  await expect(page.getByText("Balance due: 20.67 EUR")).toBeVisible();
  const notes = page.getByRole("region", { name: "Credit notes" });
  await expect(notes.getByRole("row", { name: /CN-2026-0001/ })).toContainText("15.50 EUR");
  await expect(notes).toContainText("Half an hour of goodwill");
  await expect(lineRow(page, "Time tracked on 2026-11-30")).toContainText("Credited 15.50 EUR");
  const href = await notes.getByRole("link", { name: "Download credit note CN-2026-0001 as PDF" }).getAttribute("href");
  const pdf = await page.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-disposition"]).toBe('attachment; filename="credit-note-CN-2026-0001.pdf"');

  // The rest, with the next number of the credit notes' own sequence.
  await page.getByText("Credit more of this invoice…").click();
  await expect(amount).toHaveValue("20.67");
  await page.getByLabel("Reason for the credit note").fill("Project cancelled");
  await page.getByRole("button", { name: "Issue credit note" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Credited");
  await expect(page.getByText("Balance due: 0.00 EUR")).toBeVisible();
  await expect(notes.getByRole("row", { name: /CN-2026-0002/ })).toContainText("20.67 EUR");
  await expect(page.getByText("Credit more of this invoice…")).toHaveCount(0);
  await expect(page.getByText("Void…")).toHaveCount(0);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Invoices" }).click();
  await expect(page.getByRole("table").getByRole("row", { name: /2026-0001/ })).toContainText("Credited");
});

test("a client's own rounding rule comes first, and the report sets hours billed against hours tracked", async ({ page }) => {
  await seventyMinutesAtThirtyOne(page);
  await page.goto("/clients");
  await page.getByRole("link", { name: "Acme", exact: true }).click();
  await hydrated(page);
  const card = page.getByRole("region", { name: "Billing rounding" });
  await expect(card).toContainText("Follows the business's rule");
  await card.getByLabel("Rounding", { exact: true }).selectOption({ label: "Round each line's total" });
  await card.getByLabel("Direction", { exact: true }).selectOption({ label: "To the nearest" });
  await card.getByLabel("Step", { exact: true }).selectOption({ label: "6 minutes" });
  await card.getByRole("button", { name: "Save client rounding" }).click();
  await expect(card).toContainText("Each line's time rounded to the nearest 6 minutes, for this client only.");

  // 70 minutes to the nearest 6: 72 minutes, 1.2 h at 31.00 = 37.20.
  await newDraftForAcme(page);
  await hydrated(page);
  await page.getByLabel("Group as").selectOption({ label: "Single line" });
  await page.getByRole("button", { name: "Generate lines" }).click();
  const line = lineRow(page, "Time tracked on 2026-11-30");
  await expect(line).toContainText("37.20 EUR");
  await expect(line).toContainText("Tracked 1:10");
  await page.getByText("Issue invoice…").click();
  await page.getByRole("button", { name: "Issue invoice", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Invoice 2026-0001/, level: 1 })).toBeVisible();

  await page.goto("/reports");
  const billed = page.getByRole("region", { name: "Time billed" });
  await expect(billed.getByRole("row", { name: /Acme/ })).toContainText("1:10");
  await expect(billed.getByRole("row", { name: /Acme/ })).toContainText("1:12");
  await expect(billed.getByRole("row", { name: /Acme/ })).toContainText("+0:02");
});

test("with e-invoices on, a missing client country is named, then the invoice downloads as Factur-X and XML", async ({ page }) => {
  await seventyMinutesAtThirtyOne(page);
  await page.goto("/settings");
  await hydrated(page);
  await page.getByLabel("Your VAT number").fill("DE123456789");
  await page.getByLabel("Your country code").fill("de");
  await page.getByLabel("Make e-invoices (Factur-X)").check();
  await page.getByRole("button", { name: "Save invoice settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." }).first()).toBeVisible();

  await newDraftForAcme(page);
  await hydrated(page);
  await page.getByLabel("Group as").selectOption({ label: "Single line" });
  await page.getByRole("button", { name: "Generate lines" }).click();
  await expect(lineRow(page, "Time tracked on 2026-11-30")).toContainText("36.17 EUR");
  const gap = "To make an e-invoice, add the client's country code (on the client's page).";
  await expect(page.getByRole("status").filter({ hasText: gap })).toBeVisible();
  await page.getByText("Issue invoice…").click();
  await page.getByRole("button", { name: "Issue invoice", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: gap })).toBeVisible();
  const draft = page.url();

  // The client's country, on its edit form.
  await page.goto("/clients");
  await page.getByRole("link", { name: "Acme" }).first().click();
  await page.getByRole("link", { name: "Edit" }).click();
  await hydrated(page);
  await page.getByLabel("Country code").fill("NL");
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("definition").filter({ hasText: /^NL$/ })).toBeVisible();

  await page.goto(draft);
  await hydrated(page);
  await expect(page.getByRole("status").filter({ hasText: gap })).toHaveCount(0);
  await page.getByText("Issue invoice…").click();
  await page.getByRole("button", { name: "Issue invoice", exact: true }).click();
  await expect(page.getByRole("heading", { name: /Invoice 2026-0001/, level: 1 })).toBeVisible();

  const pdf = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download PDF (Factur-X)" }).click();
  const pdfFile = await pdf;
  expect(pdfFile.suggestedFilename()).toBe("invoice-2026-0001.pdf");
  const bytes = readFileSync(await pdfFile.path());
  expect(bytes.includes(Buffer.from("factur-x.xml"))).toBe(true);

  const xml = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the e-invoice as XML (CII)" }).click();
  const xmlFile = await xml;
  expect(xmlFile.suggestedFilename()).toBe("invoice-2026-0001.cii.xml");
  const text = readFileSync(await xmlFile.path(), "utf8");
  expect(text).toContain("<ram:BilledQuantity unitCode=\"HUR\">1.166667</ram:BilledQuantity>");
  expect(text).toContain("<ram:CountryID>NL</ram:CountryID>");
  const ubl = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the e-invoice as XML (UBL)" }).click();
  expect((await ubl).suggestedFilename()).toBe("invoice-2026-0001.ubl.xml");
});
