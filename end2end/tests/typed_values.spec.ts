import { Locator, Page } from "@playwright/test";
import { test, expect, newAccount } from "./fixtures/test";
import { BusinessForm, SignUpPage, acmeWebsiteDesign } from "./fixtures/pages";

// Without JavaScript a form that fails validation comes back from the server. It must show the
// errors *and* everything the person typed, except passwords. One form of each kind: sign-up,
// client, project, expense, time entry, recurring schedule, business and invoice settings.
test.use({ javaScriptEnabled: false });

/** A field by its label; `select` picks an option by its value or label, `check` ticks a box. */
type Field = { label: string; value: string; kind?: "fill" | "select" | "check" };

function field(scope: Page | Locator, label: string): Locator {
  return scope.getByLabel(label, { exact: true });
}

/** Types `fields` in, and returns what each field should show afterwards. */
async function typeInto(scope: Page | Locator, fields: Field[]): Promise<[Locator, string][]> {
  const expected: [Locator, string][] = [];
  for (const { label, value, kind = "fill" } of fields) {
    const input = field(scope, label);
    if (kind === "select") {
      await input.selectOption(value);
      expected.push([input, await input.inputValue()]);
    } else if (kind === "check") {
      await input.check();
      expected.push([input, "checked"]);
    } else {
      await input.fill(value);
      expected.push([input, value]);
    }
  }
  return expected;
}

async function expectKept(expected: [Locator, string][]) {
  for (const [input, value] of expected) {
    if (value === "checked") await expect(input).toBeChecked();
    else await expect(input).toHaveValue(value);
  }
}

/**
 * Fills `fields` (one of them invalid) on `path`, submits with `button`, and checks that the page
 * comes back with the error `error` and every typed value.
 */
async function failAndKeep(page: Page, path: string, fields: Field[], button: string, error: RegExp | string) {
  await page.goto(path);
  const expected = await typeInto(page, fields);
  await page.getByRole("button", { name: button, exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: error }).first()).toBeVisible();
  await expect(page).toHaveURL(/__err=/);
  await expectKept(expected);
}

test("a failed sign-up keeps the name and email and empties the password", async ({ page }) => {
  const signUp = new SignUpPage(page, false);
  await signUp.goto();
  await signUp.name.fill("Dana \"D\" Lee & Co");
  await signUp.email.fill("dana@localhost");
  await signUp.password.fill("a long enough passphrase");
  await signUp.submit.click();
  await expect(page.getByRole("alert").filter({ hasText: "Enter a valid e-mail address" })).toBeVisible();
  await expect(signUp.name).toHaveValue("Dana \"D\" Lee & Co");
  await expect(signUp.email).toHaveValue("dana@localhost");
  await expect(signUp.password).toHaveValue("");
});

test("every kind of form keeps what was typed when it fails without JavaScript", async ({ page }) => {
  test.setTimeout(120_000);
  const signUp = new SignUpPage(page, false);
  await signUp.goto();
  await signUp.signUp(newAccount("Typed Values"));
  await new BusinessForm(page).create("Typed Values Ltd", "EUR");

  // What the other forms need: a client with a project and a task.
  await page.goto("/clients/new");
  await acmeWebsiteDesign(page);

  await failAndKeep(page, "/clients/new", [
    { label: "Name", value: "Acme & Sons" },
    { label: "Company", value: "Acme Holdings" },
    { label: "Address", value: "1 Long Road\nSpringfield" },
    { label: "VAT no.", value: "GB123" },
    { label: "Default rate amount", value: "12.3.4" },
    { label: "Default rate currency", value: "CHF", kind: "select" },
    { label: "Default rate unit", value: "Per day", kind: "select" },
  ], "Create client", "Enter a number");

  await failAndKeep(page, "/projects/new", [
    { label: "Client", value: "Acme", kind: "select" },
    { label: "Project name", value: "Relaunch" },
    { label: "Due date", value: "2026-12-24" },
    { label: "Budget amount", value: "lots" },
    { label: "Budget currency", value: "CHF", kind: "select" },
  ], "Create project", "Enter a number");

  await failAndKeep(page, "/expenses/new", [
    { label: "Description", value: "Fonts" },
    { label: "Amount", value: "twelve" },
    { label: "Currency", value: "CHF", kind: "select" },
    { label: "Date", value: "2026-11-30" },
    { label: "Vendor", value: "Type Foundry" },
    { label: "Notes", value: "For the relaunch" },
  ], "Save expense", "Enter");

  const addTime = page.getByRole("region", { name: "Add time" });
  await page.goto("/time");
  const task = field(addTime, "Task");
  await task.selectOption({ index: 1 });
  const taskId = await task.inputValue();
  const typed = await typeInto(addTime, [
    { label: "Date", value: "2026-12-01" },
    { label: "Start time", value: "08:15" },
    { label: "Duration", value: "9 parsecs" },
    { label: "Note", value: "Kick-off call" },
    { label: "Rate amount", value: "95" },
  ]);
  await addTime.getByRole("button", { name: "Add time" }).click();
  await expect(addTime.getByRole("alert").first()).toBeVisible();
  await expect(task).toHaveValue(taskId);
  await expectKept(typed);

  await failAndKeep(page, "/invoices/recurring/new", [
    { label: "Name", value: "Monthly retainer" },
    { label: "Client", value: "Acme", kind: "select" },
    { label: "Start date", value: "2026-12-31" },
    { label: "Line 1 description", value: "Retainer" },
    { label: "Line 1 amount", value: "fifteen hundred" },
  ], "Create schedule", "Enter");

  await failAndKeep(page, "/settings", [
    { label: "Business name", value: "Renamed Ltd" },
    { label: "Address", value: "2 Short Street" },
    { label: "Hours per day", value: "30" },
  ], "Save changes", /hours|24/i);

  // The invoice settings are a second form on the same page.
  await failAndKeep(page, "/settings", [
    { label: "Standard VAT rate (%)", value: "twenty" },
    { label: "Your VAT number", value: "DE123" },
    { label: "Payment terms (days)", value: "45" },
  ], "Save invoice settings", "Enter");

  // Nothing was saved by the failed posts.
  await page.goto("/clients");
  await expect(page.getByRole("link", { name: "Acme & Sons" })).toHaveCount(0);
});
