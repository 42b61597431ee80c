/**
 * Fact gathering in ONE round trip: a POSIX sh script prints `key=value` lines, parsed here into Ansible's fact
 * names (ansible_hostname, ansible_default_ipv4, ansible_distribution…). Ansible ships and runs a Python module for
 * this (the `setup` module, about a second per host); a shell read of /etc/os-release, `ip` and /proc is enough
 * for the facts playbooks use. The script forks as little as it can (about ten processes: `read` from /proc and
 * /sys, parameter expansion, globbing): at fifty hosts sharing a few cores, every process of it counts.
 */
import type { Become, Connection } from "../transport/types.js";
import { parseIdLine } from "../util/id-line.js";
import { factsProgram } from "./facts-python.js";

const SCRIPT = `
LC_ALL=C; export LC_ALL
nl='
'
{ read -r node < /proc/sys/kernel/hostname; } 2>/dev/null || node=$(uname -n)
echo "nodename=$node"
{ read -r v < /proc/sys/kernel/ostype; } 2>/dev/null || v=$(uname -s)
echo "system=$v"
{ read -r v < /proc/sys/kernel/osrelease; } 2>/dev/null || v=$(uname -r)
echo "kernel=$v"
{ read -r v < /proc/sys/kernel/version; } 2>/dev/null || v=$(uname -v)
echo "kernel_version=$v"
echo "machine=$(uname -m)"
fqdn=$(hostname -f 2>/dev/null) || fqdn=$node
echo "fqdn=\${fqdn:-$node}"
ids=$(id)
echo "id=$ids"
uid=\${ids#uid=}; uid=\${uid%%[!0-9]*}
echo "passwd=$(getent passwd "$uid" 2>/dev/null)"
echo "user_dir=$HOME"
awk '/^MemTotal:/ {print "memtotal_kb=" $2} /^MemFree:/ {print "memfree_kb=" $2} /^SwapTotal:/ {print "swaptotal_kb=" $2}
  /^processor[ \t]*:/ {n++} END {print "vcpus=" n}' /proc/meminfo /proc/cpuinfo 2>/dev/null
pid1=; { read -r pid1 < /proc/1/comm; } 2>/dev/null
echo "pid1=$pid1"
# Only consulted when PID 1's name says nothing (init, a shell): then readlink is worth its process.
case "$pid1" in init|*sh|'')
  [ -d /run/systemd/system ] && echo "systemd=1"
  { command -v initctl >/dev/null && [ -d /etc/init ]; } && echo "upstart=1"
  [ -e /sbin/openrc ] && echo "openrc=1"
  case "$(readlink -f /sbin/init 2>/dev/null)" in */systemd) echo "systemd_offline=1";; esac
  [ -d /etc/init.d ] && echo "sysvinit=1";;
esac
for m in apt-get dnf yum apk zypper pacman; do command -v $m >/dev/null 2>&1 && { echo "pkg_mgr=$m"; break; }; done
echo "python=$(command -v python3 2>/dev/null)"
if [ -r /etc/os-release ]; then
  while IFS= read -r l || [ -n "$l" ]; do
    case \${l%%=*} in ''|*[!A-Z_0-9]*) ;; *) case $l in *=*) echo "osr_$l";; esac;; esac
  done < /etc/os-release
fi
{ read -r v < /etc/machine-id && echo "machine_id=$v"; } 2>/dev/null
route=$(ip -4 route show default 2>/dev/null); route=\${route%%"$nl"*}
echo "route=$route"
case $route in *" dev "*) dev=\${route#*" dev "}; dev=\${dev%%" "*}
  echo "defdev=$dev"
  { read -r v < "/sys/class/net/$dev/address" && echo "defmac=$v"; } 2>/dev/null
  { read -r v < "/sys/class/net/$dev/mtu" && echo "defmtu=$v"; } 2>/dev/null;;
esac
addrs=$(ip -4 -o addr show 2>/dev/null)
IFS=$nl; for l in $addrs; do echo "addr=$l"; done; unset IFS
for i in /sys/class/net/*; do [ -e "$i" ] && echo "iface=\${i##*/}"; done
echo "date=$(date +'%s %Z')"
echo "env_begin"
env
`;

export interface RawFacts {
  values: Map<string, string[]>;
  env: Record<string, string>;
}

/** The facts script, for hosts without an operation helper (and to compare with the helper's answer). */
export const FACTS_SCRIPT = SCRIPT;

/** Through the host's operation helper where one runs (facts-python.ts: one program started, not ten). */
export async function gatherFacts(conn: Connection, become?: Become): Promise<Record<string, unknown>> {
  const opts = become ? { become } : {};
  const r = (await conn.python?.(factsProgram(), opts)) ?? (await conn.exec(SCRIPT, opts));
  return parseFacts(r.stdout);
}

function unquote(v: string): string {
  const m = /^"(.*)"$/.exec(v) ?? /^'(.*)'$/.exec(v);
  return m ? m[1]! : v;
}

function cidrToNetmask(bits: number): string {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join(".");
}

function network(address: string, bits: number): string {
  const a = address.split(".").map(Number);
  const mask = cidrToNetmask(bits).split(".").map(Number);
  return a.map((x, i) => x & mask[i]!).join(".");
}

function broadcast(address: string, bits: number): string {
  const a = address.split(".").map(Number);
  const mask = cidrToNetmask(bits).split(".").map(Number);
  return a.map((x, i) => (x & mask[i]!) | (~mask[i]! & 255)).join(".");
}

