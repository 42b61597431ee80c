/**
 * ansible.builtin.apt: packages present/absent/latest/fixed (`name=version` and `name>=version` specs, fnmatch
 * wildcards), the cache update (`update_cache`, only when older than `cache_valid_time`), upgrade, autoremove,
 * autoclean and clean. One command reads everything (the cache time, one dpkg-query for all names, one
 * `apt-cache policy`, the auto-installed marks) and updates the cache first when due; the decision is Ansible's
 * package_status/install/remove; a change is one apt-get run (`--simulate` in check mode, as Ansible).
 * python-apt is not needed on the host: the same facts come from dpkg-query and apt-cache (util/apt-state.ts).
 */
import { ModuleArgsError } from "./args.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import { capture, rc, readFacts, text } from "./util/service-state.js";
import { compareVersions, fnmatch } from "./util/deb-version.js";
import { quote } from "./util/shell.js";
import {
  ENV,
  expandNames,
  packageSplit,
  policyOnlyForMissing,
  readState,
  type PkgFacts,
} from "./util/apt-state.js";

export { packageSplit, type PkgFacts } from "./util/apt-state.js";

export interface AptArgs {
  state: "absent" | "build-dep" | "fixed" | "latest" | "present";
  update_cache?: boolean | null;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
  cache_valid_time: number;
  purge: boolean;
  package?: string[] | null;
  deb?: string | null;
  default_release?: string | null;
  install_recommends?: boolean | null;
  force: boolean;
  upgrade: string;
  dpkg_options: string;
  autoremove: boolean;
  autoclean: boolean;
  fail_on_autoremove: boolean;
  policy_rc_d?: number | null;
  only_upgrade: boolean;
  force_apt_get: boolean;
  clean: boolean;
  allow_unauthenticated: boolean;
  allow_downgrade: boolean;
  allow_change_held_packages: boolean;
  lock_timeout: number;
}

const APT_GET = "/usr/bin/apt-get";

export function expandDpkgOptions(compressed: string): string {
  return compressed
    .split(",")
    .map((o) => `-o "Dpkg::Options::=--${o}"`)
    .join(" ");
}

/** Ansible's package_status: [installed, installed_version matches, version_installable, has_files]. */
export function packageStatus(
  f: PkgFacts,
  name: string,
  cmp: string | null,
  version: string | null,
  state: "install" | "remove",
): [boolean, boolean, string | true | null, boolean] {
  const pol = f.policy.get(name);
  const d = f.dpkg.get(name);
  const known = pol !== undefined && (pol.versions.length > 0 || pol.installed !== null || d !== undefined);
  if (!known) {
    if (state === "install") {
      // A virtual package apt knows (a section without versions): let apt-get pick the provider.
      if (pol !== undefined) return [false, false, true, false];
      throw new ModuleFailure(`No package matching '${name}' is available`);
    }
    return [false, false, null, false];
  }
  const hasFiles = d !== undefined && d.status !== "n";
  const installed = d !== undefined && d.status === "i";
  let best: string | null = pol.candidate;
  if (cmp === "=") best = pol.versions.find((v) => fnmatch(v, version!)) ?? null;
  let versionInstalled = false;
  let installable: string | null = null;
  if (installed) {
    const iv = d.version;
    if (cmp === "=") {
      versionInstalled = fnmatch(iv, version!);
      if (best && iv !== best && fnmatch(best, version!)) installable = best;
    } else if (cmp === ">=") {
      versionInstalled = compareVersions(iv, version!) >= 0;
      if (best && iv !== best && compareVersions(best, version!) >= 0) installable = best;
    } else {
      versionInstalled = true;
      if (best && iv !== best) installable = best;
    }
  } else installable = best;
  return [installed, versionInstalled, installable, hasFiles];
}

const q = (s: string) => (s.includes("'") ? quote(s) : `'${s}'`);

function commonFlags(a: AptArgs, ctx: ModuleContext): string {
  return `-o DPkg::Lock::Timeout=${a.lock_timeout}${ctx.check ? " --simulate" : ""}`;
}

/** Ansible's parse_diff: the part of apt-get's output between "Reading state information..." and "N upgraded". */
export function parseDiff(out: string): { prepared: string } {
  const lines = out.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === "") lines.pop();
  let start = lines.indexOf("Resolving dependencies...");
  if (start < 0) start = lines.indexOf("Reading state information...");
  let end = lines.findIndex((l) => /^[0-9]+ (packages )?upgraded/.test(l));
  if (end < 0) end = lines.length;
  return { prepared: lines.slice(start + 1, end + 1).join("\n") };
}

interface Run {
  rc: number;
  out: string;
  err: string;
}

