import { describe, expect, it } from "vitest";
import { Slots } from "../../../src/transport/slots.js";

describe("Slots", () => {
  it("lets `limit` holders in and queues the rest in order", async () => {
    const slots = new Slots(2);
    const order: number[] = [];
    await slots.acquire();
    await slots.acquire();
    const third = slots.acquire().then(() => order.push(3));
    const fourth = slots.acquire().then(() => order.push(4));
    expect(slots.queued).toBe(2);
    slots.release();
    await third;
    expect(order).toEqual([3]);
    expect(slots.inUse).toBe(2);
    slots.release();
    await fourth;
    slots.release();
    slots.release();
    expect(slots.inUse).toBe(0);
    expect(order).toEqual([3, 4]);
  });

  it("refuses a limit below one", () => {
    expect(() => new Slots(0)).toThrow(RangeError);
  });
});
