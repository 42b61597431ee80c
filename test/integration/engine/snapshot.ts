/** A comparable picture of managed paths on a lab host: type, mode, owner, group and content of every file. */
import { sshRunIn } from "../lab-helpers.js";

export async function snapshot(labName: string, host: string, paths: string[]): Promise<string> {
  const script = `for p in $(sudo find ${paths.join(" ")} 2>/dev/null | sort); do sudo stat -c '%n %F %a %U %G' "$p"; if sudo test -f "$p"; then sudo sed 's/^/  | /' "$p"; fi; done`;
  const r = await sshRunIn(labName, host, script);
  return r.stdout;
}

/** Replace each host's addresses by a placeholder, so two labs with different addresses compare equal. */
export async function normalizeAddresses(labName: string, hosts: string[], text: string): Promise<string> {
  let out = text;
  for (const h of hosts) {
    const ips = (await sshRunIn(labName, h, "hostname -I")).stdout.trim().split(/\s+/).filter(Boolean);
    for (const ip of ips) out = out.split(ip).join(`<ip of ${h}>`);
  }
  return out;
}