async function aptRun(ctx: ModuleContext, a: AptArgs, cmd: string, after: string[] = []): Promise<Run> {
  const lines = [ENV];
  // policy_rc_d: a temporary /usr/sbin/policy-rc.d answering with that exit code, the old one restored after.
  if (a.policy_rc_d != null && !ctx.check) {
    lines.push(
      `_p=/usr/sbin/policy-rc.d; _bk=; if [ -e $_p ]; then _bk=$(mktemp -d) && mv -- $_p "$_bk"/; fi`,
      `printf '#!/bin/sh\\nexit %d\\n' ${a.policy_rc_d} > $_p && chmod 0755 $_p`,
    );
  }
  lines.push(
    capture("run", `${cmd} 2>"$_err"`).replace("_o=$(", `_err=$(mktemp); _o=$(`),
    `echo "run.err $(base64 -w0 <"$_err")"; rm -f -- "$_err"`,
  );
  if (a.policy_rc_d != null && !ctx.check)
    lines.push(`rm -f -- $_p; if [ -n "$_bk" ]; then mv -- "$_bk"/policy-rc.d $_p; rmdir -- "$_bk"; fi`);
  lines.push(...after);
  const f = await readFacts(ctx, lines);
  return { rc: rc(f, "run"), out: text(f, "run"), err: text(f, "run.err") };
}

function diffOf(ctx: ModuleContext, out: string): Record<string, unknown> {
  return ctx.diff ? { diff: parseDiff(out) } : {};
}

export const apt: Module<AptArgs> = {
  name: "apt",
  aliases: ["ansible.builtin.apt", "ansible.legacy.apt"],
  args: {
    state: {
      type: "str",
      default: "present",
      choices: ["absent", "build-dep", "fixed", "latest", "present"],
    },
    update_cache: { type: "bool", aliases: ["update-cache"] },
    update_cache_retries: { type: "int", default: 5 },
    update_cache_retry_max_delay: { type: "int", default: 12 },
    cache_valid_time: { type: "int", default: 0 },
    purge: { type: "bool", default: false },
    package: { type: "list", elements: "str", aliases: ["pkg", "name"] },
    deb: { type: "path" },
    default_release: { type: "str", aliases: ["default-release"] },
    install_recommends: { type: "bool", aliases: ["install-recommends"] },
    force: { type: "bool", default: false },
    upgrade: { type: "str", choices: ["dist", "full", "no", "safe", "yes"], default: "no" },
    dpkg_options: { type: "str", default: "force-confdef,force-confold" },
    autoremove: { type: "bool", default: false },
    autoclean: { type: "bool", default: false },
    fail_on_autoremove: { type: "bool", default: false },
    policy_rc_d: { type: "int" },
    only_upgrade: { type: "bool", default: false },
    force_apt_get: { type: "bool", default: false },
    clean: { type: "bool", default: false },
    allow_unauthenticated: { type: "bool", default: false, aliases: ["allow-unauthenticated"] },
    allow_downgrade: {
      type: "bool",
      default: false,
      aliases: ["allow-downgrade", "allow_downgrades", "allow-downgrades"],
    },
    allow_change_held_packages: { type: "bool", default: false },
    lock_timeout: { type: "int", default: 60 },
  },
  rules: {
    // upgrade defaults to "no", so (as in Ansible) it never counts as missing and only clashes when it is not "no".
    mutuallyExclusive: [["deb", "package"]],
  },
  checkMode: true,
  async run(a, ctx) {
    if (a.deb != null && a.upgrade !== "no")
      throw new ModuleArgsError("parameters are mutually exclusive: deb|package|upgrade");
    if (a.package != null && a.upgrade !== "no")
      throw new ModuleArgsError("parameters are mutually exclusive: deb|package|upgrade");
    if (a.deb != null)
      throw new ModuleFailure(
        "infra's apt module does not install .deb files (deb=); copy the file and run `apt-get install ./file.deb` with command",
      );
    return runApt(a, ctx);
  },
};

