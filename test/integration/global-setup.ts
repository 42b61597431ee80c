/**
 * Starts the lab hosts every integration test shares (lab "test", beside the demo's lab "lab"). Without a container
 * engine this throws the lab's own message, so every integration test fails loudly instead of being skipped.
 */
import type { TestProject } from "vitest/node";
import { labUp } from "../../src/lab/lab.js";
import { labHome, paths } from "../../src/lab/files.js";

export const TEST_LAB = "test";

export default async function setup(project: TestProject): Promise<void> {
  const state = await labUp({ lab: TEST_LAB, log: (m) => process.stderr.write(`lab: ${m}\n`) });
  const home = labHome(TEST_LAB);
  project.provide("lab", { name: TEST_LAB, home, inventory: paths(home).inventory, state });
}

declare module "vitest" {
  export interface ProvidedContext {
    lab: {
      name: string;
      home: string;
      inventory: string;
      state: import("../../src/lab/files.js").LabState;
    };
  }
}
