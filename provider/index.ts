import * as torque from "./torque";

export { torque };
