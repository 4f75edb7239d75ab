import { test, expect, newAccount, hydrated } from "./fixtures/test";
import { BusinessForm, SignUpPage } from "./fixtures/pages";

test("an owner sets the brand colour and footer note, and is warned about an unreadable colour", async ({ page }) => {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Bea Brand"));
  await new BusinessForm(page).create("Brand Studio", "EUR");
  await page.goto("/settings");
  await hydrated(page);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Branding" }).click();
  const colour = page.getByLabel("Brand colour");
  await expect(colour).toHaveValue("#228E80");

  await colour.fill("teal");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "six hex digits" })).toBeVisible();

  await colour.fill("#ffff00");
  await page.getByLabel("Footer note").fill("Thank you for your business.");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("status").filter({ hasText: "contrast of 1.07:1" })).toBeVisible();

  await colour.fill("#1a6e64");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("status").filter({ hasText: "contrast of" })).toHaveCount(0);
  // Saved upper-cased (the field keeps what was typed until the page loads again).
  await page.reload();
  await expect(page.getByLabel("Brand colour")).toHaveValue("#1A6E64");
  await expect(page.getByLabel("Footer note")).toHaveValue("Thank you for your business.");
});
