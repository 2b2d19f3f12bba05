import { loopbackFetch } from "./enos-probe";
import { startEnos, type EnosServer } from "./enos";
import { startGitLab, type GitLabServer } from "./gitlab";
import { enosPage } from "./pages/enos";
import { gitlabPage } from "./pages/gitlab";
import { torquePage } from "./pages/torque";
import type { SandboxServer } from "./server";
import { startTorque, type TorqueServer } from "./torque";

export * from "./enos";
export { apiSignature, paramsData, sha256hex, tokenEncryption } from "./enos-auth";
export * from "./faults";
export * from "./gitlab";
export type { LoggedRequest, RequestFilter, SandboxServer } from "./server";
export * from "./torque";

export interface SandboxOptions {
  ports?: { gitlab?: number; torque?: number; enos?: number };
}

export interface Sandbox {
  gitlab: GitLabServer;
  torque: TorqueServer;
  enos: EnosServer;
  close(): Promise<void>;
}

/** Starts the three emulators; EnOS's `test` action reaches this sandbox's GitLab and nothing else. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { ports = {} } = options;
  const started: SandboxServer[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.close()));
  };
  const track = async <S extends SandboxServer>(starting: Promise<S>): Promise<S> => {
    const server = await starting;
    started.push(server);
    return server;
  };
  try {
    const gitlab = await track(startGitLab({ port: ports.gitlab }));
    const torque = await track(startTorque({ port: ports.torque }));
    const enos = await track(startEnos({ port: ports.enos, gitlabFetch: loopbackFetch(gitlab.port) }));
    gitlab.page = () => gitlabPage(gitlab);
    torque.page = () => torquePage(torque);
    enos.page = () => enosPage(enos);
    return { gitlab, torque, enos, close };
  } catch (error) {
    await close(); // a port was taken: release the ones already bound
    throw error;
  }
}

export interface DemoValues {
  gitlabToken: string;
  /** Full paths of the GitLab projects the token can see. */
  gitlabProjects: string[];
  torqueToken: string;
  torqueSpace: string;
  enosAppKey: string;
  enosAppSecret: string;
  enosOrgId: string;
}

export const DEMO: DemoValues = {
  gitlabToken: "glpat-sandbox-demo-token",
  gitlabProjects: ["platform/infra", "platform/ml/models"],
  torqueToken: "torque-sandbox-admin-token",
  torqueSpace: "platform",
  enosAppKey: "sandbox-app-key",
  enosAppSecret: "sandbox-app-secret",
  enosOrgId: "o-sandbox-org",
};

/** Seeds the data the demo program uses and returns what its configuration needs. */
export function seedDemo({ gitlab, torque, enos }: Sandbox): DemoValues {
  const demo: DemoValues = { ...DEMO, gitlabProjects: [...DEMO.gitlabProjects] };
  const scopes = ["api", "read_user", "read_repository"];
  // Without an expiration date, as Torque asks: preview accepts it without a warning.
  gitlab.addToken({ token: demo.gitlabToken, name: "pulumi-demo", scopes, expiresAt: null, userId: 1 });
  for (const path of demo.gitlabProjects) gitlab.addProject({ path, visibility: "private", members: [1] });
  torque.addApiToken(demo.torqueToken, { admin: true });
  torque.addSpace(demo.torqueSpace, { agents: ["sandbox-agent"], credentials: ["gitlab-demo-credential"] });
  enos.addApp({ appKey: demo.enosAppKey, appSecret: demo.enosAppSecret, orgId: demo.enosOrgId });
  return demo;
}
