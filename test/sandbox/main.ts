import { seedDemo, startSandbox } from "./index";

function port(variable: string, fallback: number): number {
  const value = process.env[variable];
  return value ? Number(value) : fallback;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    ports: {
      gitlab: port("SANDBOX_GITLAB_PORT", 18080),
      torque: port("SANDBOX_TORQUE_PORT", 18081),
      enos: port("SANDBOX_ENOS_PORT", 18082),
    },
  });
  const demo = seedDemo(sandbox);
  const { gitlab, torque, enos } = sandbox;
  console.log(
    [
      `pulumi config set torque:url ${torque.url}`,
      `pulumi config set --secret torque:token ${demo.torqueToken}`,
      `pulumi config set enos:apiGateway ${enos.url}`,
      `pulumi config set enos:orgId ${demo.enosOrgId}`,
      `pulumi config set enos:appKey ${demo.enosAppKey}`,
      `pulumi config set --secret enos:appSecret ${demo.enosAppSecret}`,
      `pulumi config set gitlabUrl ${gitlab.url}/`,
      `pulumi config set --secret gitlabToken ${demo.gitlabToken}`,
      `pulumi config set torqueSpace ${demo.torqueSpace}`,
    ].join("\n"),
  );
  console.error("Sandbox running; Ctrl-C stops it.");
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
