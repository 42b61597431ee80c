import { describe, expect, it } from "vitest";
import { Templar } from "../../../src/template/templar.js";
const t = (vars: Record<string, unknown> = {}) => new Templar({ vars, decryptVault: () => "secret" });
describe("smoke", () => {
  it("renders", () => {
    expect(t({ x: 1 }).template("a {{ x }} b")).toBe("a 1 b");
    expect(t({ x: [1, 2] }).template("{{ x }}")).toEqual([1, 2]);
    expect(t({ x: "a.b.c" }).template("{{ x.split('.')[0] }}")).toBe("a");
    expect(t({ d: { a: 1, b: 2 } }).template("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}")).toBe("a=1;b=2;");
  });
});
