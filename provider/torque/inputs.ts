import { gitlabCaBundleInput, nameInput, preflightInput } from "../core/inputs";
import { ProviderError } from "../core/errors";

/** A space, repository or credential name: it becomes a path segment of Torque's API. */
export function torqueName(what: string) {
  return nameInput({ max: 100, spaces: false })
    .regex(/^[^/?#]+$/, { error: "must not contain /, ? or #." })
    .describe(what);
}

const LOCAL = " Steers this provider only: a change changes nothing in Torque.";

/** The preview-time test's inputs, saying that changing them is no change to the object. */
export const localPreflightInputs = {
  preflight: preflightInput.describe(`${preflightInput.description}${LOCAL}`),
  gitlabCaBundle: gitlabCaBundleInput.describe(`${gitlabCaBundleInput.description}${LOCAL}`),
};

/** `<space>/<name>`: the id, and the import id, of an object that lives in a space. */
export function parseSpaceScopedId(id: string, what: string): { space: string; name: string } {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) throw new ProviderError(`${id} is not a ${what} id; use <space>/<name>, e.g. platform/assets.`);
  return { space: id.slice(0, slash), name: id.slice(slash + 1) };
}
