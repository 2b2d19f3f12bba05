import type { SyncSetting } from "./torque";

export const SYNC_USAGE = "--torque-sync=slow[:seconds] keeps new repositories Syncing, 30 s by default; --torque-sync=fail ends their sync in Error";

/** The switch that makes Torque's sync slow or fail, so that progress and failures can be seen; undefined: as fast as it goes. */
export function syncSetting(value: string | undefined): SyncSetting | undefined {
  if (value === undefined) return undefined;
  const slow = /^slow(?::(\d+))?$/.exec(value);
  if (slow) return { delayMs: Number(slow[1] ?? 30) * 1000, outcome: "Connected" };
  if (value === "fail") {
    return { delayMs: 3000, outcome: "Error", errors: ["Failed to clone the repository: the sandbox's --torque-sync=fail switch is on"] };
  }
  throw new Error(`unknown --torque-sync value ${JSON.stringify(value)}: ${SYNC_USAGE}`);
}
