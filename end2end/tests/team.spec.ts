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
});
