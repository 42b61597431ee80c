/**
 * The inventory as Ansible holds it (`ansible/inventory/{data,group,host}.py`): hosts and groups in the order they
 * were first seen, groups with children, parents and a depth, the built-in `all` and `ungrouped`, and the implicit
 * `localhost` that exists only when a play names it. Parsers fill it through the same few operations Ansible's
 * plugins use, so relationships, depths and orders come out the same.
 */
import type { SourceLocation } from "../util/errors.js";

export type Vars = Record<string, unknown>;

/** Names that mean the control machine itself. */
export const LOCALHOST_NAMES = ["127.0.0.1", "localhost", "::1"];

/** The interpreter Ansible gives the implicit localhost (its own Python; Debian's is this one). */
const IMPLICIT_LOCALHOST_PYTHON = "/usr/bin/python3";

export class Host {
  readonly vars: Vars = {};
  /** Groups the host is in, directly or through a child group, including `all` once the inventory is reconciled. */
  readonly groups: Group[] = [];
  /** The localhost that a pattern conjured up without any inventory naming it. */
  implicit = false;
  location?: SourceLocation;

  constructor(
    readonly name: string,
    port?: number,
  ) {
    if (port) this.vars.ansible_port = port;
  }

  setVariable(key: string, value: unknown): void {
    this.vars[key] = value;
  }

  addGroup(group: Group): void {
    for (const ancestor of group.ancestors()) if (!this.groups.includes(ancestor)) this.groups.push(ancestor);
    if (!this.groups.includes(group)) this.groups.push(group);
  }

  removeGroup(group: Group): void {
    const i = this.groups.indexOf(group);
    if (i < 0) return;
    this.groups.splice(i, 1);
    // Drop ancestors that no remaining group still leads to (except `all`).
    for (const old of group.ancestors()) {
      if (old.name === "all") continue;
      if (!this.groups.some((g) => g.ancestors().has(old))) this.removeGroup(old);
    }
  }

  /** `group_names`: every group of the host except `all`, sorted (so `ungrouped` shows for ungrouped hosts). */
  groupNames(): string[] {
    return this.groups
      .filter((g) => g.name !== "all")
      .map((g) => g.name)
      .sort(pySort);
  }
}

export class Group {
  readonly vars: Vars = {};
  readonly hosts: Host[] = [];
  readonly children: Group[] = [];
  readonly parents: Group[] = [];
  depth = 0;
  /** `ansible_group_priority`: breaks ties between groups of the same depth when merging their vars. */
  priority = 1;
  location?: SourceLocation;

  constructor(readonly name: string) {}

  /** Every group above this one (parents, their parents, …). */
  ancestors(): Set<Group> {
    return walk(this, (g) => g.parents);
  }

  /** This group and every group below it, breadth first in the order children were added. */
  descendantsInOrder(): Group[] {
    const ordered: Group[] = [this, ...this.children];
    const seen = new Set<Group>([this, ...this.children]);
    let frontier: Group[] = [...this.children];
    while (frontier.length) {
      const next: Group[] = [];
      for (const g of frontier)
        for (const child of g.children) {
          if (seen.has(child)) continue;
          seen.add(child);
          ordered.push(child);
          next.push(child);
        }
      frontier = next;
    }
    return ordered;
  }

  /** Hosts of this group and of all its descendants, each once, in the order Ansible lists them. */
  allHosts(): Host[] {
    const out: Host[] = [];
    const seen = new Set<Host>();
    for (const g of this.descendantsInOrder())
      for (const h of g.hosts) {
        if (seen.has(h)) continue;
        seen.add(h);
        if (this.name === "all" && h.implicit) continue;
        out.push(h);
      }
    return out;
  }

  setVariable(key: string, value: unknown): void {
    if (key === "ansible_group_priority") this.priority = pythonInt(value, key);
    else this.vars[key] = value;
  }

  addHost(host: Host): boolean {
    if (this.hosts.includes(host)) return false;
    this.hosts.push(host);
    host.addGroup(this);
    return true;
  }

  removeHost(host: Host): void {
    const i = this.hosts.indexOf(host);
    if (i < 0) return;
    this.hosts.splice(i, 1);
    host.removeGroup(this);
  }
}

/** A recursive dependency between groups; `cycle` lists the group names around the loop. */
export class GroupCycleError extends Error {
  constructor(
    message: string,
    readonly cycle: string[],
  ) {
    super(message);
  }
}

export class Inventory {
  readonly groups = new Map<string, Group>();
  readonly hosts = new Map<string, Host>();
  /** The inventory sources this inventory was read from (files, directories or `a,b,` lists), in order. */
  sources: string[] = [];
  /** Things Ansible would print as [WARNING] while reading it. */
  readonly warnings: string[] = [];
  /** The source being read and its directory, recorded on each new host as `inventory_file` / `inventory_dir`. */
  currentSource?: { file: string; dir: string };
  private localhost?: Host;

  constructor() {
    this.addGroup("all");
    this.addGroup("ungrouped");
    this.addChild("all", "ungrouped");
  }

  group(name: string): Group | undefined {
    return this.groups.get(name);
  }

  /** A host by name; `localhost`, `127.0.0.1` and `::1` exist implicitly when the inventory doesn't list them. */
  getHost(name: string): Host | undefined {
    const host = this.hosts.get(name);
    if (host || !LOCALHOST_NAMES.includes(name)) return host;
    if (!this.localhost) {
      const h = new Host(name);
      h.implicit = true;
      h.setVariable("ansible_python_interpreter", IMPLICIT_LOCALHOST_PYTHON);
      h.setVariable("ansible_connection", "local");
      this.localhost = h;
    }
    return this.localhost;
  }

