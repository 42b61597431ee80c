/**
 * The benchmark's own lab hosts (never the test suites' labs). "Fresh" means new containers: the converge
 * scenario removes and recreates them before every timed run, outside the timing.
 */
import { labDown, labUp } from "../../dist/lab/lab.js";
import { labHome, paths } from "../../dist/lab/files.js";

export function inventoryOf(lab, cwd) {
  return paths(labHome(lab, cwd)).inventory;
}

export async function ensureLab(lab, hosts, cwd) {
  await labUp({ lab, hosts, cwd });
  return inventoryOf(lab, cwd);
}

export async function freshLab(lab, hosts, cwd) {
  await labDown({ lab, cwd });
  return ensureLab(lab, hosts, cwd);
}

export async function removeLab(lab, cwd) {
  await labDown({ lab, cwd });
}