async function runApt(a: AptArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const dpkgOptions = expandDpkgOptions(a.dpkg_options);
  let cleanOut: [string, string] | undefined;
  if (a.clean) {
    if (ctx.check) cleanOut = ["", ""];
    else {
      const r = await aptRun(ctx, a, "apt-get clean");
      if (r.rc) throw new ModuleFailure("apt-get clean failed", { stdout: r.out, rc: r.rc });
      if (r.err) throw new ModuleFailure(`apt-get clean failed: ${r.err}`, { stdout: r.out, rc: r.rc });
      cleanOut = [r.out, r.err];
    }
    if (!a.package && a.upgrade === "no")
      return { changed: true, msg: cleanOut[0], stdout: cleanOut[0], stderr: cleanOut[1] };
  }
  const raw = a.package ?? [];
  const specs = await expandNames(
    ctx,
    raw.filter((p) => p !== "*").map((p) => p.trim()),
  );
  const allInstalled = raw.includes("*");
  const names = [...new Set(specs.map((s) => packageSplit(s)[0]))];
  const wantUpdate = !!a.update_cache || a.cache_valid_time > 0;
  const st = await readState(ctx, a, names, wantUpdate, policyOnlyForMissing(a, specs));
  const stamp0 = Number(st.f.get("stamp0") ?? 0);
  let cacheUpdated = false;
  let cacheTime = stamp0;
  if (st.f.has("due")) {
    if (!ctx.check) {
      if (rc(st.f, "update") !== 0)
        throw new ModuleFailure(
          `Failed to update apt cache: ${text(st.f, "update").trim() || "unknown reason"}`,
        );
      cacheTime = Number(st.f.get("stamp1") ?? stamp0);
    }
    // Ansible reports cache_updated whenever the update ran, even if apt fetched nothing new (lists unchanged).
    cacheUpdated = true;
  }
  const cache = { cache_updated: cacheUpdated, cache_update_time: cacheTime };
  if (wantUpdate && !raw.length && a.upgrade === "no") return { changed: cacheUpdated, ...cache };

  const useAptGet = a.force_apt_get || !st.f.has("aptitude");
  if (a.upgrade !== "no") return upgrade(ctx, a, a.upgrade, useAptGet, dpkgOptions);
  if (a.state === "latest" && allInstalled) {
    if (specs.length)
      throw new ModuleFailure("unable to install additional packages when upgrading all installed packages");
    return upgrade(ctx, a, "yes", useAptGet, dpkgOptions);
  }
  for (const s of specs)
    if ((s.match(/=/g) ?? []).length > 1) throw new ModuleArgsError(`invalid package spec: ${s}`);
  if (!specs.length) {
    if (a.autoclean) return cleanup(ctx, a, "autoclean", dpkgOptions);
    if (a.autoremove) return cleanup(ctx, a, "autoremove", dpkgOptions);
  }
  if (a.state === "absent") return remove(ctx, a, specs, st.facts, dpkgOptions);
  return { ...(await install(ctx, a, specs, st.facts, st.auto, dpkgOptions)), ...cache };
}

async function install(
  ctx: ModuleContext,
  a: AptArgs,
  specs: string[],
  facts: PkgFacts,
  auto: Set<string>,
  dpkgOptions: string,
): Promise<ModuleResult> {
  const buildDep = a.state === "build-dep";
  const upgradeAll = a.state === "latest";
  const list: string[] = [];
  const names: string[] = [];
  for (const spec of specs) {
    if (buildDep) {
      list.push(q(spec));
      continue;
    }
    const [name, cmp, version] = packageSplit(spec);
    names.push(name);
    const [installed, versionInstalled, installable] = packageStatus(facts, name, cmp, version, "install");
    if (!installed && a.only_upgrade) continue;
    if (!versionInstalled && !installable)
      throw new ModuleFailure(`no available installation candidate for ${spec}`);
    if (installable && ((!installed && !a.only_upgrade) || upgradeAll || !versionInstalled)) {
      list.push(
        installable !== true ? q(`${name}=${installable}`) : version ? q(`${name}=${version}`) : q(name),
      );
    } else if (versionInstalled && installable && cmp === "=") list.push(q(`${name}=${version}`));
  }
  // mark_installed_manually: only worth a command when one of them is marked automatic (or gets installed now).
  const mark = !buildDep && !ctx.check && names.length && (list.length || names.some((n) => auto.has(n)));
  const markCmd = mark ? [capture("mark", `apt-mark manual ${names.map(quote).join(" ")} 2>&1`)] : [];
  if (!list.length) {
    if (mark) await aptRun(ctx, a, ":", markCmd);
    return { changed: false };
  }
  let cmd = [
    APT_GET,
    "-y",
    dpkgOptions,
    a.only_upgrade ? "--only-upgrade" : "",
    a.state === "fixed" ? "--fix-broken" : "",
    a.force ? "--force-yes" : "",
    a.autoremove ? "--auto-remove" : "",
    a.fail_on_autoremove ? "--no-remove" : "",
    commonFlags(a, ctx),
    buildDep ? "build-dep" : "install",
    list.join(" "),
  ].join(" ");
  if (a.default_release) cmd += ` -t ${q(a.default_release)}`;
  if (a.install_recommends === false) cmd += " -o APT::Install-Recommends=no";
  else if (a.install_recommends === true) cmd += " -o APT::Install-Recommends=yes";
  if (a.allow_unauthenticated) cmd += " --allow-unauthenticated";
  if (a.allow_downgrade) cmd += " --allow-downgrades";
  if (a.allow_change_held_packages) cmd += " --allow-change-held-packages";
  const r = await aptRun(ctx, a, cmd, markCmd);
  if (r.rc) throw new ModuleFailure(`'${cmd}' failed: ${r.err}`, { stdout: r.out, stderr: r.err, rc: r.rc });
  const changed = buildDep ? !r.out.includes("\n0 upgraded, 0 newly installed") : true;
  return { changed, stdout: r.out, stderr: r.err, ...diffOf(ctx, r.out) };
}

