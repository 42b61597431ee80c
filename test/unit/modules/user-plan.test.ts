/** The user module's command lines from facts, as Ansible's User class builds them (without -p: chpasswd sets it). */
import { describe, expect, it } from "vitest";
import {
  chageCommand,
  modifyPlan,
  useraddCommand,
  type UserArgs,
} from "../../../src/modules/util/user-plan.js";
import type { UserFacts } from "../../../src/modules/util/user-facts.js";

const args = (o: Partial<UserArgs>): UserArgs => ({
  name: "backup2",
  state: "present",
  non_unique: false,
  force: false,
  remove: false,
  create_home: true,
  system: false,
  move_home: false,
  append: false,
  ssh_key_bits: 0,
  ssh_key_type: "rsa",
  update_password: "always",
  ...o,
});

const facts = (o: Partial<UserFacts> = {}): UserFacts => ({
  groups: [
    { name: "backup2", gid: 1001, members: [] },
    { name: "sudo", gid: 27, members: ["backup2"] },
    { name: "adm", gid: 4, members: [] },
  ],
  hostname: "h",
  homeExists: true,
  homeParentIsDir: true,
  keyFile: "/home/backup2/.ssh/id_rsa",
  keyDirExists: true,
  keyExists: false,
  pubExists: false,
  publicKey: null,
  ...o,
});

const existing = facts({
  passwd: {
    name: "backup2",
    passwd: "x",
    uid: 1001,
    gid: 1001,
    comment: "",
    home: "/home/backup2",
    shell: "/bin/sh",
  },
  shadow: { hash: "$6$a$b", min: 0, max: 99999, expire: -1 },
});

describe("user commands", () => {
  it("useradd with -N when a group of the user's name exists, and never -p", () => {
    expect(useraddCommand(args({ shell: "/bin/bash", groups: ["sudo"], password: "$6$x$y" }), facts())).toBe(
      "useradd -N -G sudo -s /bin/bash -m backup2",
    );
    expect(() => useraddCommand(args({ group: "nope" }), facts())).toThrow("Group nope does not exist");
  });

  it("usermod only for what differs; the hash apart", () => {
    expect(modifyPlan(args({ shell: "/bin/sh", groups: ["sudo"] }), existing)).toEqual({});
    expect(modifyPlan(args({ shell: "/bin/bash", groups: ["adm"], append: true }), existing)).toEqual({
      usermod: "usermod -a -G adm -s /bin/bash backup2",
    });
    expect(modifyPlan(args({ groups: [] }), existing)).toEqual({ usermod: "usermod -G '' backup2" });
    expect(modifyPlan(args({ password: "$6$c$d" }), existing)).toEqual({ password: "$6$c$d" });
    expect(modifyPlan(args({ password: "$6$c$d", update_password: "on_create" }), existing)).toEqual({});
    expect(modifyPlan(args({ password_lock: true }), existing)).toEqual({ usermod: "usermod -L backup2" });
  });

  it("chage only when ageing differs", () => {
    expect(chageCommand(args({ password_expire_max: 99999 }), existing)).toBeUndefined();
    expect(chageCommand(args({ password_expire_max: 90, password_expire_min: 1 }), existing)).toBe(
      "chage -m 1 -M 90 backup2",
    );
  });
});
