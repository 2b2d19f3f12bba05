import { createOnce } from "../core/createOnce";
import { Hooks, makeProvider } from "../core/provider";
import { containsUnknown } from "../core/unknown";
import { applyMode, checkGitLab } from "../gitlab/preflight";
import { credentialBody, TorqueClient } from "./client";
import { gitCredentialSpec, GitCredentialArgs as Args, GitCredentialState as State } from "./gitCredential.schema";
import { parseSpaceScopedId } from "./inputs";
import { requireTorqueSettings, torqueSettings } from "./settings";

const TYPE = "gitlabEnterprise";
const body = (args: Args) => credentialBody(args.space, args.name, args.description, args.token);
const client = () => new TorqueClient(requireTorqueSettings());

const hooks: Hooks<Args, State> = {
  async preflight(inputs, olds) {
    const settings = torqueSettings();
    if ("reason" in settings) return [settings];
    const { gitlabUrl, token, preflight = "strict" } = inputs;
    if (preflight === "off" || gitlabUrl === undefined || token === undefined || containsUnknown([gitlabUrl, token])) return [];
    const result = await checkGitLab({
      roots: [gitlabUrl],
      rootProperty: "gitlabUrl",
      token,
      projects: [],
      target: "torque",
      full: !olds || olds.gitlabUrl !== gitlabUrl || olds.token !== token,
      caBundle: inputs.gitlabCaBundle,
    });
    return applyMode(preflight, result);
  },

  async create(args) {
    const torque = client();
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
  async read(id, props) {
    const { space, name } = parseSpaceScopedId(id, "git credential");
    const found = await client().getCredential(space, name);
    if (!found) return undefined;
    const { token = "", gitlabUrl = "", preflight = "strict" } = props;
    return { ...props, space, name: found.name, description: found.description ?? "", token, gitlabUrl, preflight, type: TYPE };
  },

  async update(_id, _olds, news) {
    await client().updateCredential(body(news));
    return { ...news, type: TYPE };
  },

  async delete(id) {
    const { space, name } = parseSpaceScopedId(id, "git credential");
    await client().deleteCredential(space, name);
  },
};

export = makeProvider(gitCredentialSpec, hooks);
