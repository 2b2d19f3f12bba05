import * as http from "node:http";
import * as https from "node:https";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";

/**
 * The proxy for a target, from HTTPS_PROXY (https targets) or HTTP_PROXY (http targets), in
 * upper or lower case, unless NO_PROXY covers the host (curl's rules: `*`, a host and its
 * subdomains, `.domain`, optionally `:port`).
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
      const [name, entryPort] = entry.toLowerCase().replace(/^\*?\./, ".").split(/:(?=\d+$)/);
      if (entryPort && entryPort !== port) return false;
      const bare = name.replace(/^\./, "");
      return host === bare || host.endsWith(`.${bare}`);
    });
}

export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { "Proxy-Authorization": `Basic ${Buffer.from(credentials).toString("base64")}` };
}

/**
 * An https agent that reaches its targets through an http proxy's CONNECT tunnel, with TLS
 * verified end to end.
 */
export class TunnelingAgent extends https.Agent {
  constructor(private readonly proxy: URL, options: https.AgentOptions) {
    super(options);
  }

  createConnection(options: http.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const done = callback!;
    const target = `${options.host}:${options.port ?? 443}`;
    const request = http.request({
      host: this.proxy.hostname,
      port: Number(this.proxy.port || 80),
      method: "CONNECT",
      path: target,
      headers: { Host: target, ...proxyAuthorization(this.proxy) },
    });
    request.once("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(Object.assign(new Error(`proxy ${this.proxy.host} refused to tunnel to ${target} (${res.statusCode})`), { code: "EPROXY" }), socket);
        return;
      }
      const tlsOptions = options as tls.ConnectionOptions;
      done(null, tls.connect({ ...tlsOptions, socket, servername: tlsOptions.servername ?? options.host ?? undefined }));
    });
    request.once("error", (err) => done(err, request.socket!));
    request.end();
    return undefined;
  }
}
