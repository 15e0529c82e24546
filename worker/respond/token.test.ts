// Signed action links: they act only as signed, only until they expire; button values fit Telegram.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buttonValue,
  compactIncident,
  expandIncident,
  readAction,
  readButtonValue,
  signAction,
  type ActionClaim,
} from './token';

const key = 'test-signing-key';
const incident = `${'ab'.repeat(32)}-123456789`;
const now = new Date('2026-12-01T00:00:00Z');
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const claim: ActionClaim = {
  incident,
  action: 'acknowledge',
  user: 'kim.minji',
  expiresAt: new Date('2026-12-08T00:00:00Z'),
};

describe('a signed action link', () => {
  it('reads back as signed, and is short enough for an SMS', async () => {
    const token = await signAction(claim, key);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(token.length).toBeLessThan(110);
    expect(await readAction(token, key, now)).toEqual({ ok: true, claim });
  });

  it('is refused when any one character changes, to any other URL-safe character', async () => {
    const token = await signAction(claim, key);
    for (let i = 0; i < token.length; i++) {
      for (const other of `${alphabet}.`) {
        if (other === token[i]) continue;
        const altered = token.slice(0, i) + other + token.slice(i + 1);
        expect((await readAction(altered, key, now)).ok, altered).toBe(false);
      }
    }
  });

  it('is refused when its last character only changes the bits base64 leaves unused', async () => {
    // 16 bytes take 22 characters: the last one carries 2 bits, so 4 spellings decode alike.
    const token = await signAction(claim, key);
    const last = alphabet.indexOf(token.at(-1)!);
    for (let low = 0; low < 16; low++) {
      const spelling = alphabet[(last & 0b110000) | low]!;
      if (spelling === token.at(-1)) continue;
      expect(await readAction(token.slice(0, -1) + spelling, key, now)).toEqual({ ok: false, reason: 'altered' });
    }
  });

  it('is refused as altered under another key, expired after its time, malformed when garbage', async () => {
    const token = await signAction(claim, key);
    expect(await readAction(token, 'another-key', now)).toEqual({ ok: false, reason: 'altered' });
    expect(await readAction(token, key, new Date('2026-12-08T00:00:01Z'))).toEqual({ ok: false, reason: 'expired' });
    expect(await readAction('garbage', key, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(await readAction('a.b.c.d', key, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('round-trips any claim', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9a-f]{64}$/),
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.constantFrom('acknowledge' as const, 'resolve' as const),
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
        fc.integer({ min: 2_000_000_000, max: 4_000_000_000 }),
        async (object, ordinal, action, user, seconds) => {
          const c = { incident: `${object}-${ordinal}`, action, user, expiresAt: new Date(seconds * 1000) };
          expect(await readAction(await signAction(c, key), key, now)).toEqual({ ok: true, claim: c });
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('a button value', () => {
  it('names the action and the incident within the 64 bytes of Telegram callback_data', () => {
    const value = buttonValue('resolve', incident);
    expect(new TextEncoder().encode(value).length).toBeLessThanOrEqual(64);
    expect(readButtonValue(value)).toEqual({ action: 'resolve', incident });
    expect(readButtonValue('x:whatever')).toBeNull();
    expect(readButtonValue(`a:${'A'.repeat(43)}`)).toBeNull();
  });
});

describe('a compact incident reference', () => {
  it('reads back as the incident, for any object id and ordinal', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), fc.integer({ min: 1, max: 999_999_999 }), (object, ordinal) => {
        const id = `${object}-${ordinal}`;
        expect(expandIncident(compactIncident(id))).toBe(id);
      }),
    );
  });

  it('has one spelling: the unused bits of its last character must be zero', () => {
    const ref = compactIncident(incident);
    const last = alphabet.indexOf(ref[42]!);
    const other = alphabet[last ^ 1]!;
    expect(expandIncident(`${ref.slice(0, 42)}${other}${ref.slice(43)}`)).toBeNull();
  });

  it('is refused for a leading zero, a tenth digit, or the wrong length', () => {
    const [bytes] = compactIncident(incident).split('-');
    expect(expandIncident(`${bytes}-0`)).toBeNull();
    expect(expandIncident(`${bytes}-01`)).toBeNull();
    expect(expandIncident(`${bytes}-1234567890`)).toBeNull();
    expect(expandIncident(`${bytes!.slice(1)}-1`)).toBeNull();
  });

  it('is not made from something that is not an incident id', () => {
    expect(() => compactIncident('not-an-incident')).toThrow();
  });
});
