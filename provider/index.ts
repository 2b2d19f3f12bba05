import * as enos from "./enos";
import * as plugin from "./plugin/sdk";
import * as torque from "./torque";

export { enos, plugin, torque };
