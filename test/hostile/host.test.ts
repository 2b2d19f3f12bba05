/**
 * Issue 13: no server answer may end the provider host. Through the real host, a create of a
 * Torque repository provider is applied by Torque but answered with a gzip bomb (1 GB decoded,
 * past V8's longest string, which once ended the host and every create in flight with it).
 */
import * as http from "node:http";
import { changes } from "../harness/stack";
import type { Declaration } from "../harness/stack";
import { useSandbox } from "../support/fixture";
import { gzipBomb, startServer } from "../support/servers";

const fx = useSandbox();

test("a gzip bomb answering a create leaves the host running: the create is adopted by name, the others complete, the next runs are clean", async () => {
  const bomb = gzipBomb(2 ** 30);
  const bombed: string[] = [];
  // In front of the sandbox Torque: every call passes through, and the first create's answer is replaced.
  const front = await startServer((req, res) => {
    const upstream = new URL(req.url!, fx.sandbox.torque.url);
    const forwarded = http.request(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      if (req.method === "POST" && upstream.pathname === "/api/settings/repository_providers" && bombed.length === 0) {
        bombed.push(req.url!);
        answer.resume();
        answer.once("end", () => res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" }).end(bomb));
        return;
      }
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forwarded);
  });
  try {
    const names = [1, 2, 3, 4].map((i) => `bombed-${i}`);
    const program: Declaration[] = names.map((name) => ({
      kind: "torque:RepositoryProvider",
      name,
      args: { name, baseUrl: `${fx.sandbox.gitlab.url}/`, token: { $secret: fx.demo.gitlabToken } },
    }));
    const stack = fx.stack({ config: { "torque:url": front.url } });

    const up = await stack.up(program);
    expect(bombed).toHaveLength(1);
    expect(up.errors).toEqual([]);
    expect(up.hostStderr).not.toMatch(/ERR_STRING_TOO_LONG|\n\s+at /);
    const registered = fx.sandbox.torque.providers().filter((p) => names.includes(p.name));
    expect(registered.map((p) => p.name).sort()).toEqual(names);
    expect(names.map((name) => stack.resource(name).id).sort()).toEqual(registered.map((p) => p.id).sort());

    expect(changes(await stack.preview(program))).toEqual([]);
    const refresh = await stack.refresh();
    expect(refresh.errors).toEqual([]);
    expect(changes(refresh)).toEqual([]);
    expect((await stack.destroy()).errors).toEqual([]);
  } finally {
    await front.close();
  }
});
