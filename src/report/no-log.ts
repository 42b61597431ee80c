/**
 * What a `no_log: true` result becomes before anyone prints it (Ansible's TaskResult.clean_copy): only Ansible's
 * "censored" notice and the keys that say what happened (changed, attempts, retries) are kept.
 */
export const NO_LOG_MESSAGE =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

const PRESERVED = ["attempts", "changed", "retries"] as const;

export function censorNoLog(result: Record<string, unknown>): Record<string, unknown> {
  const censored: Record<string, unknown> = { censored: NO_LOG_MESSAGE };
  for (const key of PRESERVED) if (key in result) censored[key] = result[key];
  return censored;
}
