/**
 * Serialisation and hashing filters: to_json/to_nice_json/to_yaml/to_nice_yaml (Python's exact output format),
 * from_json/from_yaml, b64encode/b64decode, hash/checksum/md5/sha1, password_hash (crypt(3) via unixcrypt).
 */
import { createHash, randomBytes } from "node:crypto";
import { encrypt } from "unixcrypt";
import { parseYaml } from "../../util/yaml.js";
import { need, param, type FilterFn } from "../registry.js";
import { num, pyStr, TemplateRuntimeError, truthy } from "../values.js";
import { pyJsonDumps, pyYamlDump } from "./python-dump.js";

function text(v: unknown): string {
  return pyStr(need(v));
}

function digest(algorithm: string, data: string): string {
  const algo = algorithm.toLowerCase().replace(/^sha-?/, "sha");
  try {
    return createHash(algo).update(data, "utf8").digest("hex");
  } catch {
    throw new TemplateRuntimeError(`unsupported hash type ${algorithm}`, "value");
  }
}

const CRYPT_PREFIX: Record<string, string> = { sha512: "6", sha256: "5", md5: "1" };
const SALT_CHARS = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Ansible's password_hash: `$6$salt$hash`, random 16-char salt unless given, `rounds=` when asked. */
function passwordHash(password: string, scheme: string, salt: string | null, rounds: number | null): string {
  const id = CRYPT_PREFIX[scheme.replace(/_crypt$/, "")];
  if (!id) throw new TemplateRuntimeError(`unsupported hash type ${scheme}`, "value");
  if (id === "1")
    throw new TemplateRuntimeError("md5_crypt is not supported by this implementation", "value");
  const s = salt ?? Array.from(randomBytes(16), (b) => SALT_CHARS[b % SALT_CHARS.length] as string).join("");
  if (!/^[./0-9A-Za-z]*$/.test(s)) throw new TemplateRuntimeError("invalid characters in salt", "value");
  const setting = rounds !== null && rounds !== 5000 ? `$${id}$rounds=${rounds}$${s}` : `$${id}$${s}`;
  return encrypt(password, setting);
}

export const encodingFilters: Record<string, FilterFn> = {
  to_json: (v, _a, kwargs) =>
    pyJsonDumps(v, {
      indent: kwargs.indent === undefined || kwargs.indent === null ? undefined : num(kwargs.indent),
      sortKeys: truthy(kwargs.sort_keys ?? false),
      ensureAscii: truthy(kwargs.ensure_ascii ?? true),
    }),
  to_nice_json: (v, args, kwargs) =>
    pyJsonDumps(v, {
      indent: num(param(args, kwargs, 0, "indent", 4)),
      sortKeys: truthy(kwargs.sort_keys ?? true),
      ensureAscii: truthy(kwargs.ensure_ascii ?? true),
      separators: [",", ": "],
    }),
  to_yaml: (v, _a, kwargs) =>
    pyYamlDump(v, {
      indent: kwargs.indent === undefined ? 2 : num(kwargs.indent),
      flowLeaves: kwargs.default_flow_style !== false,
    }),
  to_nice_yaml: (v, args, kwargs) =>
    pyYamlDump(v, { indent: num(param(args, kwargs, 0, "indent", 4)), flowLeaves: false }),
  from_json: (v) => {
    try {
      return JSON.parse(text(v)) as unknown;
    } catch (e) {
      throw new TemplateRuntimeError(`from_json: ${(e as Error).message}`, "value");
    }
  },
  from_yaml: (v) => {
    if (typeof v !== "string") return v;
    return parseYaml(v, "<from_yaml>").documents[0] ?? null;
  },
  from_yaml_all: (v) => (typeof v === "string" ? parseYaml(v, "<from_yaml_all>").documents : v),
  b64encode: (v, args, kwargs) =>
    Buffer.from(
      text(v),
      pyStr(param(args, kwargs, 0, "encoding", "utf-8")) === "utf-16-le" ? "utf16le" : "utf8",
    ).toString("base64"),
  b64decode: (v) => Buffer.from(text(v), "base64").toString("utf8"),
  hash: (v, args) => digest(pyStr(args[0] ?? "sha1"), text(v)),
  checksum: (v) => digest("sha1", text(v)),
  sha1: (v) => digest("sha1", text(v)),
  md5: (v) => digest("md5", text(v)),
  password_hash: (v, args, kwargs) => {
    const scheme = pyStr(param(args, kwargs, 0, "hashtype", "sha512"));
    const salt = param(args, kwargs, 1, "salt", null);
    const rounds = param(args, kwargs, 2, "rounds", null);
    return passwordHash(
      text(v),
      scheme,
      salt === null ? null : pyStr(salt),
      rounds === null ? null : num(rounds),
    );
  },
};
