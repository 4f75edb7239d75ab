import { test, expect, newAccount, hydrated, markWindow, windowStillMarked } from "./fixtures/test";
import { AppShell, BusinessForm, SignInPage, SignUpPage } from "./fixtures/pages";

test.describe("signing up, out and in (hydrated)", () => {
  test("a new user signs up, creates a business and lands on its dashboard without a page reload", async ({ page }) => {
    const account = newAccount();
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await markWindow(page);
    await signUp.signUp(account);

    await expect(page.getByRole("heading", { name: "Set up your business" })).toBeVisible();
    await expect(page).toHaveURL(/\/onboarding$/);
    await new BusinessForm(page).create("Studio Demo", "GBP");

    const shell = new AppShell(page);
    await shell.expectDashboard("Studio Demo");
    await expect(page).toHaveURL(/\/$/);
    await expect(shell.nav.getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");
    expect(await windowStillMarked(page), "client-side navigation only").toBe(true);

    // The page a returning visitor gets straight from the server shows the same business.
    await page.reload();
    await hydrated(page);
    await shell.expectDashboard("Studio Demo");
  });

  test("a user signs out and signs in again, then out everywhere", async ({ page, browser, extraHTTPHeaders }) => {
    const account = newAccount();
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(account);
    await new BusinessForm(page).create("Out and In", "EUR");
    const shell = new AppShell(page);
    await shell.expectDashboard("Out and In");

    await shell.signOutAs(account);
    const signIn = new SignInPage(page);
    await expect(signIn.heading).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in$/);

    // Signed out means signed out: the dashboard now sends the visitor to sign in.
    await page.goto("/");
    await expect(signIn.heading).toBeVisible();
    await hydrated(page);

    await signIn.signIn(account.email, account.password);
    await shell.expectDashboard("Out and In");

    // A second browser signed in to the same account loses its session too.
    const other = await browser.newContext({ baseURL: new URL(page.url()).origin, extraHTTPHeaders });
    const otherPage = await other.newPage();
    await otherPage.goto("/sign-in");
    await hydrated(otherPage);
    await new SignInPage(otherPage).signIn(account.email, account.password);
    await new AppShell(otherPage).expectDashboard("Out and In");

    await shell.openUserMenu(account);
    await shell.signOutEverywhere.click();
    await expect(signIn.heading).toBeVisible();
    await otherPage.goto("/");
    await expect(otherPage.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await other.close();
  });

  test("a wrong password gets a clear message and keeps the visitor on the form", async ({ page }) => {
    const account = newAccount();
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(account);
    await expect(page.getByRole("heading", { name: "Set up your business" })).toBeVisible();
    await page.context().clearCookies();

    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(account.email, "not my password");
    await expect(signIn.alert).toHaveText("Invalid email or password");
    await expect(signIn.email).toHaveValue(account.email);
    await expect(page).toHaveURL(/\/sign-in$/);

    await signIn.signIn("nobody-" + account.email, account.password);
    await expect(signIn.alert).toHaveText("Invalid email or password");
  });

  test("sign-up errors appear next to their field", async ({ page }) => {
    const first = newAccount();
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(first);
    await expect(page.getByRole("heading", { name: "Set up your business" })).toBeVisible();
    await page.context().clearCookies();

    await signUp.goto();
    await signUp.signUp({ ...first, name: "Someone Else" });
    await expect(page.getByRole("alert")).toHaveText("An account with this e-mail address already exists. Sign in instead.");
    await expect(signUp.email).toHaveAttribute("aria-invalid", "true");
    await expect(signUp.email).toHaveAccessibleDescription(/already exists/);
  });
});

test.describe("several businesses", () => {
  test("a user creates a second business and switches between them", async ({ page }) => {
    const account = newAccount();
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(account);
    await new BusinessForm(page).create("First Studio", "EUR");
    const shell = new AppShell(page);
    await shell.expectDashboard("First Studio");
    await markWindow(page);

    await shell.createBusiness.click();
    await expect(page.getByRole("heading", { name: "Create business" })).toBeVisible();
    await new BusinessForm(page).create("Second Studio", "USD");
    await shell.expectDashboard("Second Studio");

    await shell.switchTo("First Studio");
    await shell.expectDashboard("First Studio");
    expect(await windowStillMarked(page), "switching is client-side").toBe(true);

    // The choice is stored: a fresh load keeps it.
    await page.reload();
    await hydrated(page);
    await shell.expectDashboard("First Studio");
  });
});
