/**
 * ansible.builtin.pip: Python packages through the host's pip, in the system Python or a virtualenv (created with
 * `virtualenv_command` when its bin/activate is missing). As in Ansible, a real run always asks pip (pip itself
 * knows what is installed: "Successfully installed" means changed), while check mode compares `pip list` with the
 * requirements. Finding pip, creating the venv and running pip are one script, one round trip. On Debian 12 the
 * system pip refuses to install (externally managed): the result is pip's own error, as under Ansible.
 */
import { ModuleArgsError } from "./args.js";
import { shlexSplit } from "../inventory/python-shlex.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import { capture, rc, readFacts, text } from "./util/service-state.js";
import { quote } from "./util/shell.js";

export interface PipArgs {
  state: "present" | "absent" | "latest" | "forcereinstall";
  name?: string[] | null;
  version?: string | null;
  requirements?: string | null;
  virtualenv?: string | null;
  virtualenv_site_packages: boolean;
  virtualenv_command: string;
  virtualenv_python?: string | null;
  extra_args?: string | null;
  editable: boolean;
  chdir?: string | null;
  executable?: string | null;
  umask?: string | null;
}

const STATE_ARGS: Record<PipArgs["state"], string[]> = {
  present: ["install"],
  absent: ["uninstall", "-y"],
  latest: ["install", "-U"],
  forcereinstall: ["install", "-U", "--force-reinstall"],
};
const OPS = ["<=", ">=", "==", "!=", "~=", "===", "<", ">"];

/** _recover_package_name: "django>1.1", "<2" → "django>1.1,<2"; commas inside [extras] stay. */
export function recoverPackageNames(names: string[]): string[] {
  const parts = names.flatMap((n) => n.split(","));
  const out: string[] = [];
  let cur: string[] = [];
  let inBrackets = false;
  for (const p of parts) {
    if (!OPS.some((op) => p.trimStart().startsWith(op)) && !inBrackets) {
      if (cur.length) out.push(cur.join(","));
      cur = [];
    }
    if (p.includes("[")) inBrackets = true;
    if (inBrackets && p.includes("]")) inBrackets = false;
    cur.push(p);
  }
  out.push(cur.join(","));
  return out;
}

/** A requirement as Ansible's Package holds it: canonical name and version specifiers. */
export interface Requirement {
  text: string;
  name: string | null;
  specs: [string, string][];
}

export const canonicalize = (n: string) => n.replace(/[-_.]+/g, "-").toLowerCase();

export function parseRequirement(s: string, version?: string | null): Requirement {
  if (version) {
    const v = version.trimStart();
    s = /^\d/.test(v) ? `${s}==${v}` : `${s} ${v}`;
  }
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(s);
  if (
    !m ||
    (m[3] &&
      !/^(\s*(<=|>=|==|!=|~=|===|<|>)\s*[^,\s]+\s*)(,\s*(<=|>=|==|!=|~=|===|<|>)\s*[^,\s]+\s*)*$/.test(m[3]))
  )
    return { text: s, name: null, specs: [] };
  const specs = (m[3] ? m[3].split(",") : []).map((x) => {
    const sm = /^\s*(===|<=|>=|==|!=|~=|<|>)\s*(\S+)\s*$/.exec(x)!;
    return [sm[1]!, sm[2]!] as [string, string];
  });
  return {
    text: `${m[1]}${m[2] ?? ""}${specs.map(([o, v]) => o + v).join(",")}`,
    name: canonicalize(m[1]!),
    specs,
  };
}

