// A faster clock for mutation runs (environment.js): in a test file's realm, every timer
// fires after 1/SPEED of its delay and Date runs SPEED times as fast, so that a test that
// waits on Retry-After, backoff, sync polls or a sandbox's latency still sees the times
// it asked for (a Retry-After of 1 s is 1 s by Date), in a fraction of the wall time. The
// provider's code and the sandbox servers run in that realm and read only these clocks
// (Date.now, setTimeout); a surviving mutant runs every test that reaches it, and most of
// those tests' time was waiting (see CONTRIBUTING.md, "Mutation testing").
// `npm test` keeps the real clock: it is the tier that proves the real timings.

/** How much faster the test files' clock runs; MUTATION_CLOCK_SPEED overrides it (1: the real clock). */
const SPEED = Number(process.env.MUTATION_CLOCK_SPEED ?? 5);

function speedUpClock(global, speed = SPEED) {
  if (!(speed > 1)) return;
  const RealDate = global.Date;
  const origin = RealDate.now();
  const now = () => Math.floor(origin + (RealDate.now() - origin) * speed);
  class FastDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  }
  const { setTimeout, setInterval } = global;
  const shorter = (ms) => (Number(ms) > 0 ? Number(ms) / speed : 0);
  global.Date = FastDate;
  global.setTimeout = (fn, ms, ...args) => setTimeout(fn, shorter(ms), ...args);
  global.setInterval = (fn, ms, ...args) => setInterval(fn, shorter(ms), ...args);
}

module.exports = { speedUpClock, SPEED };
