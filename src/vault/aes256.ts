/**
 * Ansible Vault's AES256 cipher with node:crypto: PBKDF2-HMAC-SHA256 (10000 iterations) stretches the password and
 * salt into 80 bytes = AES-256-CTR key (32) + HMAC-SHA256 key (32) + counter IV (16). The plaintext is PKCS7-padded
 * even though CTR does not need it, because Ansible does; the HMAC covers the ciphertext (encrypt-then-MAC).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  pbkdf2,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import type { Payload } from "./envelope.js";

const ITERATIONS = 10000;
const KEY_LENGTH = 32;
const IV_LENGTH = 16;
const BLOCK = 16;

interface Keys {
  cipherKey: Buffer;
  hmacKey: Buffer;
  iv: Buffer;
}

/**
 * Keys derived ahead of need (warmKeys), by salt and a hash of the password. PBKDF2's 10000 rounds are ~3 ms of
 * the controller's one thread per vault value, on the path of the first task that reads it; warmed, they run in
 * libuv's thread pool while the hosts connect. Bounded: only the first values a run reads are warmed.
 */
const warmed = new Map<string, Buffer | Promise<void>>();
const WARM_MAX = 32;

const warmKey = (password: Buffer, salt: Buffer) =>
  `${salt.toString("hex")}:${createHash("sha256").update(password).digest("hex")}`;

/** Starts deriving the keys for this password and salt in the thread pool; a later decrypt then finds them. */
export function warmKeys(password: Buffer, salt: Buffer): void {
  const key = warmKey(password, salt);
  if (warmed.has(key) || warmed.size >= WARM_MAX) return;
  warmed.set(
    key,
    new Promise<void>((resolve) =>
      pbkdf2(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, "sha256", (err, derived) => {
        if (err) warmed.delete(key);
        else warmed.set(key, derived);
        resolve();
      }),
    ),
  );
}

/** How many warmed keys are ready, once every warm-up started so far has finished (for tests and -vvvv). */
export async function warmedKeys(): Promise<number> {
  await Promise.all([...warmed.values()]);
  return [...warmed.values()].filter((v) => Buffer.isBuffer(v)).length;
}

function deriveKeys(password: Buffer, salt: Buffer): Keys {
  const ready = warmed.size ? warmed.get(warmKey(password, salt)) : undefined;
  // Not warmed, or still being derived: decryption is synchronous and cannot wait for the pool, so derive here.
  const derived = Buffer.isBuffer(ready)
    ? ready
    : pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, "sha256");
  return {
    cipherKey: derived.subarray(0, KEY_LENGTH),
    hmacKey: derived.subarray(KEY_LENGTH, 2 * KEY_LENGTH),
    iv: derived.subarray(2 * KEY_LENGTH),
  };
}

function pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** Undefined when the padding is wrong, which with a verified HMAC means the encrypting tool was broken. */
function unpad(data: Buffer): Buffer | undefined {
  const n = data.length > 0 ? data[data.length - 1]! : 0;
  if (n < 1 || n > BLOCK || n > data.length) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}

function mac(key: Buffer, ciphertext: Buffer): Buffer {
  return createHmac("sha256", key).update(ciphertext).digest();
}

export function encryptAes256(plaintext: Buffer, password: Buffer, salt: Buffer = randomBytes(32)): Payload {
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const cipher = createCipheriv("aes-256-ctr", cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
  return { salt, hmac: mac(hmacKey, ciphertext), ciphertext };
}

export type DecryptOutcome = { ok: true; plaintext: Buffer } | { ok: false; reason: "hmac" | "padding" };

/** Checks the HMAC in constant time before touching the ciphertext; a mismatch means wrong password or tampering. */
export function decryptAes256(payload: Payload, password: Buffer): DecryptOutcome {
  const { cipherKey, hmacKey, iv } = deriveKeys(password, payload.salt);
  const expected = mac(hmacKey, payload.ciphertext);
  if (payload.hmac.length !== expected.length || !timingSafeEqual(payload.hmac, expected)) {
    return { ok: false, reason: "hmac" };
  }
  const decipher = createDecipheriv("aes-256-ctr", cipherKey, iv);
  const plaintext = unpad(Buffer.concat([decipher.update(payload.ciphertext), decipher.final()]));
  return plaintext ? { ok: true, plaintext } : { ok: false, reason: "padding" };
}
