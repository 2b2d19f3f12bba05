import { startGitLab, type GitLabServer } from "./index";
import { call } from "./testing";

/** The sandbox GitLab acting as an older self-managed GitLab (GitLabOptions.version). */
const servers: GitLabServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

async function gitlab(version?: string): Promise<GitLabServer> {
  const server = await startGitLab({ version });
  server.addToken({ token: "glpat-version-test", scopes: ["api"] });
  servers.push(server);
  return server;
}

async function status(server: GitLabServer, path: string): Promise<[number, unknown]> {
  const answer = await call(`${server.url}/api/v4${path}`, { headers: { "PRIVATE-TOKEN": "glpat-version-test" } });
  return [answer.status, answer.json];
}

test("by default it is GitLab 17.5.1, with every route", async () => {
  const server = await gitlab();
  expect(await status(server, "/version")).toEqual([200, { version: "17.5.1", revision: "sandbox" }]);
  expect((await status(server, "/personal_access_tokens/self"))[0]).toBe(200);
  expect((await status(server, "/metadata"))[0]).toBe(200);
});

test("before 15.5 it has no /personal_access_tokens/self (a JSON 404, as GitLab answers an unknown route); before 15.2 no /metadata", async () => {
  const v154 = await gitlab("15.4.2-ee");
  expect(await status(v154, "/version")).toEqual([200, { version: "15.4.2-ee", revision: "sandbox" }]);
  expect(await status(v154, "/personal_access_tokens/self")).toEqual([404, { error: "404 Not Found" }]);
  expect((await status(v154, "/metadata"))[0]).toBe(200);
  expect((await status(v154, "/user"))[0]).toBe(200);

  const v151 = await gitlab("15.1.0");
  expect(await status(v151, "/metadata")).toEqual([404, { error: "404 Not Found" }]);
  expect((await status(await gitlab("15.5.0"), "/personal_access_tokens/self"))[0]).toBe(200);
});
