import { importScenarios, pluginScenarios, replaceScenarios, stateScenarios, usePaths } from "./engine-paths";

/** The engine's paths (engine-paths.ts) with the provider plugin, and what only the plugin can do. */
const paths = usePaths("plugin");
replaceScenarios(paths);
importScenarios(paths);
stateScenarios(paths);
pluginScenarios(paths);
