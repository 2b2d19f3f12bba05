import * as enos from "./enos";
import * as torque from "./torque";

export { enos, torque };
