import { test, expect, newAccount, hydrated } from "./fixtures/test";
import { AppShell, BusinessForm, SignInPage, SignUpPage } from "./fixtures/pages";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { OAuthClientProvider, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

/** The official MCP SDK's OAuth hooks, kept in memory; the authorization URL is opened in the browser. */
class BrowserOAuth implements OAuthClientProvider {
  information?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = "";
  authorizationUrl?: URL;
  // Nothing listens here: the browser's navigation to it carries the code, which the test reads.
  readonly redirectUrl = "http://127.0.0.1:45871/callback";

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Playwright Assistant",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.information;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.information = information;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  // What a real client does when the server refuses what it holds (a revoked refresh token: invalid_grant).
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    if (scope === "all" || scope === "tokens") this.saved = undefined;
    if (scope === "all" || scope === "client") this.information = undefined;
    if (scope === "all" || scope === "verifier") this.verifier = "";
  }
}

async function connect(baseURL: string, auth: BrowserOAuth) {
  const transport = new StreamableHTTPClientTransport(new URL("/api/mcp", baseURL), { authProvider: auth });
  const client = new Client({ name: "playwright-assistant", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

test.describe("MCP with OAuth", () => {
  test("an assistant registers, the person approves it, it works as them, and revoking it ends its access", async ({
    page,
    browser,
    baseURL,
  }) => {
    const owner = newAccount("Mia Mcp");
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(owner);
    await new BusinessForm(page).create("Assistant Studio", "EUR");
    await new AppShell(page).expectDashboard("Assistant Studio");

    // Discovery, registration and PKCE happen inside the SDK; it stops at the authorization URL.
    const auth = new BrowserOAuth();
    const transport = new StreamableHTTPClientTransport(new URL("/api/mcp", baseURL!), { authProvider: auth });
    const first = new Client({ name: "playwright-assistant", version: "1.0.0" });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(auth.information?.client_id).toBeTruthy();
    expect(auth.authorizationUrl?.pathname).toBe("/oauth/authorize");
    expect(auth.authorizationUrl?.searchParams.get("code_challenge_method")).toBe("S256");

    // In a browser that is not signed in, the authorization URL asks for a sign-in, then consent.
    const consentContext = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.19.8.8" } });
    const consent = await consentContext.newPage();
    await consent.goto(auth.authorizationUrl!.toString());
    const signIn = new SignInPage(consent);
    await expect(signIn.heading).toBeVisible();
    await hydrated(consent);
    await signIn.signIn(owner.email, owner.password);
    await expect(consent.getByRole("heading", { name: /Playwright Assistant/ })).toBeVisible();
    await expect(consent.getByText("127.0.0.1:45871")).toBeVisible();
    await expect(consent.getByLabel("Business")).toHaveValue(/.+/);
    await hydrated(consent);
    const callback = consent.waitForRequest((request) => request.url().startsWith(auth.redirectUrl));
    await consent.getByRole("button", { name: "Allow" }).click();
    const redirect = new URL((await callback).url());
    expect(redirect.searchParams.get("iss")).toBe(new URL(baseURL!).origin);
    const code = redirect.searchParams.get("code");
    expect(code).toBeTruthy();
    await consentContext.close();

    // The code and the verifier become tokens; the tools then run as Mia in her business.
    await transport.finishAuth(code!);
    const { client } = await connect(baseURL!, auth);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["whoami", "create_client", "issue_invoice"]));
    const me = await client.callTool({ name: "whoami", arguments: {} });
    expect((me.structuredContent as any).business.name).toBe("Assistant Studio");
    const created = await client.callTool({ name: "create_client", arguments: { name: "Client from an assistant" } });
    expect(created.isError).toBeFalsy();
    const refused = await client.callTool({ name: "get_client", arguments: { client_id: "00000000-0000-7000-8000-000000000000" } });
    expect(refused.isError).toBe(true);
    expect((refused.content as any)[0].text).toMatch(/^Not found/);

    // A spoiled access token makes the SDK refresh with its rotating refresh token.
    const refreshBefore = auth.saved!.refresh_token;
    auth.saved = { ...auth.saved!, access_token: "clerq_at_spoiled" };
    const again = await connect(baseURL!, auth);
    const stillMe = await again.client.callTool({ name: "whoami", arguments: {} });
    expect((stillMe.structuredContent as any).user.email).toBe(owner.email);
    expect(auth.saved!.refresh_token).not.toBe(refreshBefore);

    // The person sees the app under Connected apps and revokes it; the assistant is locked out.
    await page.goto("/settings/connected-apps");
    await expect(page.getByRole("row", { name: /Playwright Assistant/ })).toBeVisible();
    await hydrated(page);
    await page.getByRole("button", { name: "Revoke Playwright Assistant" }).click();
    await expect(page.getByText("Nothing is connected yet.")).toBeVisible();
    auth.authorizationUrl = undefined;
    await expect(connect(baseURL!, auth)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(auth.authorizationUrl, "the assistant must ask for authorization again").toBeDefined();
  });

  test("a personal access token is created once, shown once, and works with the SDK", async ({ page, baseURL }) => {
    const owner = newAccount("Pat Token");
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(owner);
    await new BusinessForm(page).create("Token Works", "EUR");
    await new AppShell(page).expectDashboard("Token Works");

    await page.goto("/settings/connected-apps");
    await hydrated(page);
    await page.getByLabel("Token name").fill("Laptop CLI");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page.getByLabel(/Your new token/).inputValue();
    expect(token).toMatch(/^clerq_pat_[A-Za-z0-9_-]{43}$/);
    await expect(page.getByRole("row", { name: /Laptop CLI/ })).toBeVisible();

    const transport = new StreamableHTTPClientTransport(new URL("/api/mcp", baseURL!), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: "cli", version: "1.0.0" });
    await client.connect(transport);
    const me = await client.callTool({ name: "whoami", arguments: {} });
    expect((me.structuredContent as any).business.name).toBe("Token Works");

    // Shown once: a reload no longer has it.
    await page.reload();
    await expect(page.getByRole("row", { name: /Laptop CLI/ })).toBeVisible();
    await expect(page.getByLabel(/Your new token/)).toHaveCount(0);
  });
});
