/**
 * The lab host image: Debian 12 with OpenSSH, MariaDB, InfluxDB 1.x, duplicity, cron and rsync. One recipe
 * (lab/image/packages.txt + lab/image/rootfs), two builders: `lab/Containerfile` where the engine can pull
 * debian:bookworm, otherwise mmdebstrap + import (no registry needed). The tag is a hash of the recipe, so the
 * image is built once and rebuilt only when the recipe changes.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { InfraError } from "../util/errors.js";
import { onPath, run } from "../util/exec.js";
import { lastLines, type Engine } from "./engine.js";

export const labDir = fileURLToPath(new URL("../../lab/", import.meta.url));
const ENTRYPOINT = '["/usr/bin/tini","--","/usr/local/sbin/lab-init"]';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** Image tag derived from every file of the recipe (names, contents and exec bits). */
export function imageTag(): string {
  const h = createHash("sha256");
  for (const f of filesUnder(labDir)) {
    h.update(relative(labDir, f))
      .update("\0")
      .update(String(statSync(f).mode & 0o111))
      .update("\0");
    h.update(readFileSync(f)).update("\0");
  }
  return `localhost/infra-lab:${h.digest("hex").slice(0, 12)}`;
}

export function packageList(): string[] {
  return readFileSync(join(labDir, "image/packages.txt"), "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
}

export async function ensureImage(engine: Engine, log: (msg: string) => void): Promise<string> {
  const tag = imageTag();
  if ((await engine.exec(["image", "inspect", tag])).code === 0) return tag;
  await buildImage(engine, tag, await chooseBuilder(engine), log);
  return tag;
}

export async function buildImage(
  engine: Engine,
  tag: string,
  builder: "containerfile" | "mmdebstrap",
  log: (msg: string) => void,
): Promise<void> {
  log(`building lab image ${tag} with ${builder} (once; about a minute)`);
  if (builder === "containerfile") await buildWithContainerfile(engine, tag);
  else await buildWithMmdebstrap(engine, tag, log);
  log(`lab image ${tag} ready`);
}

async function chooseBuilder(engine: Engine): Promise<"containerfile" | "mmdebstrap"> {
  const forced = process.env.INFRA_LAB_BUILDER;
  if (forced === "containerfile" || forced === "mmdebstrap") return forced;
  // Pulling from a registry that is not reachable hangs rather than fails, so only use the Containerfile when the
  // base image is already here or when there is no other way.
  if ((await engine.exec(["image", "inspect", "debian:bookworm"])).code === 0) return "containerfile";
  return (await onPath("mmdebstrap")) ? "mmdebstrap" : "containerfile";
}

async function buildWithContainerfile(engine: Engine, tag: string): Promise<void> {
  const r = await engine.exec(["build", "-t", tag, "-f", join(labDir, "Containerfile"), labDir]);
  if (r.code !== 0) {
    throw new InfraError(`building the lab image from lab/Containerfile failed (exit ${r.code})`, {
      hint: `Last output of the failing step:\n${lastLines(r.stdout + r.stderr, 20)}`,
    });
  }
}

function mirrors(): string[] {
  const main = process.env.INFRA_LAB_MIRROR ?? "http://deb.debian.org/debian";
  const security = process.env.INFRA_LAB_SECURITY_MIRROR ?? main.replace(/\/debian\/?$/, "/debian-security");
  return [
    `deb ${main} bookworm main`,
    `deb ${main} bookworm-updates main`,
    `deb ${security} bookworm-security main`,
  ];
}

async function buildWithMmdebstrap(engine: Engine, tag: string, log: (msg: string) => void): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "infra-lab-image-"));
  const tar = join(work, "rootfs.tar");
  try {
    const args = [
      "--variant=apt",
      `--mode=${process.getuid?.() === 0 ? "root" : "unshare"}`,
      `--include=${packageList().join(",")}`,
      `--customize-hook=copy-in ${join(labDir, "image/rootfs/usr")} /`,
      '--customize-hook=chroot "$1" /usr/local/lib/infra-lab/customize.sh',
      "bookworm",
      tar,
      ...mirrors(),
    ];
    let lastStep = "";
    const r = await run("mmdebstrap", args, {
      onStderr: (chunk) => {
        const step = chunk.split("\n").findLast((l) => l.startsWith("I: "));
        if (step) lastStep = step.slice(3);
      },
    });
    if (r.code !== 0) {
      throw new InfraError(`building the lab image with mmdebstrap failed at step "${lastStep || "start"}"`, {
        hint: `mmdebstrap said:\n${lastLines(r.stderr, 20)}`,
      });
    }
    log("importing the lab image");
    const imp = await engine.exec(["import", "--change", `ENTRYPOINT ${ENTRYPOINT}`, tar, tag]);
    if (imp.code !== 0) {
      throw new InfraError(`importing the lab image failed (exit ${imp.code})`, {
        hint: lastLines(imp.stderr, 10),
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
