import { describe, expect, it } from "vitest";
import "../../../src/engine/loops.js";
import { getLookup } from "../../../src/template/lookups/index.js";

const env = { searchPaths: [], findFile: () => undefined, variable: () => undefined, renderFile: () => "" };
const lookup = (name: string, terms: unknown[], kwargs = {}) => getLookup(name)!(terms, kwargs, env as never);

describe("loop lookups (with_*)", () => {
  it("items flattens one level, list does not", () => {
    expect(lookup("items", [[1, [2, 3]], 4])).toEqual([1, [2, 3], 4]);
    expect(lookup("list", [[1, 2], 3])).toEqual([[1, 2], 3]);
  });
  it("dict yields key/value pairs in order", () => {
    expect(lookup("dict", [{ b: 1, a: 2 }])).toEqual([
      { key: "b", value: 1 },
      { key: "a", value: 2 },
    ]);
  });
  it("together pads with None, nested is the cartesian product", () => {
    expect(lookup("together", [[1, 2], ["a"]])).toEqual([
      [1, "a"],
      [2, null],
    ]);
    expect(
      lookup("nested", [
        [1, 2],
        ["a", "b"],
      ]),
    ).toEqual([
      [1, "a"],
      [1, "b"],
      [2, "a"],
      [2, "b"],
    ]);
  });
  it("subelements pairs each element with each item of its sub-list", () => {
    const users = [
      { name: "a", keys: ["k1", "k2"] },
      { name: "b", keys: ["k3"] },
    ];
    expect(
      lookup("subelements", [users, "keys"]).map((p) => [
        (p as [{ name: string }, string])[0].name,
        (p as [unknown, string])[1],
      ]),
    ).toEqual([
      ["a", "k1"],
      ["a", "k2"],
      ["b", "k3"],
    ]);
  });
  it("sequence understands start/end/stride/format and the short form", () => {
    expect(lookup("sequence", ["start=1 end=3"])).toEqual(["1", "2", "3"]);
    expect(lookup("sequence", ["start=0 end=10 stride=5 format=web%02d"])).toEqual([
      "web00",
      "web05",
      "web10",
    ]);
    expect(lookup("sequence", ["4"])).toEqual(["1", "2", "3", "4"]);
  });
  it("indexed_items numbers the items", () => {
    expect(lookup("indexed_items", [["a", "b"]])).toEqual([
      [0, "a"],
      [1, "b"],
    ]);
  });
});
