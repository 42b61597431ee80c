import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: ".infra/test-report.json" }]]
      : ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // One set of lab hosts per run, started here; files run one at a time so they don't fight over them.
          globalSetup: ["test/integration/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
