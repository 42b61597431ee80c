/**
 * `--check`: is the committed document what the repository would render now? A difference is shown as a unified
 * diff from the committed file to the rendered one, so the reader sees what re-rendering would change.
 */
import { existsSync, readFileSync } from "node:fs";
import { createTwoFilesPatch } from "diff";

export interface Staleness {
  upToDate: boolean;
  /** Empty when up to date. */
  diff: string;
  missing: boolean;
}

export function compareDocument(file: string, label: string, rendered: string): Staleness {
  if (!existsSync(file)) return { upToDate: false, diff: "", missing: true };
  const committed = readFileSync(file, "utf8");
  if (committed === rendered) return { upToDate: true, diff: "", missing: false };
  const diff = createTwoFilesPatch(
    `${label} (committed)`,
    `${label} (rendered)`,
    committed,
    rendered,
    "",
    "",
    {
      context: 3,
    },
  );
  return { upToDate: false, diff, missing: false };
}
