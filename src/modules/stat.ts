/**
 * ansible.builtin.stat: everything Ansible's stat returns about a path (type flags, mode "0644", ids and names,
 * times, checksum, mime type, lsattr attributes), read in one command. Never changes anything.
 */
import type { Module } from "./types.js";
import { decodePath, Probe } from "./util/probe.js";
import { pathWord } from "./util/shell.js";

interface StatArgs {
  path: string;
  follow: boolean;
  get_md5: boolean;
  get_checksum: boolean;
  get_mime: boolean;
  get_attributes: boolean;
  checksum_algorithm: string;
}

const FILE_ATTRIBUTES: Record<string, string> = {
  A: "noatime",
  a: "append",
  c: "compressed",
  C: "nocow",
  d: "nodump",
  D: "dirsync",
  e: "extents",
  E: "encrypted",
  h: "blocksize",
  i: "immutable",
  I: "indexed",
  j: "journalled",
  N: "inline",
  s: "zero",
  S: "synchronous",
  t: "notail",
  T: "blockroot",
  u: "undelete",
  X: "compressedraw",
  Z: "compresseddirty",
};

/** Linux's makedev (glibc's gnu_dev_makedev). */
function makedev(major: number, minor: number): number {
  return (
    Number(
      (BigInt(major & 0xfffff000) << 32n) |
        (BigInt(major & 0xfff) << 8n) |
        (BigInt(minor & 0xffffff00) << 12n),
    ) +
    (minor & 0xff)
  );
}

export const stat: Module<StatArgs> = {
  name: "stat",
  aliases: ["ansible.builtin.stat", "ansible.legacy.stat"],
  args: {
    path: { type: "path", required: true, aliases: ["dest", "name"] },
    follow: { type: "bool", default: false },
    get_md5: { type: "bool", default: false },
    get_checksum: { type: "bool", default: true },
    get_mime: { type: "bool", default: true, aliases: ["mime", "mime_type", "mime-type"] },
    get_attributes: { type: "bool", default: true, aliases: ["attr", "attributes"] },
    checksum_algorithm: {
      type: "str",
      default: "sha1",
      choices: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"],
      aliases: ["checksum", "checksum_algo"],
    },
  },
  checkMode: true,
  async run(args, ctx) {
    const p = pathWord(args.path);
    const L = args.follow ? "-L " : "";
    const probe = new Probe();
    const main = probe.stat(args.path, args.follow);
    const extra = probe.line(`stat ${L}-c '%b %o %t %T' -- ${p} 2>/dev/null || echo`);
    const access = probe.line(
      `for _t in r w x; do if [ -$_t ${p} ]; then printf 1; else printf 0; fi; done; echo`,
    );
    const real = probe.realPath(args.path);
    const readable = `[ -f ${p} ] && [ -r ${p} ]`;
    const sum = (algo: string) =>
      probe.line(`if ${readable} && _c=$(${algo}sum < ${p}); then echo "\${_c%% *}"; else echo; fi`);
    const checksum = args.get_checksum ? sum(args.checksum_algorithm) : -1;
    const md5 = args.get_md5 ? sum("md5") : -1;
    const mime = args.get_mime
      ? probe.line(
          `if command -v file >/dev/null 2>&1; then file --mime-type --mime-encoding -- ${p} 2>/dev/null | tr -d '\\n'; fi; echo`,
        )
      : -1;
    const attrs = args.get_attributes ? probe.line(`lsattr -vd -- ${p} 2>/dev/null | tr -d '\\n'; echo`) : -1;
    const a = await probe.run(ctx);

    const st = a.stat(main);
    if (!st.exists) return { changed: false, stat: { exists: false } };
    const [blocks, blksize, major, minor] = a.text(extra).split(" ");
    const perms = a.text(access);
    const m = st.mode;
    const out: Record<string, unknown> = {
      exists: true,
      path: args.path,
      mode: m.toString(8).padStart(4, "0"),
      isdir: st.kind === "directory",
      ischr: st.kind === "char",
      isblk: st.kind === "block",
      isreg: st.kind === "file",
      isfifo: st.kind === "fifo",
      islnk: st.kind === "link",
      issock: st.kind === "socket",
      uid: st.uid,
      gid: st.gid,
      size: st.size,
      inode: st.ino,
      dev: st.dev,
      nlink: st.nlink,
      atime: st.atime,
      mtime: st.mtime,
      ctime: st.ctime,
      wusr: !!(m & 0o200),
      rusr: !!(m & 0o400),
      xusr: !!(m & 0o100),
      wgrp: !!(m & 0o020),
      rgrp: !!(m & 0o040),
      xgrp: !!(m & 0o010),
      woth: !!(m & 0o002),
      roth: !!(m & 0o004),
      xoth: !!(m & 0o001),
      isuid: !!(m & 0o4000),
      isgid: !!(m & 0o2000),
      blocks: Number(blocks),
      block_size: Number(blksize),
      device_type: makedev(parseInt(major ?? "0", 16), parseInt(minor ?? "0", 16)),
      readable: perms[0] === "1",
      writeable: perms[1] === "1",
      executable: perms[2] === "1",
    };
    if (st.kind === "link") {
      out.lnk_source = decodePath(a.text(real));
      out.lnk_target = st.target ?? "";
    }
    if (st.owner !== String(st.uid)) out.pw_name = st.owner;
    if (st.group !== String(st.gid)) out.gr_name = st.group;
    if (out.isreg && out.readable) {
      if (md5 >= 0) out.md5 = a.text(md5) || null;
      if (checksum >= 0) out.checksum = a.text(checksum);
    }
    if (mime >= 0) {
      out.mimetype = out.charset = "unknown";
      const line = a.text(mime);
      const tail = line.slice(line.lastIndexOf(":") + 1).split(";");
      if (line && tail.length === 2 && tail[1]!.includes("=")) {
        out.mimetype = tail[0]!.trim();
        out.charset = tail[1]!.split("=")[1]!.trim();
      }
    }
    if (attrs >= 0) {
      out.version = null;
      out.attributes = [];
      out.attr_flags = "";
      const res = a.text(attrs).split(/\s+/);
      if (res.length >= 3) {
        out.version = res[0];
        const flags = res[1]!.replace(/-/g, "");
        out.attr_flags = flags;
        out.attributes = [...flags].filter((f) => f in FILE_ATTRIBUTES).map((f) => FILE_ATTRIBUTES[f]);
      }
    }
    return { changed: false, stat: out };
  },
};
