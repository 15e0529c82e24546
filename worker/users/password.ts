// Passwords: PBKDF2-SHA-256 through Web Crypto, a random salt per user, compared in constant time.
// workerd allows at most 100,000 iterations; the count is stored with each hash so it can grow.
export const PBKDF2_ITERATIONS = 100_000;
export const MIN_PASSWORD = 10;

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export interface PasswordHash {
  hash: string;
  salt: string;
  iterations: number;
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { hash: hex(await derive(password, salt, iterations)), salt: hex(salt), iterations };
}

export async function passwordMatches(password: string, stored: PasswordHash): Promise<boolean> {
  const derived = await derive(password, unhex(stored.salt), stored.iterations);
  const expected = unhex(stored.hash);
  return derived.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(derived, expected);
}

/** Why a new password is refused, or null. */
export function weakPassword(password: string, email: string | undefined): string | null {
  if ([...password].length < MIN_PASSWORD) return `a password has at least ${MIN_PASSWORD} characters`;
  if (email && password.toLowerCase().includes(email.split('@')[0]!.toLowerCase()))
    return 'a password may not contain the email address';
  return null;
}
