export { ServerGuard, ServerRestart, type ServerGuardArgs, type ServerRestartArgs } from "./resources";
export { guardFailures, restartApiVersion } from "./provider";
