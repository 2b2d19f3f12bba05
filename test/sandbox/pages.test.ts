import { seedDemo, startGitLab, startSandbox, type DemoValues, type Sandbox } from "./index";
import { gitlabPage } from "./pages/gitlab";
import { call } from "./testing";

/** The read-only pages a browser gets at each server's root (test/e2e/start.e2e.ts looks at them in Chromium). */
let sandbox: Sandbox;
let demo: DemoValues;

beforeAll(async () => {
  sandbox = await startSandbox();
  demo = seedDemo(sandbox);
  const { gitlab, torque, enos } = sandbox;
  enos.seedDataSource({ orgId: demo.enosOrgId, name: "model_repo", type: "GITLAB", description: "<b>models</b> & more", gitUrl: `${gitlab.url}/platform/ml/models`, token: "glpat-enos-secret", createBy: "app:sandbox-app-key" });
  torque.seedProvider({ name: "gitlab", type: "gitLabEnterprise", baseUrl: `${gitlab.url}/`, token: "glpat-provider-secret", repos: [`${gitlab.url}/platform/infra`] });
  await call(`${torque.url}/api/spaces/${demo.torqueSpace}/repositories/gitlabEnterprise`, {
    method: "POST",
    headers: { Authorization: `Bearer ${demo.torqueToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ repository_name: "models", repository_url: `${gitlab.url}/platform/ml/models`, token: "glpat-repository-secret", branch: "main", credential_name: "models-token", use_all_agents: true, agents: [], eac_auto_registration: false }),
  });
  torque.editSpaceRepository(demo.torqueSpace, "models", { status: "Error", errors: ["Failed to clone"] });
  await call(`${gitlab.url}/api/v4/personal_access_tokens/self`, { headers: { "PRIVATE-TOKEN": demo.gitlabToken } });
  await call(`${gitlab.url}/api/v4/user?private_token=${demo.gitlabToken}`);
});
afterAll(() => sandbox.close());

async function html(url: string): Promise<string> {
  const answer = await call(url, { headers: { Accept: "text/html" } });
  expect([answer.status, answer.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
  return answer.text;
}

const secrets = () => [demo.gitlabToken, demo.torqueToken, demo.enosAppSecret, "glpat-enos-secret", "glpat-provider-secret", "glpat-repository-secret", "glpat-stored-gitlab-demo-credential"];

test("EnOS lists its data sources as Data Source Registration does, escaped, and no token", async () => {
  const page = await html(`${sandbox.enos.url}/`);
  expect(page).toContain("<th>Name</th><th>Type</th><th>Git URL</th><th>Description</th><th>Created By</th><th>Created At</th>");
  expect(page).toMatch(/<td>model_repo<\/td><td>GITLAB<\/td><td>http:\/\/127\.0\.0\.1:\d+\/platform\/ml\/models<\/td><td>&#60;b&#62;models&#60;\/b&#62; &#38; more<\/td><td>app:sandbox-app-key<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/td>/);
  expect(secrets().filter((s) => page.includes(s))).toEqual([]);
});

test("Torque lists providers, each space's repositories with sync status and errors, and its credential store without tokens", async () => {
  const page = await html(`${sandbox.torque.url}/`);
  expect(page).toMatch(/<td>gitlab<\/td><td>gitLabEnterprise<\/td><td>http:\/\/127\.0\.0\.1:\d+\/<\/td><td>http:\/\/127\.0\.0\.1:\d+\/platform\/infra<\/td>/);
  expect(page).toContain('<h2 id="space-platform">Space platform</h2>');
  expect(page).toMatch(/<td>models<\/td><td>[^<]+<\/td><td>main<\/td><td>models-token<\/td><td>all<\/td><td>Error<\/td><td>Failed to clone<\/td>/);
  expect(page).toContain("<td>gitlab-demo-credential</td><td>sourceControl / gitlabEnterprise</td>");
  expect(page).toContain("<td>models-token</td>");
  expect(secrets().filter((s) => page.includes(s))).toEqual([]);
});

test("GitLab lists tokens (scopes, expiry, never the token) and projects; the request log is newest first, without queries", async () => {
  const page = await html(`${sandbox.gitlab.url}/`);
  expect(page).toContain("<td>pulumi-demo</td><td>personal</td><td>api, read_user, read_repository</td><td>never</td><td>active</td>");
  expect(page).toContain("<td>platform/ml/models</td><td>private</td><td>no</td><td>main</td>");
  expect(page).toContain("<td>GET</td><td>/api/v4/personal_access_tokens/self</td><td>200</td>");
  expect(page).toContain("<td>GET</td><td>/api/v4/user</td><td>401</td>");
  expect(secrets().filter((s) => page.includes(s))).toEqual([]);

  const torque = await html(`${sandbox.torque.url}/`);
  const post = torque.indexOf("<td>POST</td><td>/api/spaces/platform/repositories/gitlabEnterprise</td><td>202</td>");
  expect(post).toBeGreaterThan(0);
  await call(`${sandbox.torque.url}/api/spaces/platform/repositories`, { headers: { Authorization: `Bearer ${demo.torqueToken}` } });
  const later = await html(`${sandbox.torque.url}/`);
  expect(later.indexOf("<td>GET</td><td>/api/spaces/platform/repositories</td><td>200</td>")).toBeLessThan(later.indexOf("<td>POST</td>"));
});

test("a page view is not an API request: it is not logged, and other paths still answer as the API", async () => {
  const before = sandbox.enos.requests.length;
  await html(`${sandbox.enos.url}/`);
  expect(sandbox.enos.requests.length).toBe(before);
  expect((await call(`${sandbox.torque.url}/api/spaces/platform/repositories`)).status).toBe(401);
});

test("GitLab under a relative URL root has its page there", async () => {
  const gitlab = await startGitLab({ root: "/gitlab" });
  gitlab.page = () => gitlabPage(gitlab);
  try {
    expect(await html(`${gitlab.url}/`)).toContain("<h1>GitLab");
  } finally {
    await gitlab.close();
  }
});
