import { test, expect, newAccount } from "./fixtures/test";
import { AppShell, BusinessForm, CLIENTS_CSV, SignInPage, SignUpPage, boardColumn } from "./fixtures/pages";

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

test("clients keep their contacts, tasks take time from their dialog and the timesheet navigates, all without JavaScript", async ({ page }) => {
  const signUp = new SignUpPage(page, false);
  await signUp.goto();
  await signUp.signUp(newAccount("Plain Worker"));
  await new BusinessForm(page).create("Plain Work Ltd", "EUR");

  // A client with a contact, edited: the saved contact is in the form's HTML, so saving keeps it.
  await page.goto("/clients/new");
  await page.getByLabel("Name", { exact: true }).fill("Acme");
  await page.getByLabel("Contact 1 name").fill("Dana Lee");
  await page.getByLabel("Contact 1 email").fill("dana@acme.test");
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Acme" })).toBeVisible();
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page.getByLabel("Contact 1 name")).toHaveValue("Dana Lee");
  await page.getByLabel("VAT no.").fill("GB123456789");
  await page.getByRole("button", { name: "Save client" }).click();
  const details = page.getByRole("region", { name: "Details" });
  await expect(details).toContainText("GB123456789");
  await expect(details).toContainText("Dana Lee");

  // A project, a task added in its column, time logged from the task's dialog.
  await page.getByRole("link", { name: "New project" }).click();
  await page.getByLabel("Project name").fill("Website");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByLabel("Add a task to To do").fill("Design");
  await boardColumn(page, "To do").getByRole("button", { name: "Add", exact: true }).click();
  await boardColumn(page, "To do").getByRole("link", { name: "Design" }).click();
  const dialog = page.getByRole("dialog", { name: "Task" });
  await dialog.getByText("Log time on this task").click();
  await dialog.getByLabel("Duration").fill("45m");
  await dialog.getByRole("button", { name: "Log time" }).click();
  await expect(page.getByRole("dialog", { name: "Task" })).toContainText("Tracked: 0:45 in 1 entry");

  await dialog.getByRole("link", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // The timesheet's weeks are links.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Timesheet" }).click();
  const row = page.getByRole("table").getByRole("row", { name: /Design/ });
  await expect(row).toContainText("0:45");
  await page.getByRole("link", { name: "← Previous week" }).click();
  await expect(page.getByText("No time tracked this week.")).toBeVisible();
  await page.getByRole("link", { name: "This week" }).click();
  await expect(row).toContainText("0:45");
});

test("a 3-row CSV file is uploaded, previewed, remapped and imported without JavaScript", async ({ page }) => {
  const signUp = new SignUpPage(page, false);
  await signUp.goto();
  await signUp.signUp(newAccount("Plain Importer"));
  await new BusinessForm(page).create("Plain Import Ltd", "EUR");

  await page.goto("/settings/import");
  await page.getByLabel("CSV file").setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: Buffer.from(CLIENTS_CSV) });
  await page.getByRole("button", { name: "Preview", exact: true }).click();

  // Step 2 is a page of its own: the guessed mapping and the preview, rendered by the server.
  await expect(page.getByLabel("Column “company”")).toHaveValue("company");
  await expect(page.getByText("3 rows found.")).toBeVisible();
  const preview = page.getByRole("table");
  await expect(preview).toContainText("Globex, Inc.");
  await expect(preview).toContainText("120.50 EUR");

  // A changed mapping is previewed again by a post, and changed back.
  await page.getByLabel("Column “vat_number”").selectOption("ignore");
  await page.getByRole("button", { name: "Update preview" }).click();
  await expect(page.getByLabel("Column “vat_number”")).toHaveValue("ignore");
  await expect(preview).not.toContainText("GB123456789");
  await page.getByLabel("Column “vat_number”").selectOption("vat_number");

  await page.getByRole("button", { name: "Import clients" }).click();
  const result = page.getByRole("status").filter({ hasText: "Import finished." });
  await expect(result).toContainText("Created: 3");
  await expect(result).toContainText("Failed: 0");

  await page.goto("/clients");
  await expect(page.getByRole("row", { name: /Globex, Inc\./ })).toContainText("120.50 EUR/h");
  await page.getByRole("link", { name: "Acme Industries" }).click();
  await expect(page.getByRole("region", { name: "Details" })).toContainText("GB123456789");
});
