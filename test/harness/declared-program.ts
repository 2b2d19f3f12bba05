/**
 * A generic Pulumi program for tests: declares the resources listed in the stack config key
 * `harness:resources` (see `Declaration` in stack.ts), with secrets, references between
 * resources and resource options, as a hand-written program would.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Declaration } from "./stack";

const declarations = JSON.parse(new pulumi.Config("harness").require("resources")) as Declaration[];
const created = new Map<string, pulumi.CustomResource>();

function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (!value || typeof value !== "object") return value;
  const v = value as Record<string, unknown>;
  if ("$secret" in v) return pulumi.secret(v.$secret);
  if ("$resource" in v) return lookup(v.$resource as string);
  if ("$ref" in v) return (lookup(v.$ref as string) as unknown as Record<string, unknown>)[v.output as string];
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
}

function lookup(name: string): pulumi.CustomResource {
  const found = created.get(name);
  if (!found) throw new Error(`declared program: ${name} must be declared before it is referenced`);
  return found;
}

function resourceClass(kind: string): new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource {
  const [namespace, type] = kind.split(":");
  const module = namespace === "test" ? require("./fixtures/file-provider") : require("pulumi-gitlab-sources")[namespace];
  const ctor = module?.[type];
  if (!ctor) throw new Error(`declared program: unknown kind ${kind}`);
  return ctor;
}

for (const d of declarations) {
  const Resource = resourceClass(d.kind);
  created.set(d.name, new Resource(d.name, resolve(d.args), d.opts));
}
