/**
 * Fact gathering in ONE round trip: a POSIX sh script prints `key=value` lines, parsed here into Ansible's fact
 * names (ansible_hostname, ansible_default_ipv4, ansible_distribution…). Ansible ships and runs a Python module for
 * this (the `setup` module, about a second per host); a shell read of /etc/os-release, `ip` and /proc is enough
 * for the facts playbooks use.
 */
import type { Become, Connection } from "../transport/types.js";

const SCRIPT = String.raw`
LC_ALL=C; export LC_ALL
echo "hostname=$(hostname -s 2>/dev/null || hostname)"
echo "nodename=$(uname -n)"
echo "fqdn=$(hostname -f 2>/dev/null || hostname)"
echo "domain=$(hostname -d 2>/dev/null)"
echo "system=$(uname -s)"
echo "kernel=$(uname -r)"
echo "kernel_version=$(uname -v)"
echo "machine=$(uname -m)"
echo "user_id=$(id -un)"
echo "user_uid=$(id -u)"
echo "user_gid=$(id -g)"
echo "user_dir=$HOME"
echo "user_shell=$(getent passwd "$(id -un)" | cut -d: -f7)"
echo "vcpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
awk '/^MemTotal:/ {print "memtotal_kb=" $2} /^MemFree:/ {print "memfree_kb=" $2} /^SwapTotal:/ {print "swaptotal_kb=" $2}' /proc/meminfo
echo "pid1=$(cat /proc/1/comm 2>/dev/null)"
[ -d /run/systemd/system ] && echo "systemd=1"
{ command -v initctl >/dev/null && [ -d /etc/init ]; } && echo "upstart=1"
[ -e /sbin/openrc ] && echo "openrc=1"
case "$(readlink -f /sbin/init 2>/dev/null)" in */systemd) echo "systemd_offline=1";; esac
[ -d /etc/init.d ] && echo "sysvinit=1"
for m in apt-get dnf yum apk zypper pacman; do command -v $m >/dev/null 2>&1 && { echo "pkg_mgr=$m"; break; }; done
echo "python=$(command -v python3 2>/dev/null)"
[ -r /etc/os-release ] && sed -n 's/^\([A-Z_]*\)=\(.*\)$/osr_\1=\2/p' /etc/os-release
[ -r /etc/machine-id ] && echo "machine_id=$(cat /etc/machine-id)"
route=$(ip -4 route show default 2>/dev/null | head -n1)
echo "route=$route"
dev=$(echo "$route" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
[ -n "$dev" ] && ip -4 -o addr show dev "$dev" 2>/dev/null | head -n1 | sed 's/^/defaddr=/'
[ -n "$dev" ] && echo "defmac=$(cat /sys/class/net/$dev/address 2>/dev/null)"
[ -n "$dev" ] && echo "defmtu=$(cat /sys/class/net/$dev/mtu 2>/dev/null)"
ip -4 -o addr show 2>/dev/null | sed 's/^/addr=/'
ls /sys/class/net 2>/dev/null | sed 's/^/iface=/'
echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ) $(date +%s) $(date +%Z)"
echo "env_begin"
env
`;

export interface RawFacts {
  values: Map<string, string[]>;
  env: Record<string, string>;
}

export async function gatherFacts(conn: Connection, become?: Become): Promise<Record<string, unknown>> {
  const r = await conn.exec(SCRIPT, become ? { become } : {});
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
  const defaultAddr = ipv4Of(one("defaddr"));
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
  const allIpv4 = (v.get("addr") ?? [])
    .map(ipv4Of)
    .filter((x): x is Record<string, string> => !!x && !x.address.startsWith("127."))
    .map((x) => x.address);
  const [iso = "", epoch = "", tz = ""] = one("date").split(" ");
  const memKb = Number(one("memtotal_kb")) || 0;
  const pid1 = one("pid1");
  const distribution = DISTRIBUTION[osId] ?? (osId ? osId[0]!.toUpperCase() + osId.slice(1) : "");

  return {
    hostname: one("hostname"),
    nodename: one("nodename"),
    fqdn: one("fqdn"),
    domain: one("domain"),
    system: one("system"),
    kernel: one("kernel"),
    kernel_version: one("kernel_version"),
    architecture: one("machine"),
    machine: one("machine"),
    user_id: one("user_id"),
    user_uid: Number(one("user_uid")),
    user_gid: Number(one("user_gid")),
    user_dir: one("user_dir"),
    user_shell: one("user_shell"),
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
