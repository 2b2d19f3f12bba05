import { previewScenarios } from "./preview";

/** What preview checks (preview.ts), with the dynamic resources: every check runs in Check. */
previewScenarios("dynamic");
