import { test, expect, newAccount, hydrated, withoutJavaScript } from "./fixtures/test";
import { BusinessForm, SignUpPage, boardColumn } from "./fixtures/pages";
import { Page } from "@playwright/test";

async function projectWithTwoTasks(page: Page) {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp(newAccount("Tess Tracker"));
  await new BusinessForm(page).create("Timer Studio", "EUR");
  await page.goto("/clients/new");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill("Acme");
  await page.getByRole("button", { name: "Create client" }).click();
  await page.getByRole("link", { name: "New project" }).click();
  await page.getByLabel("Project name").fill("Website");
  await page.getByRole("button", { name: "Create project" }).click();
  for (const title of ["Design", "Build"]) {
    await page.getByLabel("Add a task to To do").fill(title);
    await boardColumn(page, "To do").getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("link", { name: title })).toBeVisible();
  }
}

async function startFromDialog(page: Page, task: string) {
  await page.getByRole("link", { name: task, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Task" });
  await dialog.getByRole("button", { name: "Start timer" }).click();
  await expect(page.getByRole("timer", { name: `Timer on ${task}` })).toBeVisible();
  await dialog.getByRole("link", { name: "Close" }).click();
}

/** Saves the business's time zone on Settings → General. */
async function setTimeZone(page: Page, zone: string) {
  await page.goto("/settings");
  await hydrated(page);
  await page.getByLabel("Time zone").selectOption(zone);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
}

/** The "+" links and the week's dates depend on "today": run the flow on days that used to break it. */
const DAYS = [
  { on: "a Monday", at: "2026-11-23T12:00:00Z", zone: "UTC", week: "Mon 23 Nov – Sun 29 Nov 2026", monday: "2026-11-23" },
  { on: "a Sunday", at: "2026-11-29T12:00:00Z", zone: "UTC", week: "Mon 23 Nov – Sun 29 Nov 2026", monday: "2026-11-23" },
  // Berlin's clocks go forward at 01:00 UTC on 29 March 2026: that week is 167 hours long.
  {
    on: "the Sunday Berlin's clocks go forward",
    at: "2026-03-29T10:00:00Z",
    zone: "Europe/Berlin",
    week: "Mon 23 Mar – Sun 29 Mar 2026",
    monday: "2026-03-23",
  },
];

for (const day of DAYS) {
  test.describe(`on ${day.on}`, () => {
    test.use({ pinnedAt: new Date(day.at) });

    test("a timer ticks in the top bar, switches tasks and stops; manual time adds up on the timesheet", async ({ page, browser, extraHTTPHeaders }) => {
      await projectWithTwoTasks(page);
      if (day.zone !== "UTC") {
        const project = page.url();
        await setTimeZone(page, day.zone);
        await page.goto(project);
        await hydrated(page);
      }

      await startFromDialog(page, "Design");
      const chip = page.getByRole("timer", { name: "Timer on Design" });
      await expect(chip).toHaveText(/^\d{2}:\d{2}:\d{2}$/);
      const first = await chip.textContent();
      // It ticks in the browser, without asking the server.
      let serverCalls = 0;
      page.on("request", (r) => {
        if (r.url().includes("/api/time/running")) serverCalls += 1;
      });
      await expect.poll(async () => chip.textContent(), { timeout: 5_000 }).not.toBe(first);
      expect(serverCalls, "no polling for the chip").toBe(0);

      await startFromDialog(page, "Build");
      await expect(page.getByRole("timer", { name: "Timer on Design" })).toHaveCount(0);
      await page.getByRole("button", { name: "Stop timer" }).click();
      await expect(page.getByRole("timer")).toHaveCount(0);

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Timesheet" }).click();
      await expect(page.getByRole("heading", { name: "Timesheet", level: 1 })).toBeVisible();
      await expect(page.getByRole("table", { name: day.week })).toBeVisible();
      await expect(page.getByRole("link", { name: "This week" })).toHaveAttribute("href", `/time?week=${day.monday}`);
      const table = page.getByRole("table");
      await expect(table.getByRole("row", { name: /Design/ })).toBeVisible();
      await expect(table.getByRole("row", { name: /Build/ })).toBeVisible();

      // Manual entry: 1h 30m on Design, today.
      const add = page.getByRole("region", { name: "Add time" });
      await add.getByLabel("Task").selectOption({ label: "Acme · Website · Design" });
      await add.getByLabel("Duration").fill("1h 30m");
      await add.getByRole("button", { name: "Add time" }).click();
      const designRow = table.getByRole("row", { name: /Design/ });
      await expect(designRow.getByRole("cell").last()).toHaveText("1:30");
      await expect(page.getByRole("region", { name: "Entries this week" })).toContainText("1:30 · billable");

      // The week total is the sum of the rows (timer entries are seconds long: 0:00 each).
      const weekTotal = table.getByRole("row", { name: /Day total/ }).getByRole("cell").last();
      await expect(weekTotal).toHaveText("1:30");
      await expect(page.getByText(`${day.week} · 1:30 tracked`)).toBeVisible();
      // Each row and entry leads to its task on its project.
      await expect(designRow.getByRole("link", { name: "Design", exact: true })).toHaveAttribute("href", /^\/projects\/.+\?task=/);
      await expect(page.getByRole("region", { name: "Entries this week" })).toContainText("Acme · Website");

      // Weeks navigate and come back.
      await page.getByRole("link", { name: "← Previous week" }).click();
      await expect(page.getByText("No time tracked this week.")).toBeVisible();
      await expect(weekTotal).toHaveText("0:00");
      await page.getByRole("link", { name: "Next week →" }).click();
      await expect(designRow.getByRole("cell").last()).toHaveText("1:30");
      await page.getByRole("link", { name: "Next week →" }).click();
      await expect(page.getByText("No time tracked this week.")).toBeVisible();
      await page.getByRole("link", { name: "This week" }).click();
      await expect(weekTotal).toHaveText("1:30");

      // A cell's "+" prefills the form with that task and day, each time, within the same week: the
      // form follows the URL without the timesheet reloading.
      let reloads = 0;
      page.on("request", (r) => {
        if (r.url().includes("/api/time/timesheet")) reloads += 1;
      });
      const buildRow = table.getByRole("row", { name: /Build/ });
      await designRow.getByRole("link", { name: /^Add time to Design on / }).last().click();
      await expect(page).toHaveURL(/add_task=/);
      let link = new URL(page.url());
      await expect(add.getByLabel("Task")).toHaveValue(link.searchParams.get("add_task")!);
      await expect(add.getByLabel("Date")).toHaveValue(link.searchParams.get("add_date")!);
      const designTask = link.searchParams.get("add_task");
      await buildRow.getByRole("link", { name: /^Add time to Build on / }).first().click();
      await expect(page).toHaveURL(new RegExp(`add_date=${day.monday}`));
      link = new URL(page.url());
      await expect(add.getByLabel("Task")).toHaveValue(link.searchParams.get("add_task")!);
      expect(link.searchParams.get("add_task"), "Build's link names another task than Design's").not.toBe(designTask);
      await expect(add.getByLabel("Date")).toHaveValue(day.monday);
      expect(reloads, "the timesheet did not reload for a '+' in the same week").toBe(0);
      await add.getByLabel("Duration").fill("45m");
      await add.getByRole("button", { name: "Add time" }).click();
      await expect(buildRow.getByRole("cell").first()).toContainText("0:45");
      await expect(weekTotal).toHaveText("2:15");

      // Start from the timesheet; a running timer stays out of the totals until it stops.
      await page.getByRole("button", { name: "Start timer on Design" }).click();
      await expect(page.getByRole("timer", { name: "Timer on Design" })).toBeVisible();
      await expect(weekTotal).toHaveText("2:15");
      await page.getByRole("button", { name: "Stop timer" }).click();
      await expect(page.getByRole("timer")).toHaveCount(0);

      // Without JavaScript, the "+" link is a plain page load that arrives prefilled, and the form posts.
      await withoutJavaScript(browser, page, extraHTTPHeaders, async (plain) => {
        await plain.goto(`/time?week=${day.monday}&add_task=${link.searchParams.get("add_task")}&add_date=${day.monday}`);
        const plainAdd = plain.getByRole("region", { name: "Add time" });
        await expect(plainAdd.getByLabel("Task")).toHaveValue(link.searchParams.get("add_task")!);
        await expect(plainAdd.getByLabel("Date")).toHaveValue(day.monday);
        await plainAdd.getByLabel("Duration").fill("15m");
        await plainAdd.getByRole("button", { name: "Add time" }).click();
        const plainTotal = plain.getByRole("table").getByRole("row", { name: /Day total/ }).getByRole("cell").last();
        await expect(plainTotal).toHaveText("2:30");
      });
    });
  });
}


test("a refused start says why beside the button that was pressed", async ({ page }) => {
  await projectWithTwoTasks(page);
  await page.goto("/time");
  await hydrated(page);
  const add = page.getByRole("region", { name: "Add time" });
  await add.getByLabel("Task").selectOption({ label: "Acme · Website · Design" });
  await add.getByLabel("Duration").fill("30m");
  await add.getByRole("button", { name: "Add time" }).click();
  const row = page.getByRole("table").getByRole("row", { name: /Design/ });
  await expect(row).toBeVisible();

  // The client is archived after the time was logged: its tasks take no new timers.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" }).click();
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Archived");

  await page.goto("/time");
  await hydrated(page);
  await row.getByRole("button", { name: "Start timer on Design" }).click();
  await expect(row.getByRole("alert")).toContainText("client is archived");
  await expect(page.getByRole("alert")).toHaveCount(1);
  await expect(page.getByRole("timer")).toHaveCount(0);
});
