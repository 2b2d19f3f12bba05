import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { seedDemo, startGitLab, startSandbox, type DemoValues, type Sandbox } from "./index";
import { accessToken, call, callFailure, send, signedCall } from "./testing";

describe("startSandbox and seedDemo", () => {
  let sandbox: Sandbox;
  let demo: DemoValues;

  beforeAll(async () => {
    sandbox = await startSandbox();
    demo = seedDemo(sandbox);
  });
  afterAll(() => sandbox.close());

  it("seeds a GitLab token with the scopes EnOS needs, that never expires, and projects it can see", async () => {
    const self = await call(`${sandbox.gitlab.url}/api/v4/personal_access_tokens/self`, {
      headers: { "PRIVATE-TOKEN": demo.gitlabToken },
    });
    const scopes = ["api", "read_user", "read_repository"];
    expect(self.json).toMatchObject({ scopes, expires_at: null }); // Torque asks for a token without an expiration date
    for (const project of demo.gitlabProjects) {
      const answer = await call(`${sandbox.gitlab.url}/api/v4/projects/${encodeURIComponent(project)}`, {
        headers: { "PRIVATE-TOKEN": demo.gitlabToken },
      });
      expect(answer.status).toBe(200);
    }
  });

  it("seeds a Torque admin token and the demo space", async () => {
    const answer = await call(`${sandbox.torque.url}/api/spaces/${demo.torqueSpace}/repositories`, {
      headers: { Authorization: `Bearer ${demo.torqueToken}` },
    });
    expect([answer.status, answer.json]).toEqual([200, []]);
    const providers = await call(`${sandbox.torque.url}/api/settings/repository_providers`, {
      headers: { Authorization: `Bearer ${demo.torqueToken}` },
    });
    expect(providers.status).toBe(200);
  });

  it("seeds an EnOS app whose test action reaches the sandbox GitLab, and only it", async () => {
    const app = { appKey: demo.enosAppKey, appSecret: demo.enosAppSecret, orgId: demo.enosOrgId };
    const token = await accessToken(sandbox.enos.url, app);
    const test = (gitUrl: string) =>
      send<{ success: boolean; message: string }>(
        signedCall(sandbox.enos.url, app, token, { action: "test" }, {
          type: "GITLAB",
          connection: { gitUrl, token: demo.gitlabToken },
        }),
      );
    const reached = await test(`${sandbox.gitlab.url}/${demo.gitlabProjects[0]}`);
    expect(reached.json.data).toEqual({ success: true, message: expect.any(String) });
    const otherGitLab = await startGitLab();
    try {
      const other = await test(`${otherGitLab.url}/${demo.gitlabProjects[0]}`);
      expect(other.json.data).toEqual({ success: false, message: expect.stringContaining("outside the sandbox") });
    } finally {
      await otherGitLab.close();
    }
  });
});

describe("startSandbox on a taken port", () => {
  it("fails and releases the ports it had bound", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as { port: number }).port;
    const free = await startGitLab();
    const freePort = free.port;
    await free.close();
    try {
      await expect(startSandbox({ ports: { gitlab: freePort, enos: taken } })).rejects.toThrow(/EADDRINUSE/);
      const released = await startGitLab({ port: freePort });
      await released.close();
    } finally {
      blocker.close();
    }
  });
});

describe("npm run sandbox (main.ts)", () => {
  it("prints the configuration lines, serves them, and exits 0 on SIGINT", async () => {
    const main = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "main.ts")], {
      env: { ...process.env, SANDBOX_GITLAB_PORT: "0", SANDBOX_TORQUE_PORT: "0", SANDBOX_ENOS_PORT: "0" },
    });
    let output = "";
    const printed = new Promise<void>((resolve) =>
      main.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("ENOS_APP_SECRET")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => main.on("exit", resolve));
    await printed;
    const lines = output.trim().split("\n");
    // The package's keys first (the plugin and dynamic mode read them), then the environment variables.
    const patterns = [
      /^# Stack config/,
      /^pulumi config set gitlab-sources:torqueUrl http:\/\/127\.0\.0\.1:\d+$/,
      /^pulumi config set --secret gitlab-sources:torqueToken \S+$/,
      /^pulumi config set gitlab-sources:enosApiGateway http:\/\/127\.0\.0\.1:\d+$/,
      /^pulumi config set gitlab-sources:enosOrgId \S+$/,
      /^pulumi config set gitlab-sources:enosAppKey \S+$/,
      /^pulumi config set --secret gitlab-sources:enosAppSecret \S+$/,
      /^pulumi config set gitlabUrl http:\/\/127\.0\.0\.1:\d+\/$/,
      /^pulumi config set --secret gitlabToken \S+$/,
      /^pulumi config set torqueSpace platform$/,
      /^# Or, in place of the gitlab-sources:\* lines, the provider's environment variables:$/,
      /^export TORQUE_URL=http:\/\/127\.0\.0\.1:\d+$/,
      /^export TORQUE_TOKEN=\S+$/,
      /^export ENOS_API_GATEWAY=http:\/\/127\.0\.0\.1:\d+$/,
      /^export ENOS_ORG_ID=\S+$/,
      /^export ENOS_APP_KEY=\S+$/,
      /^export ENOS_APP_SECRET=\S+$/,
    ];
    expect(lines).toHaveLength(patterns.length);
    lines.forEach((line, index) => expect(line).toMatch(patterns[index]));
    const gitlabUrl = lines[7].split(" ").pop() as string;
    const gitlabToken = lines[8].split(" ").pop() as string;
    const self = await call(`${gitlabUrl}api/v4/personal_access_tokens/self`, {
      headers: { "PRIVATE-TOKEN": gitlabToken },
    });
    expect(self.status).toBe(200);
    main.kill("SIGINT");
    expect(await exited).toBe(0);
    await callFailure(`${gitlabUrl}api/v4/version`);
  }, 30_000);
});
