/**
 * known_hosts's probe asked as Python inside the operation helper prints exactly the shell script's ten lines
 * (ssh-keygen -F's search and sanity check included) for known_hosts files with plain, listed, wildcard, negated,
 * hashed and bracketed names, markers good and bad, comments, truncated lines, legacy and CRLF lines; and it hands
 * over to the shell where ssh-keygen must answer (types it does not know for sure, a NUL, no last newline, a
 * directory, an unreadable file). As root and as the login user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  knownHostsProgram,
  knownHostsScript,
  type KnownHostsQuery,
} from "../../../src/modules/util/known-hosts-probe.js";
import { hashHostKey } from "../../../src/modules/util/known-hosts.js";
import type { Become } from "../../../src/transport/types.js";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { connect, ROOT, sh } from "./helpers.js";

const D = "/tmp/infra-kh-probe";
const K = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests";
const R = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQFakeRsa";
const SALT = Buffer.alloc(20, 7);

/** File name -> content. */
const FILES: Record<string, string> = {
  plain: `backup ${K}\nother ${R}\nbackup ${R} comment here\n`,
  listed: `other,backup,10.0.0.5 ${K}\n  \t backup\t${R}\n`,
  wild: `*.example.com ${K}\nba?kup ${R}\n!backup,b* ${K}\n*,!10.0.0.5 ${R}\nBACKUP ${K}\n`,
  hashed: `${hashHostKey("backup", `backup ${K}`, SALT)}\n${hashHostKey("other", `other ${K}`, SALT)}\n|1|bad|salt ${K}\n|1|${SALT.toString("base64")}|x ${K}\n|2|x|y ${K}\n`,
  markers: `@cert-authority backup ${K}\n@revoked backup ${R}\n@bogus backup ${K}\n@revoked @revoked backup ${K}\n@revoked\tbackup ${K}\n@revoked\tbackup\t${K}\n@\tbackup ${K}\n`,
  comments: `# backup ${K}\n\n   \n  # indented\nbackup ${K} # trailing\n`,
  truncated: `backup\nbackup \nbackup ssh-ed25519\nbackup ssh-ed25519   \nbackup ssh-ed25519 #x\nbackup #x\nbackup x AAAA\n`,
  legacy: `backup 1024 35 1234567\n`,
  crlf: `backup ${K}\r\nother ${K}\r\n`,
  bracketed: `[backup]:2222 ${K}\n[backup]:* ${R}\nbackup ${K}\n`,
  long: `${"a".repeat(1030)},backup ${K}\nbackup,${"b".repeat(1022)} ${R}\n`,
  empty: "",
  ecdsa: `backup ecdsa-sha2-nistp256 AAAAE2VjZHNh\nbackup ecdsa-sha2-nistp384 AAAA\nbackup ecdsa-sha2-nistp521 AAAA\n`,
  // Left to ssh-keygen:
  long8: `backup 12345678 35 1\n`,
  dss: `backup ssh-dss AAAAB3NzaC1kc3M\n`,
  cert: `backup ssh-ed25519-cert-v01@openssh.com AAAA\n`,
  shortname: `backup ED25519 AAAA\n`,
  nul: `backup ${K}\n\0\n`,
  unterminated: `backup ${K}`,
};
const ALWAYS_FALLS_BACK = new Set(["nul", "unterminated", "dir", "secret"]);
/** Their only lines name backup: ssh-keygen is asked when one of them matches. */
const TYPE_FALLS_BACK = new Set(["long8", "dss", "cert", "shortname"]);
const fallsBack = (name: string, host: string, become?: Become) =>
  (ALWAYS_FALLS_BACK.has(name) && !(name === "secret" && become)) ||
  (TYPE_FALLS_BACK.has(name) && host.toLowerCase() === "backup");

const HOSTS = ["backup", "10.0.0.5", "[backup]:2222", "host.example.com", "BACKUP", "nobody"];
const KEYS = (host: string) => [
  null,
  `${host} ${K}\n`,
  `${hashHostKey(host, `${host} ${K}`, SALT)}\n`,
  `other ${K}\n`,
  `@cert-authority ${host} ${K}\n`,
];

let conn: SshConnection;

async function both(q: KnownHostsQuery, become?: Become) {
  const py = await conn.python(knownHostsProgram(q), { become });
  expect(py, "a helper runs on the lab hosts").toBeDefined();
  expect(py!.stderr, JSON.stringify(q)).toBe("");
  expect(py!.rc).toBe(0);
  const shell = await conn.exec(knownHostsScript(q), { become });
  expect(shell.rc).toBe(0);
  return { py: py!.stdout, shell: shell.stdout };
}

beforeAll(async () => {
  conn = await connect("backup");
  const writes = Object.entries(FILES).map(
    ([name, text]) => `printf '%s' '${Buffer.from(text).toString("base64")}' | base64 -d >${D}/${name}`,
  );
  await sh(
    "backup",
    [
      `rm -rf ${D}; mkdir -p ${D}/dir; chmod 755 ${D}`,
      ...writes,
      `chmod 644 ${D}/*; chmod 600 ${D}/plain; cp ${D}/plain ${D}/secret; chmod 600 ${D}/secret`,
      `chown ubuntu ${D}/plain; ln -s plain ${D}/link`,
    ].join("\n"),
  );
});
afterAll(async () => {
  await sh("backup", `rm -rf ${D}`);
  await conn.close();
});

describe("known_hosts probe under Python", () => {
  for (const become of [undefined, ROOT]) {
    it(`prints the shell script's lines (${become ? "as root" : "as the login user"})`, async () => {
      const paths = [...Object.keys(FILES), "dir", "link", "missing", "nodir/known_hosts"];
      let answered = 0;
      for (const name of paths)
        for (const host of HOSTS)
          for (const key of name === "plain" ? KEYS(host) : [null, `${host} ${K}\n`]) {
            const q = { path: `${D}/${name}`, host, key };
            const { py, shell } = await both(q, become);
            const label = `${name} ${host} ${JSON.stringify(key)}`;
            expect(py === "fallback\n", label).toBe(fallsBack(name, host, become));
            if (py === "fallback\n") continue;
            expect(py.split("\n"), label).toEqual(shell.split("\n"));
            answered++;
          }
      expect(answered).toBeGreaterThan(100);
    });
  }

  it("finds what ssh-keygen finds, hashed, listed and wildcard names included", async () => {
    const { py } = await both({ path: `${D}/wild`, host: "backup", key: null });
    const search = Buffer.from(py.split("\n")[8]!, "base64").toString();
    expect(search).toContain("found: line 2 \nba?kup");
    expect(search).toContain("found: line 4 \n*,!10.0.0.5");
    expect(search).toContain("found: line 5 \nBACKUP");
    expect(search).not.toContain("!backup,b*");
    const hashed = await both({ path: `${D}/hashed`, host: "backup", key: null });
    expect(Buffer.from(hashed.py.split("\n")[8]!, "base64").toString()).toMatch(
      /^# Host backup found: line 1 \n\|1\|/,
    );
  });
});
