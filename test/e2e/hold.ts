/**
 * Answers held back after a sandbox server carried the request out: the creates in flight when
 * a run dies, made on the server but never answered. The sandbox's `delay` fault cannot tell
 * EnOS actions apart (they share a path), so this wraps the server's handler instead.
 */
import type { SandboxServer } from "../sandbox";
import type { SandboxRequest, SandboxResponse } from "../sandbox/handler-kit";

type Handler = (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface Hold {
  /** How many answers are held now. */
  held(): number;
  /** Lets the held answers go and restores the server's handler. */
  release(): void;
}

/** Holds the answers of up to `limit` requests that `matches` picks, from now until release. */
export function holdAnswers(server: SandboxServer, matches: (request: SandboxRequest) => boolean, limit: number): Hold {
  const target = server as unknown as { handle: Handler };
  const handle = target.handle;
  let held = 0;
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  target.handle = async (request) => {
    const response = await handle.call(server, request);
    if (held < limit && matches(request)) {
      held++;
      await gate;
    }
    return response;
  };
  return {
    held: () => held,
    release: () => {
      target.handle = handle;
      open();
    },
  };
}
