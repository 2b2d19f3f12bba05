import { importScenarios, replaceScenarios, stateScenarios, usePaths } from "./engine-paths";

/** The engine's paths (engine-paths.ts) with the dynamic resources. */
const paths = usePaths("dynamic");
replaceScenarios(paths);
importScenarios(paths);
stateScenarios(paths);
