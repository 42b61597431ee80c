/**
 * nunjucks' code generator, specialised so that every expression follows Python/Jinja2 semantics instead of
 * JavaScript's: each operator, attribute access, call, filter, test and truth check is emitted as a call into
 * `runtime.py` (see runtime.ts). nunjucks keeps doing what it does well: statements, scoping of frames, macros.
 * The generated code is otherwise nunjucks' own, so its runtime (Frame, makeMacro, ...) is reused unchanged.
 */
import { ATTR, FLOAT, SLICE } from "./syntax.js";
import { nj, nodes, type NjCompiler, type NjFrame, type NjNode } from "./nunjucks-internals.js";

const BINOPS: Record<string, string> = {
  Add: "add",
  Sub: "sub",
  Mul: "mul",
  Div: "div",
  FloorDiv: "floorDiv",
  Mod: "mod",
  Pow: "pow",
  Concat: "concat",
};

const CONSTANTS: Record<string, string> = {
  True: "true",
  true: "true",
  False: "false",
  false: "false",
  None: "null",
  none: "null",
};

const STRING_TYPE_FILTERS = new Set([
  "string",
  "to_json",
  "to_nice_json",
  "to_yaml",
  "to_nice_yaml",
  "ppretty",
  "json",
]);

type Base = new (name: string, throwOnUndefined: boolean) => NjCompiler;

function child(node: NjNode, field: string): NjNode {
  return node[field] as NjNode;
}

export class PyCompiler extends (nj.compiler.Compiler as unknown as Base) {
  /** Emits `fn` as a JS closure so Python's short-circuit and lazy operands keep their meaning. */
  private thunk(node: NjNode, frame: NjFrame): void {
    this._emit("function(){return ");
    this.compile(node, frame);
    this._emit(";}");
  }

  call(helper: string, operands: NjNode[], frame: NjFrame): void {
    this._emit(`runtime.py.${helper}(`);
    operands.forEach((n, i) => {
      if (i > 0) this._emit(",");
      this.compile(n, frame);
    });
    this._emit(")");
  }

  override compileLiteral(node: NjNode): void {
    if ((node as unknown as Record<symbol, boolean>)[FLOAT]) {
      this._emit(`new runtime.py.PyFloat(${String(node.value)})`);
      return;
    }
    (Object.getPrototypeOf(PyCompiler.prototype) as NjCompiler).compileLiteral.call(this, node);
  }

  compileSymbol(node: NjNode, frame: NjFrame): void {
    const name = node.value as string;
    const id = frame.lookup(name) as string | undefined;
    const lookup = `runtime.py.name(context, frame, ${JSON.stringify(name)})`;
    // Jinja2 parses True/False/None (any case) as constants, never as variables.
    if (name in CONSTANTS) this._emit(CONSTANTS[name] as string);
    else if (id) this._emit(`(${id} !== undefined ? ${id} : ${lookup})`);
    else this._emit(lookup);
  }

  compileDict(node: NjNode, frame: NjFrame): void {
    this._emit("runtime.py.dict([");
    node.children.forEach((pair, i) => {
      if (i > 0) this._emit(",");
      this._emit("[");
      const key = child(pair, "key");
      if (key.typename === "Symbol") this._emit(JSON.stringify(key.value));
      else this.compile(key, frame);
      this._emit(",");
      this.compile(child(pair, "value"), frame);
      this._emit("]");
    });
    this._emit("])");
  }

  compileGroup(node: NjNode, frame: NjFrame): void {
    // `(a, b)` is a tuple; `(a)` just groups.
    if (node.children.length === 1) {
      this._emit("(");
      this.compile(node.children[0] as NjNode, frame);
      this._emit(")");
      return;
    }
    this._emit("runtime.py.tuple([");
    node.children.forEach((c, i) => {
      if (i > 0) this._emit(",");
      this.compile(c, frame);
    });
    this._emit("])");
  }

