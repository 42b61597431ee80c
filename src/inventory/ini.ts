/**
 * INI inventories, read the way Ansible 2.14's `ini` plugin reads them: `[group]`, `[group:children]`,
 * `[group:vars]`, host lines `name[:port] [key=value …]` split like a shell, host ranges, `#`/`;` comment lines.
 * Every value (on host lines and in `:vars` sections alike) goes through Python's literal_eval, so `2222` is a
 * number and `[1, 2]` a list. A `:children` entry may name a group defined further down; one never defined is an
 * error, as is a `:vars` section for a group that never appears.
 */
import { ExitCode, InfraError, type SourceLocation } from "../util/errors.js";
import { expandHostPattern, AddressError } from "./host-address.js";
import { GroupCycleError, type Inventory } from "./model.js";
import { iniValue } from "./python-literal.js";
import { shlexSplit, ShlexError } from "./python-shlex.js";

const SECTION_RE = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME_RE = /^([^:\]\s]+)\s*(?:#.*)?$/u;
// Python's str.splitlines() boundaries.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

interface Pending {
  line: number;
  state: "vars" | "children";
  name: string;
  parents: string[];
  column: number;
}

export function parseIniInventory(inventory: Inventory, text: string, file: string): void {
  new IniReader(inventory, file, text.split(LINE_BREAK)).read();
}

class IniReader {
  private lineNo = 0;
  private raw = "";

  constructor(
    private readonly inventory: Inventory,
    private readonly file: string,
    private readonly lines: string[],
  ) {}

  private fail(message: string, hint: string, column?: number): never {
    throw new InfraError(message, {
      location: { file: this.file, line: this.lineNo, column: column ?? this.indent() + 1 },
      excerpt: this.raw,
      hint,
      exitCode: ExitCode.parse,
    });
  }

  private indent(): number {
    return this.raw.length - this.raw.trimStart().length;
  }

  private here(column?: number): SourceLocation {
    return { file: this.file, line: this.lineNo, column: column ?? this.indent() + 1 };
  }

  /** Run an inventory operation; a group cycle or other model error is reported at the current line. */
  private apply<T>(op: () => T, column?: number): T {
    try {
      return op();
    } catch (e) {
      if (e instanceof InfraError) throw e;
      if (e instanceof GroupCycleError)
        this.fail(
          `${e.message} (cycle: ${e.cycle.join(" -> ")})`,
          "A group cannot contain itself, even through other groups: remove one of the :children entries.",
          column,
        );
      this.fail((e as Error).message, "Fix this line of the inventory.", column);
    }
  }

  read(): void {
    const pending = new Map<string, Pending>();
    let groupName = "ungrouped";
    let state = "hosts";
    for (const raw of this.lines) {
      this.lineNo++;
      this.raw = raw;
      const line = raw.trim();
      if (!line || line[0] === "#" || line[0] === ";") continue;

      const m = SECTION_RE.exec(line);
      if (m) {
        groupName = m[1]!;
        state = m[2] ?? "hosts";
        if (!["hosts", "children", "vars"].includes(state)) {
          this.fail(
            `Section [${groupName}:${state}] has unknown type: ${state}`,
            "A section is [group], [group:children] or [group:vars].",
            this.indent() + 2 + groupName.length + 1,
          );
        }
        if (!this.inventory.groups.has(groupName)) {
          if (state === "vars" && !pending.has(groupName))
            pending.set(groupName, {
              line: this.lineNo,
              state,
              name: groupName,
              parents: [],
              column: this.indent() + 1,
            });
          this.inventory.addGroup(groupName, this.here());
        }
        const decl = pending.get(groupName);
        if (decl && state !== "vars") {
          if (decl.state === "children") this.addPendingChildren(groupName, pending);
          else pending.delete(groupName);
        }
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        this.fail(
          `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
          "Write a section header as [name], [name:children] or [name:vars], without spaces.",
        );
      }

      if (state === "hosts") this.hostLine(line, groupName);
      else if (state === "vars") this.varLine(line, groupName);
      else this.childLine(line, groupName, pending);
    }

    for (const decl of pending.values()) {
      this.lineNo = decl.line;
      this.raw = this.lines[decl.line - 1] ?? "";
      if (decl.state === "vars") {
        this.fail(
          `Section [${decl.name}:vars] not valid for undefined group: ${decl.name}`,
          `Define the group with a [${decl.name}] or [${decl.name}:children] section, or list it under another group's :children.`,
          decl.column,
        );
      }
      this.fail(
        `Section [${decl.parents.at(-1)}:children] includes undefined group: ${decl.name}`,
        `Add a [${decl.name}] section (it may be empty) or fix the group name.`,
        decl.column,
      );
    }
  }

  private addPendingChildren(group: string, pending: Map<string, Pending>): void {
    for (const parent of pending.get(group)!.parents) {
      this.apply(() => this.inventory.addChild(parent, group));
      if (pending.get(parent)?.state === "children") this.addPendingChildren(parent, pending);
    }
    pending.delete(group);
  }

  private hostLine(line: string, groupName: string): void {
    let tokens: string[];
    try {
      tokens = shlexSplit(line);
    } catch (e) {
      if (!(e instanceof ShlexError)) throw e;
      this.fail(`Error parsing host definition '${line}': ${e.message}`, "Close every quote on the line.");
    }
    if (tokens.length === 0) return;
    const pattern = tokens[0]!;
    let expanded: { hosts: string[]; port?: number };
    try {
      expanded = expandHostPattern(pattern);
    } catch (e) {
      if (!(e instanceof AddressError)) throw e;
      this.fail(e.message, "A host range looks like web[01:10], db-[a:f] or node[1:10:2].");
    }
    if (pattern.trim().endsWith(":") && expanded.port === undefined) {
      this.fail(
        `Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`,
        "Write host:PORT with a number, or drop the ':'.",
      );
    }
    if (expanded.hosts.some((h) => h.trim() === "---")) {
      this.fail(
        `Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`,
        "Give a YAML inventory a .yml or .yaml extension.",
      );
    }
    const vars: [string, unknown][] = [];
    for (const t of tokens.slice(1)) {
      const eq = t.indexOf("=");
      if (eq < 0) {
        this.fail(
          `Expected key=value host variable assignment, got: ${t}`,
          "Host variables are written key=value; quote values that contain spaces: key='a b'.",
          this.columnOf(t),
        );
      }
      vars.push([t.slice(0, eq), iniValue(t.slice(eq + 1))]);
    }
    for (const name of expanded.hosts) {
      if (!name) this.fail("Invalid empty host name provided", "Write a host name at the start of the line.");
      this.apply(() => {
        this.inventory.addHost(name, groupName, expanded.port, this.here());
        // Through the inventory like Ansible: a group with the same name as the host would take these vars.
        for (const [k, v] of vars) this.inventory.setVariable(name, k, v);
      });
    }
  }

  private varLine(line: string, groupName: string): void {
    const eq = line.indexOf("=");
    if (eq < 0) {
      this.fail(`Expected key=value, got: ${line}`, `Lines in [${groupName}:vars] are key=value.`);
    }
    const key = line.slice(0, eq).trim();
    const value = iniValue(line.slice(eq + 1).trim());
    this.apply(() => this.inventory.setVariable(groupName, key, value));
  }

  private childLine(line: string, groupName: string, pending: Map<string, Pending>): void {
    const m = GROUP_NAME_RE.exec(line);
    if (!m)
      this.fail(
        `Expected group name, got: ${line}`,
        `Lines in [${groupName}:children] are group names, one per line.`,
      );
    const child = m[1]!;
    if (!this.inventory.groups.has(child)) {
      const decl = pending.get(child);
      if (decl) decl.parents.push(groupName);
      else
        pending.set(child, {
          line: this.lineNo,
          state: "children",
          name: child,
          parents: [groupName],
          column: this.indent() + 1,
        });
    } else {
      this.apply(() => this.inventory.addChild(groupName, child));
    }
  }

  private columnOf(token: string): number {
    const i = this.raw.indexOf(token.split("=")[0]!);
    return i >= 0 ? i + 1 : this.indent() + 1;
  }
}
