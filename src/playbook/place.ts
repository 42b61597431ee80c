/**
 * Placing loaded nodes in a play: copies of the nodes with their effective keywords (inheritance) and role
 * occurrence filled in, and roles compiled as Ansible's Role.compile does — each dependency's blocks before the
 * role's own, dependencies inheriting from the roles that pulled them in.
 */
import { mergeKeywords } from "./inherit.js";
import { parseError } from "./problems.js";
import type { Block, EffectiveKeywords, Node, Role, RoleOccurrence, Task } from "./types.js";

/** What a role occurrence passes to its tasks: the parent's keywords, then each role of the chain, then its own. */
export function roleEffective(parent: EffectiveKeywords, role: Role, chain: Role[]): EffectiveKeywords {
  let eff = parent;
  for (const r of [...chain, role]) eff = mergeKeywords(eff, r.ref.keywords, { withVars: false });
  return eff;
}

/** Role.compile: dependency blocks (recursively) then one block holding the role's tasks (or handlers). */
export function compileRole(
  role: Role,
  chain: Role[],
  parent: EffectiveKeywords,
  which: "tasks" | "handlers" = "tasks",
): Block[] {
  if (chain.some((r) => r.path === role.path && r.id === role.id)) {
    throw parseError(
      `role '${role.name}' imports itself (through ${chain.map((r) => r.name).join(" → ")})`,
      role.ref.location,
    );
  }
  const out: Block[] = [];
  for (const dep of role.dependencies) out.push(...compileRole(dep, [...chain, role], parent, which));
  const occ: RoleOccurrence = { role, depChain: chain };
  const eff = roleEffective(parent, role, chain);
  const blocks = which === "tasks" ? role.tasks : role.handlers;
  out.push({
    kind: "block",
    location: role.ref.location,
    block: blocks.map((b) => placeNode(b, eff, occ)),
    rescue: [],
    always: [],
    keywords: role.ref.keywords,
    implicit: true,
    roleOccurrence: occ,
    role: occ,
    effective: eff,
  });
  return out;
}

/** A copy of `node` (and its children) with effective keywords and role set. */
export function placeNode<T extends Node>(
  node: T,
  parent: EffectiveKeywords,
  occ: RoleOccurrence | undefined,
): T {
  return (node.kind === "block" ? placeBlock(node, parent, occ) : placeTask(node, parent, occ)) as T;
}

function placeBlock(b: Block, parent: EffectiveKeywords, occ: RoleOccurrence | undefined): Block {
  const eff = mergeKeywords(parent, b.keywords);
  const placed: Block = { ...b, effective: eff };
  if (occ) placed.role = occ;
  if (b.importedRole) {
    const chain = occ ? [...occ.depChain, occ.role] : [];
    placed.block = compileRole(b.importedRole, chain, eff);
    return placed;
  }
  placed.block = b.block.map((n) => placeNode(n, eff, occ));
  placed.rescue = b.rescue.map((n) => placeNode(n, eff, occ));
  placed.always = b.always.map((n) => placeNode(n, eff, occ));
  return placed;
}

function placeTask(t: Task, parent: EffectiveKeywords, occ: RoleOccurrence | undefined): Task {
  const placed: Task = { ...t, effective: mergeKeywords(parent, t.keywords) };
  if (occ) placed.role = occ;
  if (t.dynamic) {
    // An include's own keywords apply to the include only; what it loads inherits from the include's parent,
    // plus the include's vars (Ansible's _get_parent_attribute skips parents that are not statically loaded).
    const inherited = mergeKeywords(parent, {
      tags: [],
      when: [],
      environment: [],
      module_defaults: [],
      vars: t.keywords.vars,
    });
    const context = { ...t.dynamic.context, parent: inherited };
    if (occ) Object.assign(context, { role: occ });
    placed.dynamic = { ...t.dynamic, context } as Task["dynamic"];
  }
  return placed;
}