  compileInlineIf(node: NjNode, frame: NjFrame): void {
    this._emit("(runtime.py.truthy(");
    this.compile(child(node, "cond"), frame);
    this._emit(")?");
    this.compile(child(node, "body"), frame);
    this._emit(":");
    if (node.else_) this.compile(child(node, "else_"), frame);
    else this._emit(`runtime.py.noElse(${node.lineno + 1})`);
    this._emit(")");
  }

  compileIn(node: NjNode, frame: NjFrame): void {
    this.call("contains", [child(node, "right"), child(node, "left")], frame);
  }

  compileIs(node: NjNode, frame: NjFrame): void {
    const right = child(node, "right");
    let name: string;
    let args: NjNode | undefined;
    if (right.typename === "FunCall") {
      name = child(right, "name").value as string;
      args = child(right, "args");
    } else if (right.typename === "Literal") {
      name = right.value === null ? "none" : String(right.value); // `is none`, `is true`, `is false`
    } else name = right.value as string;
    this._emit(`runtime.py.test(context, ${JSON.stringify(name)}, `);
    this.compile(child(node, "left"), frame);
    this._emit(",");
    this.emitArgs(args, frame);
    this._emit(")");
  }

  compileOr(node: NjNode, frame: NjFrame): void {
    this._emit("runtime.py.or(");
    this.compile(child(node, "left"), frame);
    this._emit(",");
    this.thunk(child(node, "right"), frame);
    this._emit(")");
  }

  compileAnd(node: NjNode, frame: NjFrame): void {
    this._emit("runtime.py.and(");
    this.compile(child(node, "left"), frame);
    this._emit(",");
    this.thunk(child(node, "right"), frame);
    this._emit(")");
  }

  compileNot(node: NjNode, frame: NjFrame): void {
    this._emit("!runtime.py.truthy(");
    this.compile(child(node, "target"), frame);
    this._emit(")");
  }

  compileNeg(node: NjNode, frame: NjFrame): void {
    this.call("neg", [child(node, "target")], frame);
  }

  compilePos(node: NjNode, frame: NjFrame): void {
    this.call("pos", [child(node, "target")], frame);
  }

  compileCompare(node: NjNode, frame: NjFrame): void {
    const ops = node.ops as NjNode[];
    if (ops.length === 1) {
      const op = ops[0] as NjNode;
      this._emit("runtime.py.compare(");
      this.compile(child(node, "expr"), frame);
      this._emit(`,${JSON.stringify(op.type)},`);
      this.compile(child(op, "expr"), frame);
      this._emit(")");
      return;
    }
    // a < b < c is (a < b) and (b < c), evaluating b once: operands after the first are thunks.
    this._emit("runtime.py.chain(");
    this.compile(child(node, "expr"), frame);
    this._emit(`,${JSON.stringify(ops.map((o) => o.type))},[`);
    ops.forEach((op, i) => {
      if (i > 0) this._emit(",");
      this.thunk(child(op, "expr"), frame);
    });
    this._emit("])");
  }

  compileLookupVal(node: NjNode, frame: NjFrame): void {
    const val = child(node, "val");
    if ((val as unknown as Record<symbol, boolean>)[SLICE]) {
      this.call("slice", [child(node, "target"), ...val.children], frame);
      return;
    }
    // `x.name` is Jinja2's getattr (attribute first), `x[key]` its getitem (item first).
    const viaDot = (node as unknown as Record<symbol, boolean>)[ATTR] === true;
    this._emit(`runtime.py.${viaDot ? "attr" : "item"}(`);
    this.compile(child(node, "target"), frame);
    this._emit(",");
    this.compile(val, frame);
    this._emit(")");
  }

  /** Positional args as an array, then keyword args as an object (or null). */
  private emitArgs(args: NjNode | undefined, frame: NjFrame, skip = 0): void {
    const list = (args?.children ?? []).slice(skip);
    const last = list[list.length - 1];
    const kw = last?.typename === "KeywordArgs" ? last : undefined;
    const positional = kw ? list.slice(0, -1) : list;
    this._emit("[");
    positional.forEach((a, i) => {
      if (i > 0) this._emit(",");
      this.compile(a, frame);
    });
    this._emit("],");
    if (kw) {
      this._emit("{");
      kw.children.forEach((pair, i) => {
        if (i > 0) this._emit(",");
        this._emit(`${JSON.stringify(child(pair, "key").value)}:`);
        this.compile(child(pair, "value"), frame);
      });
      this._emit("}");
    } else this._emit("null");
  }

