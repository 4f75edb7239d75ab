import { test, expect, newAccount, hydrated, markWindow, windowStillMarked } from "./fixtures/test";
import { BusinessForm, CLIENTS_CSV, SignUpPage } from "./fixtures/pages";
import { Page } from "@playwright/test";

async function owner(page: Page, business: string) {
  const account = newAccount("Olive Owner");
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(account);
  await new BusinessForm(page).create(business, "EUR");
  await expect(page.getByRole("heading", { level: 1, name: business })).toBeVisible();
  return account;
}

test.describe("clients", () => {
  test("a client with two contacts and a day rate, a note, archive and restore", async ({ page }) => {
    await owner(page, "Client Studio");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" }).click();
    await expect(page.getByRole("heading", { name: "Clients", level: 1 })).toBeVisible();
    await markWindow(page);
    await page.getByRole("link", { name: "New client" }).click();

    await page.getByLabel("Name", { exact: true }).fill("Acme Industries");
    await page.getByLabel("VAT no.").fill("GB123456789");
    // The browser runs the server's validation before posting: a contact with an address but no
    // name is reported beside its field and nothing is sent (the browser's own checks pass it).
    let posts = 0;
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/api/clients/create")) posts += 1;
    });
    await page.getByLabel("Contact 1 email").fill("dana@acme.test");
    await page.getByRole("button", { name: "Create client" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Enter the contact's name." })).toBeVisible();
    expect(posts, "nothing was posted").toBe(0);
    await page.getByLabel("Contact 1 name").fill("Dana Lee");
    await page.getByRole("button", { name: "Add contact" }).click();
    await page.getByLabel("Contact 2 name").fill("Sam Roe");
    await page.getByLabel("Contact 2 role").fill("Producer");
    await page.getByLabel("Default rate amount").fill("80");
    await page.getByLabel("Default rate unit").selectOption({ label: "Per day" });
    await page.getByRole("button", { name: "Create client" }).click();

    await expect(page.getByRole("heading", { level: 1, name: "Acme Industries" })).toBeVisible();
    const details = page.getByRole("region", { name: "Details" });
    await expect(details).toContainText("80.00 EUR/day");
    await expect(details).toContainText("Dana Lee");
    await expect(details).toContainText("Sam Roe · Producer");
    expect(await windowStillMarked(page)).toBe(true);

    await page.getByLabel("Add a note").fill("Kick-off call went well.");
    await page.getByRole("button", { name: "Save note" }).click();
    const activity = page.getByRole("list", { name: "Activity, newest first" });
    await expect(activity.getByRole("listitem").first()).toContainText("Kick-off call went well.");
    await expect(page.getByLabel("Add a note")).toHaveValue("");

    await page.getByRole("button", { name: "Archive" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Archived");
    await expect(activity.getByRole("listitem").first()).toContainText("archived the client");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" }).click();
    await expect(page.getByText("No clients here")).toBeVisible();
    await page.getByLabel("Show archived").check();
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Acme Industries" }).click();
    await page.getByRole("button", { name: "Restore" }).click();
    await expect(page.getByRole("button", { name: "Archive" })).toBeVisible();
    await expect(activity.getByRole("listitem").first()).toContainText("restored the client");
    await expect(activity).toContainText("Kick-off call went well.");
  });

  test("importing the same pasted CSV twice creates three clients, then skips them all", async ({ page }) => {
    await owner(page, "Import Studio");
    await page.goto("/settings/import");
    await hydrated(page);
    for (const expected of [
      ["Created: 3", "Skipped (name already exists): 0"],
      ["Created: 0", "Skipped (name already exists): 3"],
    ]) {
      await page.getByLabel("CSV text").fill(CLIENTS_CSV);
      await page.getByRole("button", { name: "Preview", exact: true }).click();
      await expect(page.getByLabel("Column “company”")).toHaveValue("company");
      // The preview is a page the server rendered; once it hydrates, the import goes in chunks.
      await hydrated(page);
      await expect(page.getByLabel("Column “email”")).toHaveValue("contact_email");
      const preview = page.getByRole("table");
      await expect(preview).toContainText("Globex, Inc.");
      await page.getByRole("button", { name: "Import clients" }).click();
      const result = page.getByRole("status").filter({ hasText: "Import finished." });
      for (const line of expected) await expect(result).toContainText(line);
      await expect(page).toHaveURL(/\/settings\/import$/);
    }
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" }).click();
    await expect(page.getByRole("row")).toHaveCount(4);
    await expect(page.getByRole("row", { name: /Globex, Inc\./ })).toContainText("120.50 EUR/h");
  });
});
