import * as http from "node:http";
import * as https from "node:https";
import type { AxiosProxyConfig, CreateAxiosDefaults } from "axios";
import { HttpsProxyAgent } from "https-proxy-agent";

/**
 * The proxy for a target, from HTTPS_PROXY (https targets) or HTTP_PROXY (http targets), in
 * upper or lower case, unless NO_PROXY covers the host. curl's rules, which proxy-from-env
 * does not follow: a proxy without a scheme is http, and `example.com` in NO_PROXY covers its
 * subdomains (also `*`, `.domain`, optionally `:port`).
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const proxy = target.protocol === "https:" ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!proxy || bypasses(target, env.NO_PROXY ?? env.no_proxy ?? "")) return undefined;
  return new URL(/^[a-z]+:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
}

function bypasses(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === "*") return true;
      const [name, entryPort] = noProxyEntry(entry);
      if (entryPort && entryPort !== port) return false;
      const bare = name.replace(/^\./, "");
      return host === bare || host.endsWith(`.${bare}`);
    });
}

/** A NO_PROXY entry's name and port: `host`, `host:port`, `.domain`, `*.domain`, an IPv6 address bare or as `[address]:port`. */
function noProxyEntry(entry: string): [string, string | undefined] {
  const lower = entry.toLowerCase().replace(/^\*?\./, ".");
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(lower);
  if (bracketed) return [bracketed[1], bracketed[2]];
  if (lower.indexOf(":") !== lower.lastIndexOf(":")) return [lower, undefined]; // a bare IPv6 address has no port
  const [name, port] = lower.split(/:(?=\d+$)/);
  return [name, port];
}

/** Requests the proxy answered itself, refusing the tunnel: https-proxy-agent hands its answer on as the target's. */
const refused = new WeakSet<object>();

export function tunnelRefused(request: unknown): boolean {
  return typeof request === "object" && request !== null && refused.has(request);
}

/**
 * https-proxy-agent's CONNECT tunnel, whose TLS session to the target trusts the client's CA
 * bundle too (the agent passes only the request's own options to it).
 */
class Tunnel extends HttpsProxyAgent<string> {
  constructor(proxy: URL, private readonly trust: Pick<https.AgentOptions, "ca">, options: https.AgentOptions) {
    super(proxy, options);
    this.on("proxyConnect", (answer: { statusCode: number }, req: object) => {
      if (answer.statusCode !== 200) refused.add(req);
    });
  }

  connect(req: http.ClientRequest, opts: Parameters<HttpsProxyAgent<string>["connect"]>[1]) {
    return super.connect(req, { ...opts, ...this.trust } as typeof opts);
  }
}

/**
 * Connections for one host: keep-alive agents, direct or through the environment's proxy
 * (https through a CONNECT tunnel with TLS verified end to end, http in absolute form).
 * Axios's own reading of the environment is switched off: the proxy is chosen here, once.
 */
export function connectionsFor(target: URL, options: https.AgentOptions): Pick<CreateAxiosDefaults, "httpAgent" | "httpsAgent" | "proxy"> {
  const proxy = proxyFor(target);
  if (target.protocol === "https:") {
    return { httpsAgent: proxy ? new Tunnel(proxy, { ca: options.ca }, options) : new https.Agent(options), proxy: false };
  }
  return { httpAgent: new http.Agent(options), proxy: proxy ? forwardProxy(proxy) : false };
}

function forwardProxy(proxy: URL): AxiosProxyConfig {
  const auth = proxy.username ? { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } : undefined;
  return { protocol: "http", host: proxy.hostname, port: Number(proxy.port || 80), auth };
}
