/**
 * ansible.builtin.copy: writes `content`, a controller file (`src`, looked up in the role's files/ then the
 * playbook dir), or a host file (`remote_src`) to `dest`, atomically, with owner/group/mode, optional backup and
 * validation. Unchanged content costs one round trip.
 */
import { ModuleArgsError } from "./args.js";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { posix } from "node:path";
import { pyJsonDumps } from "../template/filters/python-dump.js";
import type { Module } from "./types.js";
import { FILE_COMMON_ARGS } from "./util/attributes.js";
import { copyTo, type CopyCoreArgs } from "./util/copy-core.js";
import { ModuleFailure } from "./util/failure.js";

interface CopyArgs extends CopyCoreArgs {
  src?: string | null;
  content?: unknown;
  remote_src: boolean;
  directory_mode?: unknown;
  local_follow: boolean;
  checksum?: string | null;
  decrypt: boolean;
}

export const copy: Module<CopyArgs> = {
  name: "copy",
  aliases: ["ansible.builtin.copy", "ansible.legacy.copy"],
  args: {
    src: { type: "path" },
    content: { type: "raw", noLog: false },
    dest: { type: "path", required: true },
    backup: { type: "bool", default: false },
    force: { type: "bool", default: true, aliases: ["thirsty"] },
    validate: { type: "str" },
    directory_mode: { type: "raw" },
    remote_src: { type: "bool", default: false },
    local_follow: { type: "bool", default: true },
    checksum: { type: "str" },
    follow: { type: "bool" },
    decrypt: { type: "bool", default: true },
    ...FILE_COMMON_ARGS,
  },
  rules: { mutuallyExclusive: [["src", "content"]] },
  checkMode: true,
  async run(args, ctx) {
    if (args.src == null && args.content === undefined)
      throw new ModuleArgsError("src (or content) is required");
    if (args.content !== undefined && args.content !== null && args.dest.endsWith("/"))
      throw new ModuleFailure("can not use content with a dir as dest");
    if (args.content !== undefined && args.content !== null) {
      // A dict or list (YAML) is written as JSON, as the copy action does.
      const text =
        typeof args.content === "string"
          ? args.content
          : Array.isArray(args.content) || typeof args.content === "object"
            ? pyJsonDumps(args.content)
            : String(args.content);
      return copyTo(
        args,
        {
          content: Buffer.from(text, "utf8"),
          basename: "content",
          label: "dynamically generated",
          fromContent: true,
        },
        ctx,
      );
    }
    const src = args.src!;
    if (args.remote_src) {
      return copyTo(args, { remotePath: src, basename: posix.basename(src), label: src, src }, ctx);
    }
    const full = ctx.findFile("files", src);
    if (statSync(full).isDirectory())
      throw new ModuleFailure(`copying a directory (${src}) is not supported yet; copy its files one by one`);
    const bytes = readFileSync(full);
    if (args.checksum && args.checksum !== createHash("sha1").update(bytes).digest("hex"))
      throw new ModuleFailure("Copied file does not match the expected checksum. Transfer failed.");
    const mode =
      args.mode === "preserve"
        ? "0" + (statSync(full).mode & 0o7777).toString(8).padStart(3, "0")
        : args.mode;
    return copyTo(
      { ...args, mode },
      { content: bytes, basename: posix.basename(src), label: full, src: full },
      ctx,
    );
  },
};
