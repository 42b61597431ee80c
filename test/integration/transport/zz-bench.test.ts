import { it } from "vitest";
import { connectSsh } from "../../../src/transport/ssh.js";
it("bench", async () => {
  const conn = await connectSsh({
    host: "127.0.0.1",
    port: Number(process.env.P),
    user: "ubuntu",
    privateKeyPath: "/tmp/tt/key",
    agent: false,
    hostKeyChecking: false,
  });
  for (let k = 0; k < 3; k++) {
    const t = Date.now();
    for (let i = 0; i < 20; i++) await conn.exec("true");
    console.log("20 seq execs", Date.now() - t);
  }
  const t = Date.now();
  await Promise.all(Array.from({ length: 50 }, () => conn.exec("true")));
  console.log("50 par", Date.now() - t);
  await conn.close();
});
