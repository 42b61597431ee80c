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

  it("can be lowered while held, letting waiters in only below the new limit", async () => {
    const slots = new Slots(3);
    for (let i = 0; i < 3; i++) await slots.acquire();
    let entered = false;
    const waiter = slots.acquire().then(() => (entered = true));
    slots.lower(1);
    expect(slots.limit).toBe(1);
    slots.release();
    slots.release();
    await Promise.resolve();
    expect(entered).toBe(false);
    slots.release();
    await waiter;
    expect(slots.inUse).toBe(1);
    slots.lower(0);
    expect(slots.limit).toBe(1);
  });

  it("refuses a limit below one", () => {
    expect(() => new Slots(0)).toThrow(RangeError);
  });
});
