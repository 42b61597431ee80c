import { describe, expect, it } from "vitest";
import { cronWords, describeCron, zoneOffset } from "../../../src/docs/schedule-words.js";
import { durationWords, minutesBefore, worstDataLoss } from "../../../src/docs/objectives.js";

describe("schedules in words", () => {
  it("gives UTC and the local zone, with the summer time when daylight saving moves it", () => {
    expect(describeCron("0 23 * * *", "Europe/Tallinn")).toEqual({
      cron: "0 23 * * *",
      utc: "At 23:00",
      local: "At 01:00 (02:00 in summer)",
    });
  });

  it("moves the weekday when the local clock is already on the next day", () => {
    expect(describeCron("20 23 * * 0", "Europe/Tallinn").local).toBe(
      "At 01:20, only on Monday (02:20 in summer)",
    );
    expect(describeCron("20 23 * * 1,2,3,4,5,6", "Europe/Tallinn").local).toBe(
      "At 01:20, only on Sunday and Tuesday through Saturday (02:20 in summer)",
    );
    expect(describeCron("30 1 * * 1", "America/New_York").local).toBe(
      "At 20:30, only on Sunday (21:30 in summer)",
    );
  });

  it("says weekday lists as ranges", () => {
    expect(cronWords("20 23 * * 1,2,3,4,5,6")).toBe("At 23:20, Monday through Saturday");
  });

  it("leaves schedules without a fixed hour, and UTC readers, alone", () => {
    expect(describeCron("*/5 * * * *", "Europe/Tallinn").local).toBe("Every 5 minutes");
    expect(describeCron("0 23 * * *", "UTC").local).toBe("At 23:00");
  });

  it("knows zone offsets and refuses unknown zones as option errors", () => {
    expect(zoneOffset("Europe/Tallinn", Date.UTC(2024, 0, 15))).toBe(120);
    expect(zoneOffset("Asia/Kolkata", Date.UTC(2024, 6, 15))).toBe(330);
    expect(() => zoneOffset("Mars/Olympus", 0)).toThrow(/unknown time zone/);
  });
});

describe("objectives from schedules", () => {
  it("worst data loss: from the dump an upload carries to the next upload", () => {
    expect(worstDataLoss(["0 23 * * *"], ["20 23 * * 0", "20 23 * * 1-6"])).toBe(24 * 60 + 20);
    // A weekly upload of a daily dump loses up to a week and the gap.
    expect(worstDataLoss(["0 23 * * *"], ["20 23 * * 0"])).toBe(7 * 1440 + 20);
    // Without a dump job, an upload carries what it reads when it runs.
    expect(worstDataLoss([], ["0 */6 * * *"])).toBe(360);
    expect(worstDataLoss(["0 23 * * *"], [])).toBeUndefined();
  });

  it("durations and the margin before a deadline", () => {
    expect(durationWords(24 * 60 + 20)).toBe("24 h 20 min");
    expect(durationWords(7 * 1440 + 20)).toBe("7 days 20 min");
    expect(durationWords(0)).toBe("0 min");
    expect(minutesBefore("30 23 * * *", "01:00")).toBe(90);
    expect(minutesBefore("30 0 * * *", "01:00")).toBe(30);
    expect(minutesBefore("*/5 * * * *", "01:00")).toBeUndefined();
  });
});
