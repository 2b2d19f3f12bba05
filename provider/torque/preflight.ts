import { closest } from "fastest-levenshtein";
import { Answers } from "../core/answers";
import type { Context } from "../core/context";
import type { CheckFailure } from "../core/spec";
import { containsUnknown } from "../core/unknown";
import { applyMode, type PreflightMode, type PreflightResult } from "../gitlab/preflight";
import { Response, TransportError } from "../http/client";
import { fromTorque, serverMessages } from "./client";
import { torqueClient, torqueSettings } from "./settings";

export interface TorqueCheck {
  /** The spaces the resource names, by the property that names each (an unknown one is skipped). */
  spaces?: { name: string | undefined; property: string }[];
  /** A repository provider: the API token must be a Torque Admin's. */
  managesProviders?: boolean;
}

type Answer = Response | TransportError;

// Per provider process, under the account's URL, its API token and CA bundle: one request
// for every resource of the stack, whatever the engine runs at once.
const answers = new Answers<Answer>((answer) => answer instanceof TransportError || answer.status === 429 || answer.status >= 500);

/**
 * A Torque resource's preview checks in its preflight mode: the GitLab checks (none while a value
 * they need is unknown) beside Torque's, which only a new or changed resource (`full`) needs.
 */
export async function checkWithTorque(ctx: Context, mode: PreflightMode, full: boolean, torque: TorqueCheck, gitlab?: () => Promise<PreflightResult>): Promise<CheckFailure[]> {
  if (mode === "off") return [];
  const [found, platform] = await Promise.all([gitlab?.() ?? { failures: [], warnings: [] }, full ? checkTorque(ctx, torque) : []]);
  return applyMode(mode, { ...found, failures: [...found.failures, ...platform] });
}

/**
 * The platform side of the preview checks: the Torque URL and API token (`GET /api/spaces`,
 * one cheap authenticated call per provider, which also lists the spaces the token sees),
 * each space named, and for a repository provider that the token may manage providers.
 */
export async function checkTorque(ctx: Context, check: TorqueCheck): Promise<CheckFailure[]> {
  const settings = torqueSettings(ctx);
  if ("reason" in settings) return [settings];
  const client = torqueClient(ctx);
  const host = new URL(settings.url).host;
  const ask = (path: string, call: () => Promise<Response>) =>
    answers.get([settings.url, settings.token, settings.transport.caBundle, path], () =>
      call().catch((err: unknown) => {
        if (err instanceof TransportError) return err;
        throw err;
      }),
    );
  const token = { property: ctx.key("torqueToken"), name: ctx.name("torqueToken"), set: ctx.howToSet("torqueToken", "<token>") };
  const url = { property: ctx.key("torqueUrl"), name: ctx.name("torqueUrl") };

  const spaces = await ask("/api/spaces", () => client.spacesAnswer());
  if (spaces instanceof TransportError) return [{ property: url.property, reason: `${url.name}: ${spaces.message}` }];
  if (spaces.status === 401) {
    return [{ property: token.property, reason: `${token.name}: Torque at ${host} rejected the API token (401 on GET /api/spaces): it is wrong, expired or revoked; set a valid one with ${token.set}.` }];
  }
  if (spaces.status === 403) {
    return [{ property: token.property, reason: `${token.name}: Torque at ${host} refused GET /api/spaces (403${serverMessages(spaces)}): the API token's user may not list the account's spaces; set the token of a user with access to them with ${token.set}.` }];
  }
  if (spaces.status === 429 || spaces.status >= 500) {
    return [{ property: url.property, reason: `${url.name}: Torque at ${host} answered ${spaces.status} to GET /api/spaces${serverMessages(spaces)} after retries; the service may be down or busy: try again later, or set preflight to "off" for this run.` }];
  }
  const failures: CheckFailure[] = [];
  // A server without the route (Torque's own 404 or 405) accepted the token, and cannot list spaces: those checks are skipped.
  const offered = !((spaces.status === 404 || spaces.status === 405) && fromTorque(spaces));
  if (offered) {
    const names = spaceNames(spaces);
    if (!names) {
      return [{ property: url.property, reason: `${url.name}: ${settings.url} does not answer as Torque's API (GET /api/spaces answered ${spaces.status}${describe(spaces)}); set the account's address, such as https://portal.qtorque.io or https://<account>.qtorque.io.` }];
    }
    for (const { name, property } of check.spaces ?? []) {
      if (name === undefined || containsUnknown(name) || names.includes(name)) continue;
      const guess = names.length > 0 ? `did you mean ${closest(name, names)}?` : "it sees none";
      failures.push({ property, reason: `${property}: Torque at ${host} has no space named ${name} that the API token can see (${guess}); check the name, or give the token's user access to the space.` });
    }
  }
  if (check.managesProviders) {
    const providers = await ask("/api/settings/repository_providers", () => client.providersAnswer());
    if (!(providers instanceof TransportError) && providers.status === 403) {
      failures.push({
        property: token.property,
        reason: `${token.name}: Torque at ${host} refused GET /api/settings/repository_providers (403${serverMessages(providers)}): managing repository providers needs a Torque Admin's API token; set one with ${token.set}.`,
      });
    }
  }
  return failures;
}

/** The names of the spaces a 200 answer lists, or undefined when it is not such a list. */
function spaceNames(res: Response): string[] | undefined {
  if (res.status !== 200) return undefined;
  try {
    const body: unknown = JSON.parse(res.body);
    if (!Array.isArray(body)) return undefined;
    const names = body.map((space: unknown) => (space && typeof space === "object" ? (space as { name?: unknown }).name : undefined));
    return names.every((name): name is string => typeof name === "string") ? names : undefined;
  } catch {
    return undefined;
  }
}

function describe(res: Response): string {
  if (fromTorque(res)) return serverMessages(res);
  const body = res.body.trimStart();
  if (body.startsWith("<")) return " with HTML";
  return body === "" ? " with no body" : " with a body that is not a list of spaces";
}
