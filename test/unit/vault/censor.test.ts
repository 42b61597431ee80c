import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { censor, clearSecrets, registerSecret } from "../../../src/vault/censor.js";

afterEach(clearSecrets);

describe("censor", () => {
  it("replaces every occurrence of every registered secret", () => {
    registerSecret("hunter2");
    registerSecret("s3cret");
    expect(censor("pw=hunter2 again hunter2, other s3cret.")).toBe(
      "pw=******** again ********, other ********.",
    );
  });

  it("leaves output alone when nothing matches or nothing is registered", () => {
    expect(censor("hunter2")).toBe("hunter2");
    registerSecret("hunter2");
    const text = "no secrets here";
    expect(censor(text)).toBe(text);
  });

  it("ignores secrets shorter than 3 characters", () => {
    registerSecret("ab");
    registerSecret("1");
    expect(censor("ab 1 abc")).toBe("ab 1 abc");
    registerSecret("abc");
    expect(censor("ab 1 abc")).toBe("ab 1 ********");
  });

  it("prefers the longest secret at a position, and registers the trimmed form of a value", () => {
    registerSecret("pass");
    registerSecret("password123");
    expect(censor("password123 pass")).toBe("******** ********");
    registerSecret("from-a-file\n");
    expect(censor("value: from-a-file.")).toBe("value: ********.");
  });

  it("handles secrets with regex characters, unicode and line breaks", () => {
    registerSecret("a.b*c(d)");
    registerSecret("pässwörd");
    registerSecret("line1\nline2");
    expect(censor("x a.b*c(d) aXbbc pässwörd line1\nline2")).toBe("x ******** aXbbc ******** ********");
  });

  it("agrees with a naive replace-all for random texts", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[ab]{3,6}$/), { minLength: 1, maxLength: 4 }),
        fc.stringMatching(/^[ab ]{0,60}$/),
        (secrets, text) => {
          clearSecrets();
          secrets.forEach(registerSecret);
          // Reference: at each position, replace the longest secret that starts there.
          const sorted = [...secrets].sort((x, y) => y.length - x.length);
          let expected = "";
          for (let i = 0; i < text.length;) {
            const hit = sorted.find((s) => text.startsWith(s, i));
            if (hit) {
              expected += "********";
              i += hit.length;
            } else expected += text[i++];
          }
          expect(censor(text)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("stays fast with many secrets and long output", () => {
    for (let i = 0; i < 10000; i++) registerSecret(`secret-${i}-${"x".repeat(i % 7)}`);
    const line = "ok: [web1] => changed=false msg=all good secret-43-x? no.\n";
    const output = line.repeat(20000); // ~1.3 MB
    const t0 = performance.now();
    const result = censor(output);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(result.split("\n")[0]).toBe("ok: [web1] => changed=false msg=all good ********? no.");
  });
});
