/**
 * What the apt module reads from a host before it decides: the cache's age (updating it first when due), then for
 * the named packages dpkg's state, apt's version table and the auto-installed marks, all in one command. Package
 * wildcards are expanded against `apt-cache pkgnames` first. The decision itself (Ansible's package_status and
 * install/remove) stays in apt.ts.
 */
import type { AptArgs } from "../apt.js";
import type { ModuleContext } from "../types.js";
import { ModuleFailure } from "./failure.js";
import { capture, parseFacts, readFacts, text, type Facts } from "./service-state.js";
import { aptStateProgram } from "./apt-state-python.js";
import { fnmatch, parsePolicy, type Policy } from "./deb-version.js";
import { quote } from "./shell.js";

export const ENV =
  "export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C";
const STAMP = `{ stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0; }`;
const WILD = /[*?[\]!]/;

/** Ansible's package_split: name, then `=` or `>=` and the version. */
export function packageSplit(spec: string): [string, string | null, string | null] {
  const m = /^(.*?)(>?=)(.*)$/s.exec(spec);
  return m ? [m[1]!, m[2]!, m[3]!] : [spec, null, null];
}

/** One package's dpkg state: the second letter of db:Status-Abbrev ('i' installed, 'c' config files left…). */
export interface Dpkg {
  status: string;
  version: string;
}

export interface PkgFacts {
  dpkg: Map<string, Dpkg>;
  policy: Map<string, Policy>;
}

/**
 * True when the version table cannot change the decision: `present` without versions, where a package that dpkg
 * reports installed is left as it is whatever its candidate (Ansible's install() only appends it for `latest`,
 * a version spec, or when it is missing). Then `apt-cache policy`, which loads the whole cache (~11 ms of host
 * CPU), runs only if one of them is not installed.
 */
export function policyOnlyForMissing(a: AptArgs, specs: string[]): boolean {
  return a.state === "present" && !a.only_upgrade && specs.every((s) => packageSplit(s)[1] === null);
}

/** dpkg-query's lines "name<TAB>status<TAB>version" include one whose status (3 letters) is not "?i?". */
const SOME_NOT_INSTALLED = `*"	"?[!i]?"	"*`;

/** The shell script that reads the state (and updates the cache when due, unless in check mode). */
export function aptStateScript(
  a: Pick<
    AptArgs,
    "cache_valid_time" | "update_cache_retries" | "update_cache_retry_max_delay" | "lock_timeout"
  >,
  names: string[],
  wantUpdate: boolean,
  check: boolean,
  policyIfMissing: boolean,
): string[] {
  const n = names.map(quote).join(" ");
  const lines = [
    ENV,
    `command -v apt-get >/dev/null || { echo "noapt 1"; exit 0; }`,
    `command -v aptitude >/dev/null && echo "aptitude 1"`,
    `_s=$(${STAMP}); echo "stamp0 $_s"`,
  ];
  if (wantUpdate) {
    lines.push(`if [ $((_s + ${a.cache_valid_time})) -lt $(date +%s) ]; then echo "due 1"; fi`);
    if (!check) {
      // Retries with exponential backoff (capped), as Ansible's cache update loop.
      const delays = Array.from({ length: Math.max(0, a.update_cache_retries - 1) }, (_, i) =>
        Math.min(2 ** i, a.update_cache_retry_max_delay),
      );
      lines.push(
        `if [ $((_s + ${a.cache_valid_time})) -lt $(date +%s) ]; then for _d in ${delays.join(" ")} 0; do ${capture("update", `apt-get update -q -o DPkg::Lock::Timeout=${a.lock_timeout} 2>&1`)}; if [ $_r -eq 0 ]; then break; fi; sleep $_d; done; echo "stamp1 $(${STAMP})"; fi`,
      );
    }
  }
  if (names.length) {
    lines.push(
      capture("dpkg", `dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' ${n}`),
    );
    const policy = capture("policy", `apt-cache policy ${n}`);
    if (!policyIfMissing) lines.push(policy);
    else
      lines.push(
        // $_r and $_o are still dpkg-query's, as the capture just above left them.
        `if [ $_r -eq 0 ] && case "\${_o%x}" in ${SOME_NOT_INSTALLED}) false;; esac; then echo "policy.skipped 1"; else ${policy}; fi`,
      );
    lines.push(capture("auto", `apt-mark showauto ${n}`));
  }
  return lines;
}

/**
 * The facts the decision needs: from the Python twin where it can answer (a present-state read of names without
 * an architecture, the usual no-change case), else from the shell script.
 */
async function readAptFacts(
  ctx: ModuleContext,
  a: AptArgs,
  names: string[],
  wantUpdate: boolean,
  policyIfMissing: boolean,
): Promise<Facts> {
  if ((policyIfMissing || !names.length) && names.every((x) => !x.includes(":"))) {
    const q = { names, wantUpdate, cacheValidTime: a.cache_valid_time, check: !!ctx.check };
    const r = await ctx.conn.python?.(aptStateProgram(q), { become: ctx.become });
    const f = r?.rc === 0 ? parseFacts(r.stdout) : undefined;
    if (f && !f.has("fallback")) return f;
  }
  return readFacts(ctx, aptStateScript(a, names, wantUpdate, !!ctx.check, policyIfMissing));
}

export async function readState(
  ctx: ModuleContext,
  a: AptArgs,
  names: string[],
  wantUpdate: boolean,
  policyIfMissing = false,
) {
  const f = await readAptFacts(ctx, a, names, wantUpdate, policyIfMissing);
  if (f.has("noapt"))
    throw new ModuleFailure(
      `Failed to find required executable "apt-get" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    );
  const dpkg = new Map<string, Dpkg>();
  for (const line of text(f, "dpkg").split("\n")) {
    const [pkg, abbrev, version] = line.split("\t");
    if (pkg && abbrev) dpkg.set(pkg, { status: abbrev[1] ?? "n", version: version ?? "" });
  }
  // Skipped only when every name is installed: each then stands in the version table with its installed version.
  const policy = f.has("policy.skipped")
    ? new Map(
        [...dpkg].map(([pkg, d]) => [
          pkg,
          { installed: d.version, candidate: d.version, versions: [d.version] },
        ]),
      )
    : parsePolicy(text(f, "policy"));
  return {
    f,
    facts: { dpkg, policy } as PkgFacts,
    auto: new Set(text(f, "auto").split("\n").filter(Boolean)),
  };
}

export async function expandNames(ctx: ModuleContext, specs: string[]): Promise<string[]> {
  if (!specs.some((s) => WILD.test(packageSplit(s)[0]))) return specs;
  const f = await readFacts(ctx, [ENV, capture("names", "apt-cache pkgnames")]);
  const all = text(f, "names").split("\n").filter(Boolean).sort();
  const out: string[] = [];
  for (const spec of specs) {
    const [pattern] = packageSplit(spec);
    if (!WILD.test(pattern)) {
      out.push(spec);
      continue;
    }
    const pool = pattern.includes(":") ? all : all.filter((x) => !x.includes(":"));
    const matches = pool.filter((x) => fnmatch(x, pattern));
    if (!matches.length) throw new ModuleFailure(`No package(s) matching '${pattern}' available`);
    out.push(...matches);
  }
  return out;
}
