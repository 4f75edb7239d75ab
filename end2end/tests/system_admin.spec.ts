import { test, expect, newAccount, hydrated } from "./fixtures/test";
import { BusinessForm, SignUpPage } from "./fixtures/pages";
import { execFileSync } from "node:child_process";

/** What `server grant-admin EMAIL` does, straight in the test database the server uses. */
function grantAdmin(email: string) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL must name the server's database (scripts/test sets it)");
  // psql interpolates :'email' (quoted) only in what it reads from stdin, not in -c.
  execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-v", `email=${email}`], {
    input: "update accounts set platform_admin = true where email = :'email'::citext;\n",
  });
}

test("a platform admin suspends a business and its member sees the banner, then lifts it", async ({ page, browser }) => {
  // The member and their business.
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Sam Member"));
  const business = `Paused Studio ${Date.now()}`;
  await new BusinessForm(page).create(business, "EUR");

  // The operator, in a browser of their own, without a business.
  const adminContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.19.7.7" } });
  const admin = await adminContext.newPage();
  const operator = newAccount("Ada Admin");
  const adminSignUp = new SignUpPage(admin);
  await adminSignUp.goto();
  await adminSignUp.signUp(operator);
  await expect(admin).toHaveURL(/onboarding/);
  await admin.goto("/system-admin");
  await expect(admin.getByRole("heading", { name: "System admin" })).toHaveCount(0);
  grantAdmin(operator.email);
  // A change made outside the server (as `server grant-admin` is) shows once the session cache's
  // few seconds (CLERQ_SESSION_CACHE_MS) have passed.
  await expect(async () => {
    await admin.goto("/system-admin");
    await expect(admin.getByRole("heading", { name: "System admin", level: 1 })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(admin.getByText("Database size")).toBeVisible();
  await hydrated(admin);
  const row = admin.getByRole("row").filter({ hasText: business });
  await row.getByText(`Suspend ${business}…`).click();
  await row.getByLabel("Reason (shown to its members)").fill("Hosting invoice unpaid.");
  await row.getByRole("button", { name: `Suspend ${business}`, exact: true }).click();
  await expect(row).toContainText("Suspended: Hosting invoice unpaid.");

  // The member sees why, and the buttons that would change something are gone.
  await page.goto("/clients");
  await expect(page.getByRole("alert").filter({ hasText: "This business is suspended and read-only." })).toContainText(
    "Hosting invoice unpaid.",
  );
  await expect(page.getByRole("link", { name: "New client" })).toHaveCount(0);

  await row.getByRole("button", { name: `Unsuspend ${business}` }).click();
  await expect(row).toContainText("Active");
  await page.goto("/clients");
  await expect(page.getByText("This business is suspended")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "New client" })).toBeVisible();
  await adminContext.close();
});
