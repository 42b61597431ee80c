/** The connection layer: what the engine, modules and checks import. */
export type {
  Become,
  Connection,
  ConnectionStats,
  ExecOptions,
  ExecResult,
  ExecStream,
  GetOptions,
  PutOptions,
} from "./types.js";
export { BecomeError, CommandTimeoutError, HostKeyError, UnreachableError } from "./errors.js";
export { connectSsh, SshConnection, type SshOptions } from "./ssh.js";
export { LocalConnection, type LocalOptions } from "./local.js";
export { ConnectionPool, type Connectors } from "./pool.js";
export { becomePassword, hostSettings, type HostSettings, type TransportConfig } from "./host-settings.js";
export { shellQuote } from "./shell-words.js";
