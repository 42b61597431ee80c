/**
 * Ansible Vault's AES256 cipher with node:crypto: PBKDF2-HMAC-SHA256 (10000 iterations) stretches the password and
 * salt into 80 bytes = AES-256-CTR key (32) + HMAC-SHA256 key (32) + counter IV (16). The plaintext is PKCS7-padded
 * even though CTR does not need it, because Ansible does; the HMAC covers the ciphertext (encrypt-then-MAC).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
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

function deriveKeys(password: Buffer, salt: Buffer): Keys {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, "sha256");
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
