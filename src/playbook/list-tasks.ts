/**
 * The data behind `ansible-playbook --list-tasks / --list-tags / --list-hosts`, and its text exactly as
 * ansible-playbook 2.14 prints it: tasks in execution order (pre_tasks, roles, tasks, post_tasks), only the
 * `block:` part of blocks (as Ansible shows them), role tasks as `role : name`, tags sorted.
 */
import { pyRepr } from "../template/values.js";
import { shouldRun, type TagSelection } from "./tags.js";
import type { Block, Node, Play, Playbook, Task } from "./types.js";

export interface ListedTask {
  /** What ansible-playbook shows: `role : name`, `name`, or the action as written when unnamed. */
  name: string;
  /** Sorted play tags ∪ task tags. */
  tags: string[];
  task: Task;
}

export interface ListedPlay {
  /** 1-based, counted over the playbook including imported plays. */
  index: number;
  hosts: string[];
  name: string;
  /** The play's own tags (with any import_playbook tags), in the order written. */
  tags: string[];
  tasks: ListedTask[];
  /** Play tags ∪ tags of every listed task, sorted (the TASK TAGS line of --list-tags). */
  taskTags: string[];
  play: Play;
}

/** The name ansible-playbook prints for a task (Task.get_name, IncludeRole.get_name). */
export function displayName(task: Task): string {
  if (task.name === undefined || task.name === "") return task.actionWritten;
  if (task.dynamic?.kind === "include_role") return task.name;
  return task.role ? `${task.role.role.name} : ${task.name}` : task.name;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Tasks of the `block:` parts that the selection keeps, in order (Block.filter_tagged_tasks + _process_block). */
function collect(nodes: Node[], sel: TagSelection, out: Task[]): void {
  for (const node of nodes) {
    if (node.kind === "task") {
      if (shouldRun(node.effective.tags, sel)) out.push(node);
    } else {
      collectBlock(node, sel, out);
    }
  }
}

function collectBlock(block: Block, sel: TagSelection, out: Task[]): void {
  collect(block.block, sel, out);
}

export function playTasksInOrder(play: Play): Block[] {
  return [...play.pre_tasks, ...play.roleBlocks, ...play.tasks, ...play.post_tasks];
}

export function listTasks(playbook: Playbook, sel: TagSelection = {}): ListedPlay[] {
  return playbook.plays.map((play, i) => {
    const tasks: Task[] = [];
    collect(playTasksInOrder(play), sel, tasks);
    const playTags = play.keywords.tags;
    const listed = tasks.map((task) => ({
      name: displayName(task),
      tags: sorted([...playTags, ...task.effective.tags]),
      task,
    }));
    return {
      index: i + 1,
      hosts: play.hosts,
      name: play.name,
      tags: [...new Set(playTags)],
      tasks: listed,
      taskTags: sorted([...playTags, ...tasks.flatMap((t) => t.effective.tags)]),
      play,
    };
  });
}

export interface ListingFormat {
  /** The playbook path as the user gave it. */
  playbookPath: string;
  listTasks?: boolean;
  listTags?: boolean;
  /** --list-hosts: the hosts each play matches (the inventory's business), by play index. */
  hosts?: (play: ListedPlay) => string[];
}

/** The text ansible-playbook prints for --list-tasks / --list-tags / --list-hosts. */
export function formatListing(plays: ListedPlay[], fmt: ListingFormat): string {
  let out = `\nplaybook: ${fmt.playbookPath}\n`;
  for (const p of plays) {
    let msg = `\n  play #${p.index} (${p.hosts.join(",")}): ${p.name}\tTAGS: [${p.tags.join(",")}]`;
    if (fmt.hosts) {
      const hosts = fmt.hosts(p);
      msg += `\n    pattern: ${pyRepr(p.hosts)}\n    hosts (${hosts.length}):`;
      for (const h of hosts) msg += `\n      ${h}`;
    }
    out += `${msg}\n`;
    if (fmt.listTasks || fmt.listTags) {
      let taskmsg = fmt.listTasks ? "    tasks:\n" : "";
      if (fmt.listTasks) {
        for (const t of p.tasks) taskmsg += `      ${t.name}\tTAGS: [${t.tags.join(", ")}]\n`;
      }
      if (fmt.listTags) taskmsg += `      TASK TAGS: [${p.taskTags.join(", ")}]\n`;
      // Ansible's display() adds a newline only when the message lacks one.
      out += taskmsg.endsWith("\n") ? taskmsg : `${taskmsg}\n`;
    }
  }
  return out;
}