  compileFunCall(node: NjNode, frame: NjFrame): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.py.call(context, `);
    this.compile(child(node, "name"), frame);
    this._emit(",");
    this.emitArgs(child(node, "args"), frame);
    this._emit("))");
  }

  compileFilter(node: NjNode, frame: NjFrame): void {
    const args = child(node, "args");
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.py.filter(context, `);
    this._emit(JSON.stringify(child(node, "name").value) + ",");
    this.compile(args.children[0] as NjNode, frame);
    this._emit(",");
    this.emitArgs(args, frame, 1);
    this._emit("))");
  }

  compileOutput(node: NjNode, frame: NjFrame): void {
    for (const c of node.children) {
      if (c.typename === "TemplateData") {
        if (c.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(c);
          this._emitLine(";");
        }
        continue;
      }
      this._emit(`${this.buffer} += (lineno = ${c.lineno}, colno = ${c.colno}, runtime.py.out(context, `);
      this.compile(c, frame);
      // Ansible marks these filters' results as text never to be read back as a literal (STRING_TYPE_FILTERS).
      const name =
        c.typename === "Filter" ? String(child(c, "name").value).replace(/^ansible\.builtin\./, "") : "";
      this._emitLine(STRING_TYPE_FILTERS.has(name) ? ", true));" : "));");
    }
  }

  compileIf(node: NjNode, frame: NjFrame): void {
    this._emit("if(runtime.py.truthy(");
    this.compile(child(node, "cond"), frame);
    this._emitLine(")) {");
    this._withScopedSyntax(() => this.compile(child(node, "body"), frame));
    if (node.else_) {
      this._emitLine("} else {");
      this._withScopedSyntax(() => this.compile(child(node, "else_"), frame));
    }
    this._emitLine("}");
  }

  compileSet(node: NjNode, frame: NjFrame): void {
    const value = this._tmpid();
    this._emit(`var ${value} = `);
    if (node.value) this.compile(child(node, "value"), frame);
    else this.compile(child(node, "body"), frame);
    this._emitLine(";");
    for (const target of node.targets as NjNode[]) {
      if (target.typename === "LookupVal") {
        // `{% set ns.attr = value %}`: only namespace objects accept it, as in Jinja2.
        this._emit("runtime.py.setAttr(");
        this.compile(child(target, "target"), frame);
        this._emit(",");
        this.compile(child(target, "val"), frame);
        this._emitLine(`, ${value});`);
        continue;
      }
      if (target.typename !== "Symbol")
        this.fail("can't assign to this expression", target.lineno, target.colno);
      const name = target.value as string;
      // A set inside a loop or macro is local to it (Jinja2 scoping), so only reuse a variable of this frame.
      let id = frame.variables[name] as string | undefined;
      if (!id) {
        id = this._tmpid();
        this._emitLine(`var ${id};`);
        frame.set(name, id);
      }
      this._emitLine(`${id} = ${value};`);
      this._emitLine(`frame.set(${JSON.stringify(name)}, ${id});`);
      this._emitLine(`if(frame.topLevel) { context.setVariable(${JSON.stringify(name)}, ${id}); }`);
      if (!name.startsWith("_"))
        this._emitLine(`if(frame.topLevel) { context.addExport(${JSON.stringify(name)}, ${id}); }`);
    }
  }

  /** Binds the loop target(s) (`x` or `k, v`) to `item`, both at compile time and in the runtime frame. */
  private bindTarget(target: NjNode, item: string, ids: string[]): void {
    if (target.typename === "Symbol") {
      this._emitLine(`${ids[0]} = ${item}; frame.set(${JSON.stringify(target.value)}, ${ids[0]});`);
      return;
    }
    const parts = this._tmpid();
    this._emitLine(`var ${parts} = runtime.py.unpack(${item}, ${target.children.length});`);
    target.children.forEach((sym, i) => {
      this._emitLine(`${ids[i]} = ${parts}[${i}]; frame.set(${JSON.stringify(sym.value)}, ${ids[i]});`);
    });
  }

  compileFor(node: NjNode, frame: NjFrame): void {
    const target = child(node, "name");
    let arr = child(node, "arr");
    let cond: NjNode | undefined;
    // `{% for x in xs if cond %}` arrives as an inline if without else: Jinja2's loop filter.
    if (arr.typename === "InlineIf" && !arr.else_) {
      cond = child(arr, "cond");
      arr = child(arr, "body");
    }
    const items = this._tmpid();
    const i = this._tmpid();
    const loop = this._tmpid();
    this._emitLine("frame = frame.push();");
    this._emit(`var ${items} = runtime.py.iterate(`);
    this.compile(arr, frame);
    this._emitLine(");");
    const inner = frame.push();
    const symbols = target.typename === "Symbol" ? [target] : target.children;
    const ids = symbols.map((sym) => {
      const id = this._tmpid();
      this._emitLine(`var ${id};`);
      inner.set(sym.value as string, id);
      return id;
    });
    if (cond) {
      const all = this._tmpid();
      this._emitLine(`var ${all} = ${items}; ${items} = [];`);
      this._emitLine(`for (var ${i} = 0; ${i} < ${all}.length; ${i}++) {`);
      this.bindTarget(target, `${all}[${i}]`, ids);
      this._emit(`if (runtime.py.truthy(`);
      this.compile(cond, inner);
      this._emitLine(`)) ${items}.push(${all}[${i}]);`);
      this._emitLine("}");
    }
    this._emitLine(`var ${loop} = new runtime.py.Loop(${items});`);
    inner.set("loop", loop);
    this._emitLine(`frame.set("loop", ${loop});`);
    this._emitLine(`for (var ${i} = 0; ${i} < ${items}.length; ${i}++) {`);
    this._emitLine(`${loop}.index0 = ${i};`);
    this.bindTarget(target, `${items}[${i}]`, ids);
    this._withScopedSyntax(() => this.compile(child(node, "body"), inner));
    this._emitLine("}");
    this._emitLine("frame = frame.pop();");
    if (node.else_) {
      this._emitLine(`if (!${items}.length) {`);
      this._withScopedSyntax(() => this.compile(child(node, "else_"), frame));
      this._emitLine("}");
    }
  }

  compileInclude(node: NjNode, frame: NjFrame): void {
    this._emit(
      `${this.buffer} += (lineno = ${node.lineno}, colno = ${node.colno}, runtime.py.include(env, context, frame, `,
    );
    this.compile(child(node, "template"), frame);
    this._emitLine(`, ${node.ignoreMissing ? "true" : "false"}, ${this._templateName()}));`);
  }

  compileExtends(node: NjNode): void {
    this.fail(
      "template inheritance ({% extends %}) is not supported in infra templates",
      node.lineno,
      node.colno,
    );
  }

  compileAsyncEach(node: NjNode): void {
    this.fail("asyncEach is not a Jinja2 tag", node.lineno, node.colno);
  }

  compileAsyncAll(node: NjNode): void {
    this.fail("asyncAll is not a Jinja2 tag", node.lineno, node.colno);
  }
}

// Binary arithmetic operators all follow one pattern.
for (const [typename, helper] of Object.entries(BINOPS)) {
  (PyCompiler.prototype as unknown as Record<string, unknown>)[`compile${typename}`] = function (
    this: PyCompiler,
    node: NjNode,
    frame: NjFrame,
  ) {
    this.call(helper, [child(node, "left"), child(node, "right")], frame);
  };
}

export function compileToCode(root: NjNode, name: string): string {
  const c = new PyCompiler(name, false);
  c.compile(root, undefined as unknown as NjFrame);
  return c.getCode();
}

export { nodes };
