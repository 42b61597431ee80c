/** Reading duplicity's `collection-status` text and the file names a target holds. */
export interface BackupSet {
  type: "full" | "incremental";
  time: Date;
}

export interface CollectionStatus {
  primaryChain: boolean;
  sets: BackupSet[];
  lastFull?: Date;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Sun Nov 22 02:28:27 2026" as duplicity prints it in the host's zone (UTC on course hosts). */
export function parseDuplicityTime(text: string): Date | undefined {
  const m = /(\w{3})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)\s+(\d{4})/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

export function parseCollectionStatus(text: string): CollectionStatus {
  const sets: BackupSet[] = [];
  let primary = false;
  let inPrimary = false;
  for (const line of text.split("\n")) {
    if (/^Found primary backup chain/.test(line)) primary = inPrimary = true;
    else if (/^(Found \d+ secondary|Also found|No orphaned)/.test(line)) inPrimary = false;
    const m = /^\s*(Full|Incremental)\s+(\w{3} \w{3}\s+\d{1,2} \d\d:\d\d:\d\d \d{4})\s+\d+\s*$/.exec(line);
    if (m && inPrimary) {
      const time = parseDuplicityTime(m[2]!.slice(4));
      if (time) sets.push({ type: m[1] === "Full" ? "full" : "incremental", time });
    }
  }
  const lastFull = parseDuplicityTime(/^Last full backup date: (.*)$/m.exec(text)?.[1]?.slice(4) ?? "");
  return { primaryChain: primary && sets.length > 0, sets, lastFull };
}

const STAMP = /(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/;

function stampDate(s: string): Date {
  const m = STAMP.exec(s)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** Backup sets by their manifest names (`duplicity-full.T.manifest`, `duplicity-inc.A.to.B.manifest`), oldest first. */
export function setsFromFileNames(names: string[]): BackupSet[] {
  const sets: BackupSet[] = [];
  for (const n of names) {
    const full = /duplicity-full\.(\d{8}T\d{6}Z)\.manifest/.exec(n);
    const inc = /duplicity-inc\.\d{8}T\d{6}Z\.to\.(\d{8}T\d{6}Z)\.manifest/.exec(n);
    if (full) sets.push({ type: "full", time: stampDate(full[1]!) });
    else if (inc) sets.push({ type: "incremental", time: stampDate(inc[1]!) });
  }
  return sets.sort((a, b) => a.time.getTime() - b.time.getTime());
}
