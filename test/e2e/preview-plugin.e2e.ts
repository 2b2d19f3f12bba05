import { previewScenarios } from "./preview";

/** What preview checks (preview.ts), with the provider plugin: the checks of new and changed resources run in the preview's steps. */
previewScenarios("plugin");