async function remove(
  ctx: ModuleContext,
  a: AptArgs,
  specs: string[],
  facts: PkgFacts,
  dpkgOptions: string,
): Promise<ModuleResult> {
  const list: string[] = [];
  for (const spec of specs) {
    const [name, cmp, version] = packageSplit(spec);
    const [, versionInstalled, , hasFiles] = packageStatus(facts, name, cmp, version, "remove");
    if (versionInstalled || (hasFiles && a.purge)) list.push(q(spec));
  }
  if (!list.length) return { changed: false };
  const packages = list.join(" ");
  const cmd = [
    APT_GET,
    "-q -y",
    dpkgOptions,
    a.purge ? "--purge" : "",
    a.force ? "--force-yes" : "",
    a.autoremove ? "--auto-remove" : "",
    commonFlags(a, ctx),
    "remove",
    packages,
  ].join(" ");
  const r = await aptRun(ctx, a, cmd);
  if (r.rc)
    throw new ModuleFailure(`'apt-get remove ${packages}' failed: ${r.err}`, {
      stdout: r.out,
      stderr: r.err,
      rc: r.rc,
    });
  return { changed: true, stdout: r.out, stderr: r.err, ...diffOf(ctx, r.out) };
}

async function cleanup(
  ctx: ModuleContext,
  a: AptArgs,
  op: "autoremove" | "autoclean",
  dpkgOptions: string,
): Promise<ModuleResult> {
  const cmd = [
    APT_GET,
    "-y",
    dpkgOptions,
    a.purge ? "--purge" : "",
    a.force ? "--force-yes" : "",
    op,
    commonFlags(a, ctx),
  ].join(" ");
  const r = await aptRun(ctx, a, cmd);
  if (r.rc)
    throw new ModuleFailure(`'apt-get ${op}' failed: ${r.err}`, { stdout: r.out, stderr: r.err, rc: r.rc });
  const marker = op === "autoremove" ? "The following packages will be REMOVED" : "Del ";
  return { changed: r.out.includes(marker), stdout: r.out, stderr: r.err, ...diffOf(ctx, r.out) };
}

async function upgrade(
  ctx: ModuleContext,
  a: AptArgs,
  mode: string,
  useAptGet: boolean,
  dpkgOptions: string,
): Promise<ModuleResult> {
  const autoremove = a.autoremove ? "--auto-remove" : "";
  let tool: string;
  let sub: string;
  if (mode === "dist" || (mode === "full" && useAptGet))
    [tool, sub] = ["apt-get", `dist-upgrade ${autoremove}`];
  else if (mode === "full") [tool, sub] = ["aptitude", "full-upgrade"];
  else if (useAptGet) [tool, sub] = ["apt-get", `upgrade --with-new-pkgs ${autoremove}`];
  else [tool, sub] = ["aptitude", "safe-upgrade"];
  const force = a.force ? (tool === "apt-get" ? "--force-yes" : "--assume-yes --allow-untrusted") : "";
  let cmd = [
    `/usr/bin/${tool}`,
    "-y",
    dpkgOptions,
    force,
    a.fail_on_autoremove ? "--no-remove" : "",
    a.allow_unauthenticated ? "--allow-unauthenticated" : "",
    a.allow_downgrade ? "--allow-downgrades" : "",
    tool === "apt-get" ? commonFlags(a, ctx) : ctx.check ? "--simulate" : "",
    sub,
  ].join(" ");
  if (a.default_release) cmd += ` -t ${q(a.default_release)}`;
  const r = await aptRun(ctx, a, cmd);
  if (r.rc) throw new ModuleFailure(`'${tool} ${sub}' failed: ${r.err}`, { stdout: r.out, rc: r.rc });
  const zero =
    tool === "apt-get" ? "\n0 upgraded, 0 newly installed" : "\n0 packages upgraded, 0 newly installed";
  if (r.out.includes(zero)) return { changed: false, msg: r.out, stdout: r.out, stderr: r.err };
  return { changed: true, msg: r.out, stdout: r.out, stderr: r.err, ...diffOf(ctx, r.out) };
}
