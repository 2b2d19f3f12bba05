/** The sandbox servers as the e2e scenarios use them: provider config for the CLI, and what was written. */
import { SETTING_NAMES, SETTINGS } from "../../provider/core/context";
import { startEnos, startTorque, type DemoValues, type Sandbox } from "../sandbox";
import { loopbackFetch } from "../sandbox/enos-probe";
import { useSandbox, type Fixture } from "../support/fixture";
import { disposeProjects } from "./cli";

export { resetLogs, writes } from "../support/writes";

/** Stack config keys that are credentials: set with --secret. */
const SECRET_KEYS = new Set(["torque:token", "enos:appSecret"]);

export interface E2eFixture extends Fixture {
  /** The provider config pointing at the sandbox, split as `pulumi config set-all` takes it. */
  providerConfig(): { plain: Record<string, string>; secret: Record<string, string> };
  /** The same under the package's own names (`gitlab-sources:torqueToken`), which the plugin's default provider reads. */
  packageConfig(): { plain: Record<string, string>; secret: Record<string, string> };
  /** The program config every example and scenario reads. */
  programConfig(): { plain: Record<string, string>; secret: Record<string, string> };
  /** Every credential of the demo: none may appear in state or in anything the CLI prints. */
  secrets(): string[];
}

/** Starts the sandbox with its demo data for a test file, and stops the file's CLI processes after it. */
export function useE2eSandbox(): E2eFixture {
  const fx = useSandbox() as E2eFixture;
  disposeProjects();
  fx.providerConfig = () => {
    const plain: Record<string, string> = {};
    const secret: Record<string, string> = {};
    for (const [k, v] of Object.entries(fx.config())) (SECRET_KEYS.has(k) ? secret : plain)[k] = v;
    return { plain, secret };
  };
  fx.packageConfig = () => {
    const { plain, secret } = fx.providerConfig();
    const named = (values: Record<string, string>) =>
      Object.fromEntries(Object.entries(values).map(([key, value]) => [`gitlab-sources:${SETTING_NAMES.find((name) => SETTINGS[name].legacy === key)}`, value]));
    return { plain: named(plain), secret: named(secret) };
  };
  fx.programConfig = () => ({
    plain: { gitlabUrl: `${fx.sandbox.gitlab.url}/`, torqueSpace: fx.demo.torqueSpace },
    secret: { gitlabToken: fx.demo.gitlabToken },
  });
  fx.secrets = () => [fx.demo.gitlabToken, fx.demo.torqueToken, fx.demo.enosAppSecret];
  return fx;
}

/** Removes every registration from the sandbox (between tests that share it). */
export function clearRegistrations({ sandbox, demo }: Account): void {
  for (const ds of sandbox.enos.dataSources()) sandbox.enos.removeDataSource(ds.dataSourceId);
  for (const p of sandbox.torque.providers()) sandbox.torque.removeProvider(p.id);
  for (const r of sandbox.torque.spaceRepositories(demo.torqueSpace)) sandbox.torque.removeSpaceRepository(demo.torqueSpace, r.name);
  for (const c of sandbox.torque.credentials(demo.torqueSpace)) if (c.name !== "gitlab-demo-credential") sandbox.torque.removeCredential(demo.torqueSpace, c.name);
}

/** A Torque account and an EnOS organization: servers, and the credentials the stack uses there. */
export interface Account {
  sandbox: Sandbox;
  demo: DemoValues;
}

/**
 * A second Torque account and EnOS organization, servers of their own with tokens, keys and
 * organization of their own (GitLab is shared, as a company's GitLab is). The caller closes it.
 */
export async function secondAccount(fx: E2eFixture): Promise<Account> {
  const torque = await startTorque({});
  const enos = await startEnos({ gitlabFetch: loopbackFetch(fx.sandbox.gitlab.port) });
  const demo = { ...fx.demo, torqueToken: "torque-account-b-token", enosAppKey: "account-b-app", enosAppSecret: "account-b-app-secret", enosOrgId: "o-account-b" };
  torque.addApiToken(demo.torqueToken, { admin: true });
  torque.addSpace(demo.torqueSpace, { agents: ["sandbox-agent"], credentials: [] });
  enos.addApp({ appKey: demo.enosAppKey, appSecret: demo.enosAppSecret, orgId: demo.enosOrgId });
  const close = async () => void (await Promise.all([torque.close(), enos.close()]));
  return { sandbox: { gitlab: fx.sandbox.gitlab, torque, enos, close }, demo };
}

/** The config of a provider for one account, under the keys `key` gives each setting. */
export function providerSettings(key: (name: string) => string, { sandbox, demo }: Account) {
  return {
    plain: { [key("torqueUrl")]: sandbox.torque.url, [key("enosApiGateway")]: sandbox.enos.url, [key("enosOrgId")]: demo.enosOrgId, [key("enosAppKey")]: demo.enosAppKey },
    secret: { [key("torqueToken")]: demo.torqueToken, [key("enosAppSecret")]: demo.enosAppSecret },
  };
}
