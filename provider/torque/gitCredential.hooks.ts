import { createOnce } from "../core/createOnce";
import { Hooks, makeProvider } from "../core/provider";
import { failureOf } from "../core/spec";
import { containsUnknown } from "../core/unknown";
import { checkGitLab } from "../gitlab/preflight";
import { credentialBody } from "./client";
import { gitCredentialSpec, GitCredentialArgs as Args, GitCredentialState as State } from "./gitCredential.schema";
import { parseSpaceScopedId } from "./inputs";
import { checkWithTorque } from "./preflight";
import { torqueAccount, torqueClient, torqueSettings } from "./settings";

const TYPE = "gitlabEnterprise";
const body = (args: Args) => credentialBody(args.space, args.name, args.description, args.token);

const hooks: Hooks<Args, State> = {
  account: torqueAccount,

  settings: (ctx) => failureOf(torqueSettings(ctx)),

  changed: (inputs, olds) => olds.gitlabUrl !== inputs.gitlabUrl || olds.token !== inputs.token,

  async preflight(ctx, inputs, full) {
    const { gitlabUrl, token, preflight = "strict" } = inputs;
    const known = gitlabUrl !== undefined && token !== undefined && !containsUnknown([gitlabUrl, token]);
    return checkWithTorque(ctx, preflight, full, { spaces: [{ name: inputs.space, property: "space" }] }, known
      ? () => checkGitLab(ctx, { roots: [gitlabUrl], rootProperty: "gitlabUrl", token, projects: [], target: "torque", full, caBundle: inputs.gitlabCaBundle })
      : undefined);
  },

  planned: () => ({ type: TYPE }),

  async create(ctx, args) {
    const torque = torqueClient(ctx);
    const id = `${args.space}/${args.name}`;
    await createOnce({
      what: `credential ${args.name} in Torque space ${args.space}`,
      clash: `Torque space ${args.space} already has a credential named ${args.name}`,
      post: async () => {
        await torque.createCredential(body(args));
        return id;
      },
      find: async () => {
        const found = await torque.getCredential(args.space, args.name);
        return found && { id, matches: (found.description ?? "") === args.description && (found.cloud_identifier ?? TYPE) === TYPE };
      },
    });
    return { id, outs: { ...args, type: TYPE } };
  },

  // A get by name, never a list: nothing can lag behind, so it also serves import and the confirmation of an absence.
  async read(ctx, id, props) {
    const { space, name } = parseSpaceScopedId(id, "git credential");
    const found = await torqueClient(ctx).getCredential(space, name);
    if (!found) return undefined;
    const { token = "", gitlabUrl = "", preflight = "strict" } = props;
    return { ...props, space, name: found.name, description: found.description ?? "", token, gitlabUrl, preflight, type: TYPE };
  },

  async update(ctx, _id, _olds, news) {
    await torqueClient(ctx).updateCredential(body(news));
    return { ...news, type: TYPE };
  },

  async delete(ctx, id) {
    const { space, name } = parseSpaceScopedId(id, "git credential");
    await torqueClient(ctx).deleteCredential(space, name);
  },
};

export = makeProvider(gitCredentialSpec, hooks);
