/**
 * pip's change path on a host that has python3-venv (installed here with apt, as a role would): a local wheel
 * index stands in for PyPI, which lab hosts cannot reach. Each step runs with Debian's ansible on one virtualenv and
 * with infra on a twin, and both must agree on `changed` and on what is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansibleBatch } from "./ansible-batch.js";
import { connect, run, sh } from "./helpers.js";

const HOST = "backup";
const WHEELS = "/tmp/infra-pip-wheels";
const B = { become: true };
let conn: SshConnection;

/** A minimal wheel made on the host with Python's zipfile (no build tools, no network). */
const MAKE_WHEEL = `python3 - <<'PY'
import zipfile, os
os.makedirs("${WHEELS}", exist_ok=True)
name, ver = "infra_t_pkg", "1.0"
di = f"{name}-{ver}.dist-info"
files = {
  f"{name}/__init__.py": "VALUE = 1\\n",
  f"{di}/METADATA": f"Metadata-Version: 2.1\\nName: infra-t-pkg\\nVersion: {ver}\\n",
  f"{di}/WHEEL": "Wheel-Version: 1.0\\nGenerator: infra-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
files[f"{di}/RECORD"] = "".join(f"{p},,\\n" for p in files) + f"{di}/RECORD,,\\n"
with zipfile.ZipFile(f"${WHEELS}/{name}-{ver}-py3-none-any.whl", "w") as z:
  for p, text in files.items():
    z.writestr(p, text)
PY`;

const venv = (who: string) => `/tmp/infra-pip-${who}`;
const pkgArgs = (who: string, extra: Record<string, unknown> = {}) => ({
  name: "infra-t-pkg",
  virtualenv: venv(who),
  virtualenv_command: "python3 -m venv",
  extra_args: `--no-index --find-links ${WHEELS}`,
  ...extra,
});
const installed = async (who: string) =>
  (await sh(HOST, `${venv(who)}/bin/pip list --format=freeze 2>/dev/null | grep -i infra || true`)).trim();

describe("pip with a virtualenv", () => {
  beforeAll(async () => {
    await sh(
      HOST,
      "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null",
    );
    await sh(HOST, `rm -rf ${WHEELS} /tmp/infra-pip-a /tmp/infra-pip-b && ${MAKE_WHEEL}`);
    conn = await connect(HOST);
  }, 600_000);
  afterAll(async () => {
    await sh(HOST, `rm -rf ${WHEELS} /tmp/infra-pip-a /tmp/infra-pip-b`);
    await conn.close();
  });

  it(
    "installs, then has nothing to do, predicts a removal in check mode, removes, as ansible does",
    { timeout: 600_000 },
    async () => {
      const steps: { args: Record<string, unknown>; check?: boolean }[] = [
        { args: {} },
        { args: {} },
        { args: { state: "absent" }, check: true },
        { args: { state: "absent" } },
        { args: { state: "absent" } },
      ];
      for (const [i, step] of steps.entries()) {
        const [theirs] = await ansibleBatch(HOST, [{ module: "pip", args: pkgArgs("a", step.args) }], {
          check: step.check,
        });
        const ours = await run("pip", pkgArgs("b", step.args), conn, { ...B, check: step.check });
        expect({ i, changed: ours.changed, failed: ours.failed ?? false }).toEqual({
          i,
          changed: theirs!.changed,
          failed: theirs!.failed ?? false,
        });
        expect(await installed("b"), `step ${i}`).toBe(await installed("a"));
      }
    },
  );

  it("a bad state is refused with Ansible's message", async () => {
    const r = await run("pip", pkgArgs("b", { state: "installed" }), conn, B);
    expect(r.failed).toBe(true);
    expect(r.msg).toMatch(/^value of state must be one of: present, absent, .*got: installed$/);
  });
});