/** PEP 440 ordering for the release numbers and simple pre/post tags (what freeze output carries). */
export function comparePyVersions(a: string, b: string): number {
  const norm = (v: string) => v.toLowerCase().replace(/^v/, "").split(/[.+-]/);
  const pa = norm(a);
  const pb = norm(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "0";
    const y = pb[i] ?? "0";
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function satisfies(version: string, specs: [string, string][]): boolean {
  return specs.every(([op, want]) => {
    if (want.endsWith(".*") && (op === "==" || op === "!=")) {
      const hit = version === want.slice(0, -2) || version.startsWith(want.slice(0, -1));
      return op === "==" ? hit : !hit;
    }
    const c = comparePyVersions(version, want);
    switch (op) {
      case "==":
      case "===":
        return c === 0;
      case "!=":
        return c !== 0;
      case ">=":
        return c >= 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case "<":
        return c < 0;
      default: {
        // ~=X.Y: >= X.Y and == X.*
        const prefix = want.split(".").slice(0, -1).join(".");
        return c >= 0 && (version === prefix || version.startsWith(prefix + "."));
      }
    }
  });
}

/** _is_present over `pip list --format=freeze` lines. */
export function isPresent(req: Requirement, freeze: string[]): boolean {
  return freeze.some((line) => {
    if (!line.includes("==")) return false;
    const [n, v] = line.split("==");
    return req.name !== null && canonicalize(n!) === req.name && satisfies(v!, req.specs);
  });
}

function failText(out: string, err: string): string {
  return (out ? `stdout: ${out}` : "") + (err ? `\n:stderr: ${err}` : "");
}

export const pip: Module<PipArgs> = {
  name: "pip",
  aliases: ["ansible.builtin.pip", "ansible.legacy.pip"],
  args: {
    state: { type: "str", default: "present", choices: ["present", "absent", "latest", "forcereinstall"] },
    name: { type: "list", elements: "str" },
    version: { type: "str" },
    requirements: { type: "str" },
    virtualenv: { type: "path" },
    virtualenv_site_packages: { type: "bool", default: false },
    virtualenv_command: { type: "path", default: "virtualenv" },
    virtualenv_python: { type: "str" },
    extra_args: { type: "str" },
    editable: { type: "bool", default: false },
    chdir: { type: "path" },
    executable: { type: "path" },
    umask: { type: "str" },
  },
  rules: {
    requiredOneOf: [["name", "requirements"]],
    mutuallyExclusive: [
      ["name", "requirements"],
      ["executable", "virtualenv"],
    ],
  },
  checkMode: true,
  run: (a, ctx) => runPip(a, ctx),
};

async function runPip(a: PipArgs, ctx: ModuleContext): Promise<ModuleResult> {
  let env = a.virtualenv ?? null;
  if (env && a.chdir) env = env.startsWith("/") ? env : `${a.chdir.replace(/\/$/, "")}/${env}`;
  let umask: number | null = null;
  if (a.umask) {
    if (!/^[0-7]+$/.test(a.umask))
      throw new ModuleFailure("umask must be an octal integer", {
        details: `invalid literal for int() with base 8: '${a.umask}'`,
      });
    umask = parseInt(a.umask, 8);
  }
  if (a.state === "latest" && a.version != null)
    throw new ModuleArgsError("version is incompatible with state=latest");
  const chdir = a.chdir ?? "/tmp";

  let packages: Requirement[] = [];
  const hasVcs = (a.name ?? []).some((p) => /(svn|git|hg|bzr)\+/.test(p));
  if (a.name?.length) {
    packages = recoverPackageNames(a.name).map((p) => parseRequirement(p));
    if (a.version != null) {
      if (packages.length > 1)
        throw new ModuleArgsError(
          "'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.",
        );
      if (packages[0]!.specs.length)
        throw new ModuleArgsError(
          "The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument.",
        );
      packages[0] = parseRequirement(packages[0]!.text, a.version);
    }
  }
  let extra = a.extra_args ?? "";
  if (a.editable) {
    const list = extra ? extra.split(" ") : [];
    if (!list.includes("-e")) extra = [...list, "-e"].join(" ");
  }
  const tail = [...STATE_ARGS[a.state], ...(extra ? shlexSplit(extra) : [])];
  if (a.name?.length) tail.push(...packages.map((p) => p.text));
  else if (a.requirements) tail.push("-r", a.requirements);

  // One script: create the venv if needed, find pip (its argv becomes "$@"), then list and/or run it.
  const lines = [
    `cd -- ${quote(chdir)} || exit 1`,
    ...(umask !== null ? [`umask ${umask.toString(8).padStart(3, "0")}`] : []),
  ];
  lines.push(`set --`);
  if (env) {
    const e = quote(env);
    const venvCmd = shlexSplit(a.virtualenv_command);
    const viaVenv = ["pyvenv", "-m venv"].some((x) => a.virtualenv_command.includes(x));
    if (viaVenv && a.virtualenv_python)
      throw new ModuleFailure(
        "virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command",
      );
    const opts = [...venvCmd.slice(1), ...(a.virtualenv_site_packages ? ["--system-site-packages"] : [])];
    if (!viaVenv) opts.push(`-p${a.virtualenv_python ?? "/usr/bin/python3"}`);
    const mk = `_ve=$(mktemp); ${capture("mkvenv", `"$_v" ${opts.map(quote).join(" ")} $_ns ${e} 2>"$_ve"`)}; echo "mkvenv.err $(base64 -w0 <"$_ve")"; rm -f -- "$_ve"; [ $_r -eq 0 ] || exit 0`;
    const noSite = a.virtualenv_site_packages
      ? ""
      : `"$_v" --help 2>/dev/null | grep -q -- --no-site-packages && _ns=--no-site-packages; `;
    lines.push(
      `if [ ! -e ${e}/bin/activate ]; then echo "venv 1"; ${
        ctx.check
          ? "exit 0"
          : `_v=$(command -v -- ${quote(venvCmd[0]!)}) || { echo "novenvcmd 1"; exit 0; }; echo "venvbin $(printf '%s' "$_v" | base64 -w0)"; _ns=; ${noSite}${mk}`
      }; fi`,
      `for _p in pip3 pip; do if [ -x ${e}/bin/$_p ]; then set -- ${e}/bin/$_p; break; fi; done`,
      `export PATH=${e}/bin:$PATH`,
    );
  } else if (a.executable) {
    const x = quote(a.executable);
    lines.push(
      a.executable.startsWith("/") ? `set -- ${x}` : `if _p=$(command -v -- ${x}); then set -- "$_p"; fi`,
    );
  } else {
    lines.push(
      `if python3 -c 'import importlib.util,sys; sys.exit(0 if importlib.util.find_spec("pip") else 1)' 2>/dev/null; then set -- "$(command -v python3)" -m pip.__main__; elif _p=$(command -v pip3); then set -- "$_p"; fi`,
    );
  }
  lines.push(
    `[ $# -gt 0 ] || { echo "nopip 1"; exit 0; }`,
    `echo "argv $(printf '%s\\0' "$@" | base64 -w0)"`,
  );
  if (!a.name?.length && !a.requirements) lines.push("exit 0");
  const list = `LANG=C LC_ALL=C LC_MESSAGES=C "$@" list --format=freeze`;
  const checkOnlyChanged = !!(a.extra_args || a.requirements || a.state === "latest" || !a.name?.length);
  const needFreeze = !!a.requirements || hasVcs;
  if (ctx.check) {
    if (!checkOnlyChanged) lines.push(capture("list", `${list} 2>/dev/null || "$@" freeze`));
  } else {
    if (needFreeze) lines.push(capture("before", list));
    lines.push(
      `_pe=$(mktemp); ${capture("pip", `"$@" ${tail.map(quote).join(" ")} 2>"$_pe"`)}; echo "pip.err $(base64 -w0 <"$_pe")"; rm -f -- "$_pe"`,
    );
    if (needFreeze) lines.push(capture("after", list));
  }
  const f = await readFacts(ctx, lines);

  let out = "";
  let err = "";
  const venvCreated = f.has("venv");
  if (venvCreated) {
    if (ctx.check) return { changed: true };
    if (f.has("novenvcmd"))
      throw new ModuleFailure(
        `Failed to find required executable "${shlexSplit(a.virtualenv_command)[0]}" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      );
    out += text(f, "mkvenv");
    err += text(f, "mkvenv.err");
    if (rc(f, "mkvenv") !== 0) {
      const venvCmd = shlexSplit(a.virtualenv_command);
      const cmd = [
        text(f, "venvbin"),
        ...venvCmd.slice(1),
        ...(a.virtualenv_site_packages ? ["--system-site-packages"] : []),
        env!,
      ];
      throw new ModuleFailure(failText(out, err), { cmd });
    }
  }
  if (f.has("nopip")) {
    if (env)
      throw new ModuleFailure(
        `Unable to find pip in the virtualenv, ${env}, under any of these names: pip3, pip. Make sure pip is present in the virtualenv.`,
      );
    throw new ModuleFailure(
      `Unable to find any of ${a.executable && !a.executable.startsWith("/") ? a.executable : "pip3"} to use.  pip needs to be installed.`,
    );
  }
  const pipArgv = text(f, "argv").split("\0").filter(Boolean);
  if (!a.name?.length && !a.requirements)
    return { changed: false, warnings: ["No valid name or requirements file found."] };
  if (ctx.check) {
    if (checkOnlyChanged) return { changed: true };
    const listed = text(f, "list")
      .split("\n")
      .filter((p) => p && !p.startsWith("You are using") && !p.startsWith("You should consider"));
    const changed = packages.some((p) => {
      const present = isPresent(p, listed);
      return (a.state === "present" && !present) || (a.state === "absent" && present);
    });
    return { changed, cmd: `${pipArgv.join(" ")} list --format=freeze`, stdout: text(f, "list"), stderr: "" };
  }
  const cmd = [...pipArgv, ...tail];
  const pipOut = text(f, "pip");
  const pipErr = text(f, "pip.err");
  out += pipOut;
  err += pipErr;
  const code = rc(f, "pip");
  const notInstalled = pipOut.includes("not installed") || pipErr.includes("not installed");
  if (code !== 0 && !(code === 1 && a.state === "absent" && notInstalled))
    throw new ModuleFailure(failText(out, err), { cmd });
  let changed =
    a.state === "absent"
      ? pipOut.includes("Successfully uninstalled")
      : needFreeze
        ? text(f, "before") !== text(f, "after")
        : pipOut.includes("Successfully installed");
  changed = changed || venvCreated;
  return {
    changed,
    cmd,
    name: a.name ?? null,
    version: a.version ?? null,
    state: a.state,
    requirements: a.requirements ?? null,
    virtualenv: env,
    stdout: out,
    stderr: err,
  };
}
