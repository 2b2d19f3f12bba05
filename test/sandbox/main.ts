import { parseArgs } from "node:util";
import { configCommands, environmentCommands, sandboxConfig } from "./config";
import { seedDemo, startSandbox } from "./index";
import { syncSetting, SYNC_USAGE } from "./sync";

function port(variable: string, fallback: number): number {
  const value = process.env[variable];
  return value ? Number(value) : fallback;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "torque-sync": { type: "string" } } });
  const sync = syncSetting(values["torque-sync"]);
  const sandbox = await startSandbox({
    ports: {
      gitlab: port("SANDBOX_GITLAB_PORT", 18080),
      torque: port("SANDBOX_TORQUE_PORT", 18081),
      enos: port("SANDBOX_ENOS_PORT", 18082),
    },
  });
  const demo = seedDemo(sandbox);
  if (sync) sandbox.torque.setSync(sync);
  const config = sandboxConfig(sandbox, demo);
  console.log(
    [
      "# Stack config, in the project's folder after pulumi stack init (the plugin and dynamic mode read gitlab-sources:*):",
      ...configCommands(config),
      "# Or, in place of the gitlab-sources:* lines, the provider's environment variables:",
      ...environmentCommands(config),
    ].join("\n"),
  );
  console.error(
    [
      "",
      `Sandbox running; what gets registered shows in a browser at Torque ${sandbox.torque.url}/, EnOS ${sandbox.enos.url}/, GitLab ${sandbox.gitlab.url}/.`,
      `Torque's sync: ${sync ? values["torque-sync"] : "immediate"} (${SYNC_USAGE}). Ctrl-C stops it.`,
    ].join("\n"),
  );
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
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
