/**
 * The connection layer's contract. The engine runs every task through one `Connection` per host; SSH and local
 * connections are interchangeable behind it, like pyinfra's connectors.
 */
import type { Duplex, Readable } from "node:stream";

/** Privilege escalation for one operation (Ansible's become / become_user / become_flags). */
export interface Become {
  user: string;
  method?: "sudo";
  password?: string;
  /** Replaces sudo's default flags "-H -S -n", as Ansible's become_flags does. */
  flags?: string;
}

export interface ExecOptions {
  become?: Become;
  stdin?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the command and reject with CommandTimeoutError after this long. */
  timeoutMs?: number;
  /** Run the command with this shell's `-c` instead of /bin/sh (e.g. /bin/bash). */
  shell?: string;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  /** Set when the command was killed by a signal (then rc is 128 + its number, or -1 when unknown). */
  signal?: string;
}

export interface PutOptions {
  /** chmod mode, octal ("0644") or symbolic ("u=rw,go=r"). Without it an existing file's mode is kept. */
  mode?: string;
  owner?: string;
  group?: string;
  become?: Become;
}

export interface GetOptions {
  become?: Become;
}

/** stdin/stdout of a program on the host as one Duplex; stderr apart; `exit` settles when the program ends. */
export interface ExecStream extends Duplex {
  readonly stderr: Readable;
  readonly exit: Promise<{ rc: number; signal?: string }>;
}

export interface ConnectionStats {
  /** Operations sent to the host (exec, put, get, execStream, forward): each costs about one network round trip. */
  roundTrips: number;
  /** Bytes of commands and input sent to the host. */
  bytesSent: number;
  /** Operation helpers started (a channel each, once per become identity; see op-shell.ts). */
  helpers?: number;
}

export interface Connection {
  readonly host: string;
  /** Runs `command` via /bin/sh -c (or opts.shell). A non-zero rc is a result, not an error. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Atomic write: a temp file in the same directory gets the content, mode and owner, then is renamed over path. */
  put(path: string, content: string | Buffer, opts?: PutOptions): Promise<void>;
  get(path: string, opts?: GetOptions): Promise<Buffer>;
  /**
   * Runs read-only Python inside the host's operation helper (op-shell.ts): no process started. It prints with
   * `w(bytes)`; rc 1 and the exception on stderr when it raises. Undefined when no helper can take it now (none
   * runs on this connection, or it is busy): the caller then asks the same question with `exec`.
   */
  python?(code: string, opts?: { become?: Become }): Promise<ExecResult | undefined>;
  /** Gets ready to run operations as `become` (starts its helper) without running any: a hint, never an error. */
  warm?(become?: Become): void;
  /** Accounts changed (a user or group task): become identities get fresh helpers from the next operation. */
  refreshBecome?(): void;
  /** Starts a program and hands back its stdin/stdout as a stream (e.g. a database client relayed by the host). */
  execStream(command: string, opts?: Omit<ExecOptions, "stdin" | "timeoutMs">): Promise<ExecStream>;
  /** A TCP stream to host:port as seen from the remote host (SSH direct-tcpip). */
  forward?(host: string, port: number): Promise<Duplex>;
  /** A stream to a unix socket on the host, opened by the login user (SSH's direct-streamlocal, as `ssh -L`). */
  forwardSocket?(path: string): Promise<Duplex>;
  close(): Promise<void>;
  /**
   * Ends the connection for good, one kept between runs included (Ansible's `meta: reset_connection`, which stops
   * OpenSSH's master): the next operation logs in afresh, with the account as it is now. Without it, close does.
   */
  reset?(): Promise<void>;
  /** False once the connection was closed or dropped; the pool then opens a new one. */
  readonly alive: boolean;
  readonly stats: ConnectionStats;
}