/** `ip -4 -o addr` line → Ansible's ipv4 dict. */
function ipv4Of(line: string): Record<string, string> | undefined {
  const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\/(\d+)(?:\s+brd\s+([\d.]+))?/.exec(line);
  if (!m) return undefined;
  const [, iface, address, bitsText, brd] = m;
  const bits = Number(bitsText);
  return {
    address: address!,
    broadcast: brd ?? broadcast(address!, bits),
    netmask: cidrToNetmask(bits),
    network: network(address!, bits),
    prefix: String(bits),
    interface: iface!.replace(/@.*/, ""),
  };
}

const FAMILY: Record<string, string> = {
  debian: "Debian",
  ubuntu: "Debian",
  linuxmint: "Debian",
  raspbian: "Debian",
  rhel: "RedHat",
  centos: "RedHat",
  fedora: "RedHat",
  rocky: "RedHat",
  almalinux: "RedHat",
  alpine: "Alpine",
  arch: "Archlinux",
  opensuse: "Suse",
  sles: "Suse",
};

const DISTRIBUTION: Record<string, string> = {
  debian: "Debian",
  ubuntu: "Ubuntu",
  centos: "CentOS",
  rhel: "RedHat",
  fedora: "Fedora",
  rocky: "Rocky",
  almalinux: "AlmaLinux",
  alpine: "Alpine",
  arch: "Archlinux",
};

export function parseFacts(output: string): Record<string, unknown> {
  const [head, envText = ""] = output.split("\nenv_begin\n");
  const v = new Map<string, string[]>();
  for (const line of head!.split("\n")) {
    const i = line.indexOf("=");
    if (i <= 0) continue;
    const k = line.slice(0, i);
    v.set(k, [...(v.get(k) ?? []), line.slice(i + 1)]);
  }
  const one = (k: string) => v.get(k)?.[0] ?? "";
  const env: Record<string, string> = {};
  for (const line of envText.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }

  const osId = unquote(one("osr_ID")).toLowerCase();
  const versionId = unquote(one("osr_VERSION_ID"));
  const distVersion = versionId;
  const addrs = (v.get("addr") ?? []).map(ipv4Of).filter((x): x is Record<string, string> => !!x);
  const defaultAddr = addrs.find((a) => a.interface === one("defdev").replace(/@.*/, ""));
  const route = one("route");
  const gateway = /via ([\d.]+)/.exec(route)?.[1];
  const defaultIpv4 = defaultAddr
    ? {
        ...defaultAddr,
        gateway: gateway ?? "",
        macaddress: one("defmac"),
        mtu: Number(one("defmtu")) || undefined,
        alias: defaultAddr.interface,
        type: "ether",
      }
    : {};
  const allIpv4 = addrs.filter((x) => !x.address.startsWith("127.")).map((x) => x.address);
  const [epoch = "", tz = ""] = one("date").split(" ");
  const iso = epoch ? new Date(Number(epoch) * 1000).toISOString().replace(/\.\d+Z$/, "Z") : "";
  const user = parseIdLine(one("id")) ?? { name: "", uid: NaN, gid: NaN };
  const fqdn = one("fqdn");
  const memKb = Number(one("memtotal_kb")) || 0;
  const pid1 = one("pid1");
  const distribution = DISTRIBUTION[osId] ?? (osId ? osId[0]!.toUpperCase() + osId.slice(1) : "");

  return {
    hostname: one("nodename").split(".")[0],
    nodename: one("nodename"),
    fqdn,
    domain: fqdn.split(".").slice(1).join("."),
    system: one("system"),
    kernel: one("kernel"),
    kernel_version: one("kernel_version"),
    architecture: one("machine"),
    machine: one("machine"),
    user_id: user.name,
    user_uid: user.uid,
    user_gid: user.gid,
    user_dir: one("user_dir"),
    user_shell: one("passwd").split(":")[6] ?? "",
    processor_vcpus: Number(one("vcpus")) || 1,
    processor_count: Number(one("vcpus")) || 1,
    memtotal_mb: Math.floor(memKb / 1024),
    memfree_mb: Math.floor((Number(one("memfree_kb")) || 0) / 1024),
    swaptotal_mb: Math.floor((Number(one("swaptotal_kb")) || 0) / 1024),
    service_mgr: serviceMgr(pid1, (k) => v.has(k)),
    pkg_mgr: one("pkg_mgr") === "apt-get" ? "apt" : one("pkg_mgr"),
    distribution,
    distribution_release: unquote(one("osr_VERSION_CODENAME")),
    distribution_version: distVersion,
    distribution_major_version: distVersion.split(".")[0] ?? "",
    os_family: FAMILY[osId] ?? distribution,
    ...(one("machine_id") ? { machine_id: one("machine_id") } : {}),
    python: { executable: one("python") },
    default_ipv4: defaultIpv4,
    all_ipv4_addresses: allIpv4,
    interfaces: v.get("iface") ?? [],
    env,
    date_time: { iso8601: iso, epoch, tz },
    lsb: { id: distribution, codename: unquote(one("osr_VERSION_CODENAME")), release: distVersion },
  };
}

/**
 * Ansible's ServiceMgrFactCollector on Linux: PID 1's name, unless it is `init` or a shell (not to be trusted);
 * then what the system shows, in Ansible's order. In the lab's containers PID 1 is tini, so that is the answer.
 */
export function serviceMgr(pid1: string | undefined, has: (marker: string) => boolean): string {
  const name = pid1?.trim().split("/").pop();
  if (name && name !== "init" && !name.endsWith("sh")) return name;
  if (has("systemd")) return "systemd";
  if (has("upstart")) return "upstart";
  if (has("openrc")) return "openrc";
  if (has("systemd_offline")) return "systemd";
  if (has("sysvinit")) return "sysvinit";
  return "service";
}
