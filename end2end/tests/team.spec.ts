import { test, expect, newAccount, hydrated } from "./fixtures/test";
import { AppShell, BusinessForm, SignUpPage, TeamSettingsPage } from "./fixtures/pages";

test.describe("team", () => {
  test("an owner invites a contractor, who joins through the copied link and sees only what a contractor may", async ({
    page,
    browser,
    baseURL,
  }) => {
    const owner = newAccount("Olive Owner");
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(owner);
    await new BusinessForm(page).create("Team Studio", "EUR");
    const ownerShell = new AppShell(page);
    await ownerShell.expectDashboard("Team Studio");

    await ownerShell.nav.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Team" }).click();
    const team = new TeamSettingsPage(page);
    await expect(team.members).toBeVisible();
    await hydrated(page);

    const casey = newAccount("Casey Contractor");
    await team.invite(casey.email, "Contractor");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
    await team.copyNewInviteLink.click();
    await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(await team.newInviteLink.inputValue());
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{65}$/);

    // The invitee, in a browser of their own.
    const inviteeContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.19.7.7" } });
    const invitee = await inviteeContext.newPage();
    await invitee.goto(link);
    await expect(invitee.getByRole("heading", { name: "Join Team Studio as a contractor" })).toBeVisible();
    await hydrated(invitee);
    await invitee.getByRole("link", { name: "Create an account" }).click();
    await expect(invitee).toHaveURL(/\/sign-up\?redirect=/);
    await hydrated(invitee);
    await new SignUpPage(invitee).signUp(casey);
    await expect(invitee.getByRole("heading", { name: "Join Team Studio as a contractor" })).toBeVisible();
    await invitee.getByRole("button", { name: "Accept invitation" }).click();

    const caseyShell = new AppShell(invitee);
    await caseyShell.expectDashboard("Team Studio");
    await expect(caseyShell.nav.getByRole("link", { name: "Dashboard" })).toBeVisible();
    await expect(caseyShell.nav.getByRole("link", { name: "Projects" })).toBeVisible();
    await expect(caseyShell.nav.getByRole("link", { name: "Timesheet" })).toBeVisible();
    // The owner's navigation has these; a contractor's does not.
    await expect(ownerShell.nav.getByRole("link", { name: "Clients" })).toBeVisible();
    await expect(caseyShell.nav.getByRole("link", { name: "Clients" })).toHaveCount(0);
    await expect(caseyShell.nav.getByRole("link", { name: "Settings" })).toHaveCount(0);
    // No Invoices page exists yet for anyone; this keeps the contractor from getting one when it does.
    await expect(caseyShell.nav.getByRole("link", { name: "Invoices" })).toHaveCount(0);

    // The owner grants one extra permission; the contractor sees it after a reload.
    await team.goto();
    await expect(team.member(casey.email)).toContainText("Contractor");
    await team.override(casey, "Settings: See business settings", "Grant");
    await expect(team.member(casey.email)).toContainText("Granted: See business settings");
    await invitee.reload();
    await hydrated(invitee);
    await expect(caseyShell.nav.getByRole("link", { name: "Settings" })).toBeVisible();
    await caseyShell.nav.getByRole("link", { name: "Settings" }).click();
    await expect(invitee.getByLabel("Business name")).toHaveValue("Team Studio");
    await expect(invitee.getByText("You can see these settings but not change them.")).toBeVisible();
    await inviteeContext.close();

    // The only owner cannot step down.
    await team.changeRole(owner, "Admin");
    await expect(team.member(owner.email).getByRole("alert")).toHaveText(
      "A business needs at least one owner. Make someone else an owner first.",
    );
  });

  test("editing a custom role keeps the permissions the editor cannot give", async ({ page, browser }) => {
    const owner = newAccount("Rhea Roles");
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(owner);
    await new BusinessForm(page).create("Roles Studio", "EUR");
    const team = new TeamSettingsPage(page);
    await team.goto();
    const roles = page.getByRole("region", { name: "Custom roles" });
    const createRole = async (name: string, permissions: string[]) => {
      const nameField = roles.getByLabel("Role name").last();
      if (!(await nameField.isVisible())) await roles.getByText("New custom role").click();
      await nameField.fill(name);
      for (const label of permissions) await roles.getByLabel(label, { exact: true }).last().check();
      await roles.getByRole("button", { name: "Create role" }).click();
      await expect(roles.getByRole("listitem").filter({ hasText: `${name} · ${permissions.length} permission` })).toBeVisible();
    };
    await createRole("Analyst", ["View projects", "See profit reports and internal costs"]);
    await createRole("Role editor", ["See the team", "Manage roles and individual permissions", "View projects", "View tasks", "See the dashboard"]);

    const ed = newAccount("Ed Editor");
    await team.invite(ed.email, "Role editor");
    const link = await team.newInviteLink.inputValue();
    const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.19.8.8" } });
    const edPage = await context.newPage();
    await edPage.goto(link.replace(/^https?:\/\/[^/]+/, new URL(page.url()).origin));
    await hydrated(edPage);
    await edPage.getByRole("link", { name: "Create an account" }).click();
    await hydrated(edPage);
    await new SignUpPage(edPage).signUp(ed);
    await edPage.getByRole("button", { name: "Accept invitation" }).click();
    await expect(edPage.getByRole("heading", { level: 1, name: "Roles Studio" })).toBeVisible();

    // Ed swaps "View projects" for "View tasks"; profit is not his to see or give, and stays.
    await new TeamSettingsPage(edPage).goto();
    const edRoles = edPage.getByRole("region", { name: "Custom roles" });
    const analyst = edRoles.getByRole("listitem").filter({ hasText: "Analyst" });
    await analyst.getByText("Edit Analyst").click();
    await expect(analyst.getByLabel("See profit reports and internal costs")).toBeDisabled();
    await expect(analyst.getByLabel("See profit reports and internal costs")).toBeChecked();
    await analyst.getByLabel("View projects", { exact: true }).uncheck();
    await analyst.getByLabel("View tasks", { exact: true }).check();
    await analyst.getByRole("button", { name: "Save role" }).click();
    await expect(edRoles.getByRole("listitem").filter({ hasText: "Analyst · 2 permissions" })).toBeVisible();
    await edPage.reload();
    await hydrated(edPage);
    const reloaded = edPage.getByRole("region", { name: "Custom roles" }).getByRole("listitem").filter({ hasText: "Analyst" });
    await reloaded.getByText("Edit Analyst").click();
    await expect(reloaded.getByLabel("See profit reports and internal costs")).toBeChecked();
    await expect(reloaded.getByLabel("View tasks", { exact: true })).toBeChecked();
    await expect(reloaded.getByLabel("View projects", { exact: true })).not.toBeChecked();
    await context.close();
  });
});
