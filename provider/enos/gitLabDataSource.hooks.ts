import { createOnce } from "../core/createOnce";
import { Hooks, makeProvider } from "../core/provider";
import { failureOf } from "../core/spec";
import { containsUnknown } from "../core/unknown";
import { sameUrl } from "../core/url";
import { applyMode, candidateRoots, checkGitLab } from "../gitlab/preflight";
import type { DataSourceBody, DataSourceRecord } from "./client";
import { gitLabDataSourceSpec, GitLabDataSourceArgs as Args, GitLabDataSourceState as State } from "./gitLabDataSource.schema";
import { enosAccount, enosClient, enosSettings } from "./settings";

const TYPE = "GITLAB";

function body(args: Args): DataSourceBody {
  return { name: args.name, type: TYPE, description: args.description, connection: { gitUrl: args.gitUrl, token: args.token } };
}

function stateOf(record: DataSourceRecord, props: Partial<State>): State {
  const gitUrl = sameUrl(record.connection.gitUrl);
  return {
    dataSourceId: record.dataSourceId,
    type: TYPE,
    name: record.name,
    gitUrl,
    description: record.description ?? "",
    createdAt: new Date(record.createTime).toISOString(),
    token: props.token ?? "",
    preflight: props.preflight ?? "strict",
  };
}

const hooks: Hooks<Args, State> = {
  account: enosAccount,

  settings: (ctx) => failureOf(enosSettings(ctx)),

  changed: (inputs, olds) => olds.gitUrl !== inputs.gitUrl || olds.token !== inputs.token,

  async preflight(ctx, inputs, full) {
    const { gitUrl, token, preflight = "strict" } = inputs;
    if (preflight === "off" || gitUrl === undefined || token === undefined || containsUnknown([gitUrl, token])) return [];
    const result = await checkGitLab(ctx, {
      roots: candidateRoots(gitUrl),
      rootProperty: "gitUrl",
      token,
      projects: [{ url: gitUrl, property: "gitUrl" }],
      target: "enos",
      full,
      caBundle: inputs.gitlabCaBundle,
    });
    if (full && result.failures.length === 0) {
      const tested = await enosClient(ctx).test(gitUrl, token);
      if (!tested.success) {
        result.failures.push({
          property: "gitUrl",
          reason: `gitUrl: EnOS's own connection test failed ("${tested.message}"): EnOS connects to GitLab from its side, so fix what EnOS names; if it cannot connect at all, check the firewalls and DNS between EnOS and the GitLab server.`,
        });
      }
    }
    return applyMode(preflight, result);
  },

  planned: (_inputs, olds) => ({ type: TYPE, dataSourceId: olds?.dataSourceId, createdAt: olds?.createdAt }),

  async create(ctx, args) {
    const client = enosClient(ctx);
    const id = await createOnce({
      what: `EnOS data source ${args.name}`,
      clash: `EnOS already has a data source named ${args.name}`,
      post: () => client.create(body(args)),
      find: async () => {
        const found = await client.findByName(args.name);
        return (
          found && {
            id: found.dataSourceId,
            matches: sameUrl(found.connection.gitUrl) === args.gitUrl && (found.description ?? "") === args.description,
            madeSince: (sentAt: number) => client.madeSince(found, sentAt),
          }
        );
      },
      recordsMaker: true,
    });
    // EnOS answers a create with the id only: one `get` for createTime (not a search, whose
    // cache every create invalidates: a stack of 500 would list the organization 500 times).
    const created = await client.get(id).catch(() => undefined);
    return { id, outs: { ...args, dataSourceId: id, type: TYPE, createdAt: new Date(created?.createTime ?? Date.now()).toISOString() } };
  },

  async read(ctx, id, props) {
    const record = (await enosClient(ctx).list()).get(id);
    return record && stateOf(record, props);
  },

  async readOne(ctx, id, props) {
    const record = await enosClient(ctx).get(id);
    return record && stateOf(record, props);
  },

  async update(ctx, id, olds, news) {
    const { description, connection } = body(news);
    await enosClient(ctx).update(id, { description, connection });
    return { ...news, dataSourceId: id, type: TYPE, createdAt: olds.createdAt };
  },

  async delete(ctx, id) {
    await enosClient(ctx).delete(id);
  },
};

export = makeProvider(gitLabDataSourceSpec, hooks);
