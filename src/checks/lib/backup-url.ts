/** Duplicity target URLs as the course writes them: rsync://user@host/relative (over SSH) or //absolute, file:///. */
export interface BackupUrl {
  url: string;
  scheme: string;
  user?: string;
  host?: string;
  path: string;
}

export const URL_IN_TEXT = /\b(?:rsync|file|sftp|scp|ssh|pexpect\+scp|paramiko\+scp):\/\/[^\s"'`;|&]+/g;

export function parseBackupUrl(url: string): BackupUrl | undefined {
  const m = /^([a-z+]+):\/\/(?:([^@/]+)@)?([^/:]*)(?::\d+)?(?:::)?\/?(.*)$/.exec(url);
  if (!m) return undefined;
  return { url, scheme: m[1]!, user: m[2], host: m[3] || undefined, path: m[4]!.replace(/\/+$/, "") };
}

export function urlsIn(text: string): string[] {
  return [...new Set(text.match(URL_IN_TEXT) ?? [])];
}

/**
 * Shell that prints `target|URL|full` when the target already holds a full duplicity backup, `target|URL|none`
 * when it holds none, `target|URL|unknown` when it cannot be listed. Lists only (rsync --list-only / ls).
 */
export function listTargetsScript(user: string, quote: (s: string) => string): string {
  return [
    `for url in $(cat /etc/cron.d/* 2>/dev/null | grep -o 'rsync://[^[:space:]"]*\\|file://[^[:space:]"]*' | sort -u); do`,
    `  case "$url" in`,
    `    rsync://*) rest=\${url#rsync://}; hp=\${rest%%/*}; p=\${rest#*/}`,
    `      l=$(timeout 20 sudo -H -n -u ${quote(user)} rsync --list-only -e 'ssh -o BatchMode=yes -o ConnectTimeout=5' "$hp:\${p%/}/" 2>/dev/null) || { echo "target|$url|unknown"; continue; } ;;`,
    `    file://*) l=$(ls "\${url#file://}" 2>/dev/null) ;;`,
    `  esac`,
    `  if printf '%s' "$l" | grep -q 'duplicity-full\\.'; then echo "target|$url|full"; else echo "target|$url|none"; fi`,
    `done`,
  ].join("\n");
}
