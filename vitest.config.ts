import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/integration/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    // Integration tests share one set of lab hosts; files run one at a time so they don't fight over them.
    fileParallelism: false,
  },
});
