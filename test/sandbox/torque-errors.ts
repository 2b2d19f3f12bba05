import { jsonResponse, type SandboxResponse } from "./handler-kit";

/** Torque error item; `name` names the offending field when there is one. */
export interface TorqueError {
  name?: string;
  message: string;
}

export function torqueErrors(status: number, errors: TorqueError[]): SandboxResponse {
  return jsonResponse(status, { errors });
}

export function torqueError(status: number, name: string, message: string): SandboxResponse {
  return torqueErrors(status, [{ name, message }]);
}
