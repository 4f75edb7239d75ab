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

test("an owner uploads a logo that the sidebar shows, and an unusable file is refused with the reason", async ({ page }) => {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Lou Logo"));
  await new BusinessForm(page).create("Logo Studio", "EUR");
  await expect(page.getByRole("heading", { name: "Logo Studio", level: 1 })).toBeVisible();
  await page.goto("/settings/branding");
  await hydrated(page);
  const logo = page.getByRole("region", { name: "Logo", exact: true });
  await expect(logo.getByText("No logo yet.")).toBeVisible();

  // Caught in the browser before anything is sent.
  await logo.getByRole("button", { name: "Upload logo" }).click();
  await expect(logo.getByRole("alert")).toHaveText("Choose an image file.");

  // A text file named .png is refused by the server, which sends the person back with the reason.
  await logo.getByLabel("Logo image").setInputFiles({
    name: "logo.png",
    mimeType: "image/png",
    buffer: Buffer.from("name,email\nAda,ada@example.com\n"),
  });
  await logo.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByRole("region", { name: "Logo", exact: true }).getByRole("alert")).toHaveText(
    "This file is not a PNG, JPEG, WebP or SVG image.",
  );

  await hydrated(page);
  await page.getByRole("region", { name: "Logo", exact: true }).getByLabel("Logo image").setInputFiles("tests/fixtures/logo.png");
  await page.getByRole("region", { name: "Logo", exact: true }).getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Logo saved." })).toBeVisible();
  const current = page.getByRole("img", { name: "Your current logo" });
  await expect(current).toBeVisible();
  expect(await current.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);
  await expect(page.getByRole("complementary").getByRole("img", { name: "Logo Studio logo" })).toBeVisible();

  await page.getByRole("button", { name: "Remove logo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Logo removed." })).toBeVisible();
  await expect(page.getByRole("img", { name: "Logo Studio logo" })).toHaveCount(0);
});
