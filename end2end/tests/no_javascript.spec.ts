import { test, expect, newAccount } from "./fixtures/test";
import { AppShell, BusinessForm, SignInPage, SignUpPage } from "./fixtures/pages";

// Every page is server-rendered and every form is a real form: the whole first-run flow works
// before (or without) the wasm.
test.use({ javaScriptEnabled: false });

test("the whole flow works with JavaScript disabled", async ({ page }) => {
  const account = newAccount("No Script");
  const signUp = new SignUpPage(page, false);
  await signUp.goto();
  await signUp.signUp(account);

  await expect(page.getByRole("heading", { name: "Set up your business" })).toBeVisible();
  await new BusinessForm(page).create("Plain HTML Ltd", "CHF");
  const shell = new AppShell(page);
  await shell.expectDashboard("Plain HTML Ltd");

  await shell.createBusiness.click();
  await new BusinessForm(page).create("Second Plain", "EUR");
  await shell.expectDashboard("Second Plain");
  await shell.switchTo("Plain HTML Ltd");
  await shell.expectDashboard("Plain HTML Ltd");

  await shell.signOutAs(account);
  const signIn = new SignInPage(page, false);
  await expect(signIn.heading).toBeVisible();

  await signIn.signIn(account.email, "wrong password");
  await expect(signIn.alert).toHaveText("Invalid email or password");

  await signIn.signIn(account.email, account.password);
  await shell.expectDashboard("Plain HTML Ltd");
});
