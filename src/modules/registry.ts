/**
 * Every module infra knows, by short name and by each FQCN Ansible accepts for it (`ansible.builtin.file`,
 * `ansible.legacy.file`).
 */
import { assert } from "./assert.js";
import { authorizedKey } from "./authorized_key.js";
import { influxdbDatabase } from "./influxdb_database.js";
import { influxdbUser } from "./influxdb_user.js";
import { mysqlDb } from "./mysql_db.js";
import { mysqlUser } from "./mysql_user.js";
import { apt } from "./apt.js";
import { blockinfile } from "./blockinfile.js";
import { cron } from "./cron.js";
import { lineinfile } from "./lineinfile.js";
import { pip } from "./pip.js";
import { service } from "./service.js";
import { systemd } from "./systemd.js";
import { uri } from "./uri.js";
import { waitFor } from "./wait_for.js";
import { command } from "./command.js";
import { copy } from "./copy.js";
import { debug } from "./debug.js";
import { fail } from "./fail.js";
import { file } from "./file.js";
import { group } from "./group.js";
import { knownHosts } from "./known_hosts.js";
import { opensshKeypair } from "./openssh_keypair.js";
import { pause } from "./pause.js";
import { raw } from "./raw.js";
import { setFact } from "./set_fact.js";
import { shell } from "./shell.js";
import { stat } from "./stat.js";
import { template } from "./template.js";
import type { Module } from "./types.js";
import { user } from "./user.js";

// Each module has its own argument type; the registry hands them out untyped (arguments are validated at run).
const ALL = [
  influxdbDatabase,
  influxdbUser,
  mysqlDb,
  mysqlUser,
  apt,
  blockinfile,
  cron,
  lineinfile,
  pip,
  service,
  systemd,
  uri,
  waitFor,
  assert,
  authorizedKey,
  command,
  copy,
  debug,
  fail,
  file,
  group,
  knownHosts,
  opensshKeypair,
  pause,
  raw,
  setFact,
  shell,
  stat,
  template,
  user,
] as unknown as Module[];

const byName = new Map<string, Module>();
for (const m of ALL) for (const n of [m.name, ...m.aliases]) byName.set(n, m);

/** The module for a task's action name (short or FQCN), or undefined. */
export function getModule(name: string): Module | undefined {
  return byName.get(name);
}

/** Short names of all modules, sorted. */
export function moduleNames(): string[] {
  return ALL.map((m) => m.name).sort();
}