  addGroup(name: string, location?: SourceLocation): Group {
    let g = this.groups.get(name);
    if (!g) {
      g = new Group(name);
      g.location = location;
      this.groups.set(name, g);
    }
    return g;
  }

  /** Add a host (once; a later port is ignored like Ansible does) and put it in `group` if given. */
  addHost(name: string, group?: string, port?: number, location?: SourceLocation): Host {
    let h = this.hosts.get(name);
    if (!h) {
      h = new Host(name, port);
      h.location = location;
      this.hosts.set(name, h);
      h.setVariable("inventory_file", this.currentSource?.file ?? null);
      h.setVariable("inventory_dir", this.currentSource?.dir ?? null);
      if (LOCALHOST_NAMES.includes(name)) {
        if (!this.localhost) this.localhost = h;
        else
          this.warnings.push(
            `A duplicate localhost-like entry was found (${name}). First found localhost was ${this.localhost.name}`,
          );
      }
    }
    if (group) {
      const g = this.groups.get(group);
      if (!g) throw new Error(`Could not find group ${group} in inventory`);
      g.addHost(h);
    }
    return h;
  }

  /** Make `child` (a group or host) a member of `parent`; a group that would contain itself is a GroupCycleError. */
  addChild(parent: string, child: string): boolean {
    const p = this.groups.get(parent);
    if (!p) throw new Error(`${parent} is not a known group`);
    const c = this.groups.get(child);
    if (c) return addChildGroup(p, c);
    const h = this.hosts.get(child);
    if (h) return p.addHost(h);
    throw new Error(`${child} is not a known host nor group`);
  }

  setVariable(entity: string, key: string, value: unknown): void {
    const target = this.groups.get(entity) ?? this.hosts.get(entity);
    if (!target) throw new Error(`Could not identify group or host named ${entity}`);
    target.setVariable(key, value);
  }

  /** After all sources are read: top groups join `all`, hosts without a group join `ungrouped` (and only then). */
  reconcile(): void {
    this.currentSource = undefined;
    const all = this.groups.get("all")!;
    const ungrouped = this.groups.get("ungrouped")!;
    for (const g of this.groups.values())
      if (g.name !== "all" && g.ancestors().size === 0) addChildGroup(all, g);
    for (const h of this.hosts.values()) {
      if (h.groups.includes(ungrouped)) {
        if (h.groups.some((g) => g !== all && g !== ungrouped)) ungrouped.removeHost(h);
      } else if (!h.implicit) {
        if (h.groups.length === 0 || (h.groups.length === 1 && h.groups[0] === all)) ungrouped.addHost(h);
      }
    }
    for (const name of this.groups.keys())
      if (this.hosts.has(name)) this.warnings.push(`Found both group and host with same name: ${name}`);
  }
}

function addChildGroup(parent: Group, child: Group): boolean {
  if (parent === child) throw new GroupCycleError(`can't add group to itself`, [parent.name, parent.name]);
  if (parent.children.includes(child)) return false;
  const parentAncestors = parent.ancestors();
  if (parentAncestors.has(child)) {
    throw new GroupCycleError(
      `Adding group '${child.name}' as child to '${parent.name}' creates a recursive dependency loop.`,
      cyclePath(child, parent),
    );
  }
  const newAncestors = new Set([...parentAncestors, parent]);
  for (const a of child.ancestors()) newAncestors.delete(a);
  parent.children.push(child);
  child.depth = Math.max(parent.depth + 1, child.depth);
  propagateDepth(child);
  if (!child.parents.includes(parent)) {
    child.parents.push(parent);
    for (const h of child.allHosts())
      for (const a of newAncestors) if (!h.groups.includes(a)) h.groups.push(a);
  }
  return true;
}

/** The way down from `top` to `bottom` and back: [top, …, bottom, top]. */
function cyclePath(top: Group, bottom: Group): string[] {
  const prev = new Map<Group, Group>();
  let frontier = [top];
  while (frontier.length && !prev.has(bottom)) {
    const next: Group[] = [];
    for (const g of frontier)
      for (const c of g.children)
        if (!prev.has(c) && c !== top) {
          prev.set(c, g);
          next.push(c);
        }
    frontier = next;
  }
  const path = [bottom.name];
  for (let g = prev.get(bottom); g; g = prev.get(g)) path.unshift(g.name);
  if (path[0] !== top.name) path.unshift(top.name);
  return [...path, top.name];
}

/** Children sit at least one level below their parents. */
function propagateDepth(group: Group): void {
  let frontier = [group];
  while (frontier.length) {
    const next: Group[] = [];
    for (const g of frontier)
      for (const c of g.children)
        if (c.depth < g.depth + 1) {
          c.depth = g.depth + 1;
          next.push(c);
        }
    frontier = next;
  }
}

function walk(start: Group, rel: (g: Group) => Group[]): Set<Group> {
  const seen = new Set<Group>();
  let frontier = rel(start);
  while (frontier.length) {
    const next: Group[] = [];
    for (const g of frontier) {
      if (seen.has(g)) continue;
      seen.add(g);
      next.push(...rel(g));
    }
    frontier = next;
  }
  return seen;
}

/** Python's int() as `ansible_group_priority` is converted. */
function pythonInt(value: unknown, key: string): number {
  if (typeof value === "number") return Math.trunc(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && /^\s*[+-]?\d(?:_?\d)*\s*$/.test(value))
    return Number(value.replace(/_/g, ""));
  throw new Error(`${key} must be an integer, got ${JSON.stringify(value)}`);
}

/** Python's default string order (by code point), which `sorted()` uses. */
export function pySort(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
