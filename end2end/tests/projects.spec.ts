import { test, expect, newAccount, hydrated } from "./fixtures/test";
import { BusinessForm, SignUpPage, boardColumn } from "./fixtures/pages";
import { Browser, Page } from "@playwright/test";

async function projectWithTasks(page: Page, hourlyRate?: string) {
  const { account } = await newProject(page, hourlyRate);
  for (const title of ["Design", "Build", "Launch"]) {
    await page.getByLabel("Add a task to To do").fill(title);
    await boardColumn(page, "To do").getByRole("button", { name: "Add", exact: true }).click();
    await expect(boardColumn(page, "To do").getByRole("link", { name: title })).toBeVisible();
  }
  return { account, url: page.url() };
}

async function newProject(page: Page, hourlyRate?: string) {
  const account = newAccount("Pat Planner");
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(account);
  await new BusinessForm(page).create("Board Studio", "EUR");
  await page.goto("/clients/new");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill("Acme");
  if (hourlyRate) await page.getByLabel("Default rate amount").fill(hourlyRate);
  await page.getByRole("button", { name: "Create client" }).click();
  await page.getByRole("link", { name: "New project" }).click();
  await expect(page.getByLabel("Client")).toHaveValue(/.+/);
  await page.getByLabel("Project name").fill("Website");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Website" })).toBeVisible();
  return { account };
}


test.describe("projects and tasks", () => {
  test("a task is found by its title from the projects list and opens in its dialog", async ({ page }) => {
    await projectWithTasks(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" }).click();
    await page.getByLabel("Find a task").fill("uil");
    await page.getByRole("button", { name: "Find" }).click();
    const found = page.getByRole("region", { name: "Tasks found" });
    await expect(found.getByRole("listitem")).toHaveCount(1);
    await found.getByRole("link", { name: "Build" }).click();
    await expect(page.getByRole("dialog", { name: "Task" }).getByLabel("Title")).toHaveValue("Build");
  });

  test("the task dialog keeps focus, closes with Escape back to its card, logs time and edits or deletes it", async ({ page }) => {
    await projectWithTasks(page, "80");
    await hydrated(page);
    const card = boardColumn(page, "To do").getByRole("link", { name: "Design" });
    const dialog = page.getByRole("dialog", { name: "Task" });
    await card.click();
    await expect(dialog.getByLabel("Title")).toBeFocused();
    for (let i = 0; i < 25; i++) await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement)), "Tab stays in the dialog").toBe(true);
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(card).toBeFocused();

    // Time logged from the dialog carries the client's rate, frozen, and what it bills.
    await card.click();
    await dialog.getByText("Log time on this task").click();
    await dialog.getByLabel("Duration").fill("1h 30m");
    await dialog.getByLabel("Note", { exact: true }).fill("Wireframes");
    await dialog.getByRole("button", { name: "Log time" }).click();
    await expect(dialog).toContainText("Tracked: 1:30 in 1 entry");
    await expect(dialog).toContainText("120.00 EUR");
    await expect(dialog.getByLabel("Duration")).toHaveValue("");
    const note = dialog.getByLabel(/^Note for Design, /);
    await expect(note).toHaveValue("Wireframes");
    await note.fill("Wireframes, second round");
    await dialog.getByRole("button", { name: "Save note" }).click();
    await page.reload();
    await hydrated(page);
    await expect(dialog.getByLabel(/^Note for Design, /)).toHaveValue("Wireframes, second round");
    await dialog.getByRole("button", { name: /^Delete entry Design, / }).click();
    await expect(dialog).toContainText("Tracked: 0:00 in 0 entries");

    // Saving the task closes the dialog.
    await dialog.getByLabel("Estimate (minutes)").fill("45");
    await dialog.getByRole("button", { name: "Save task" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(boardColumn(page, "To do").getByRole("listitem").filter({ hasText: "Design" })).toContainText("estimate 45 min");
  });

  test("a new project's board: four empty columns, a task added in its column, a timer started from the card", async ({ page }) => {
    await newProject(page);
    await hydrated(page);
    for (const name of ["To do", "In progress", "In review", "Done"]) {
      await expect(boardColumn(page, name)).toContainText("No tasks.");
    }
    await page.getByLabel("Add a task to In review").fill("Proofread");
    await boardColumn(page, "In review").getByRole("button", { name: "Add", exact: true }).click();
    const card = boardColumn(page, "In review").getByRole("listitem").filter({ hasText: "Proofread" });
    await expect(card).toBeVisible();
    await expect(page.getByLabel("Add a task to In review")).toHaveValue("");
    await expect(boardColumn(page, "To do")).toContainText("No tasks.");

    await card.getByRole("button", { name: "Start timer on Proofread" }).click();
    await expect(page.getByRole("timer", { name: "Timer on Proofread" })).toBeVisible();
    await page.getByRole("button", { name: "Stop timer" }).click();
    await expect(card).toContainText("tracked");
  });

  test("three tasks, one dragged across the board, one moved without JavaScript", async ({ page, browser }) => {
    const { account, url } = await projectWithTasks(page);

    // After hydration: drag "Design" to In progress.
    // Dropped on the column's heading: its top is in view however tall the columns grow.
    await boardColumn(page, "To do").getByRole("link", { name: "Design" }).dragTo(boardColumn(page, "In progress").getByRole("heading"));
    await expect(boardColumn(page, "In progress").getByRole("link", { name: "Design" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "To do (2)" })).toBeVisible();

    // The list view shows the same.
    await page.getByRole("link", { name: "List", exact: true }).click();
    await expect(page.getByRole("row", { name: /Design/ })).toContainText("In progress");

    // The task dialog edits the estimate.
    await page.getByRole("link", { name: "Build" }).click();
    const dialog = page.getByRole("dialog", { name: "Task" });
    await dialog.getByLabel("Estimate (minutes)").fill("90");
    await dialog.getByRole("button", { name: "Save task" }).click();
    await expect(page.getByRole("row", { name: /Build/ })).toContainText("1 h 30 min");

    // Without JavaScript the card's status form moves it.
    await movesWithoutJavaScript(browser, account, url);
  });
});

async function movesWithoutJavaScript(browser: Browser, account: { email: string; password: string }, url: string) {
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "x-forwarded-for": "198.19.9.9" } });
  const page = await context.newPage();
  await page.goto("/sign-in".replace(/^/, new URL(url).origin));
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.goto(url.split("?")[0] + "?view=board");
  const launch = boardColumn(page, "To do").getByRole("listitem").filter({ hasText: "Launch" });
  await launch.getByLabel("Move “Launch” to").selectOption({ label: "Done" });
  await launch.getByRole("button", { name: "Move" }).click();
  await expect(boardColumn(page, "Done").getByRole("link", { name: "Launch" })).toBeVisible();
  await context.close();
}
