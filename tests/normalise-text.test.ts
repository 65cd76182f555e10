/** The door's text normaliser: what it removes, what it keeps, and that it is idempotent. */
import { describe, expect, it } from 'vitest';
import { normaliseText } from '../bot/normalise-text.ts';

describe('normaliseText', () => {
  it.each([
    ['a NUL byte', 'revenue by region\0', 'revenue by region'],
    ['a lone high surrogate', '\ud800revenue by region', 'revenue by region'],
    ['a lone low surrogate', 'revenue\udc00 by region', 'revenue by region'],
    ['an RTL override and its pop', 'revenue by \u202Eregion\u202C', 'revenue by region'],
    ['bidi isolates and marks', '\u2067revenue\u2069 by\u200F region\u200E', 'revenue by region'],
    ['zero-width characters and a BOM', '\uFEFFreve\u200Bnue by re\u200Dgion\u2060', 'revenue by region'],
    ['other control characters', 'revenue\u0007 by\u001B region\u0085', 'revenue by region'],
    ['decomposed accents (to NFC)', 'cafe\u0301 revenue', 'caf\u00e9 revenue'],
  ])('removes %s', (_label, raw, expected) => {
    expect(normaliseText(raw)).toBe(expected);
  });

  it('keeps what people write: emoji, other scripts, tabs and new lines', () => {
    const text = 'Umsatz nach Region 📈\tполугодие\n売上 مبيعات';
    expect(normaliseText(text)).toBe(text);
  });

  it('is idempotent', () => {
    const raw = 'e\u200B\u0301 \ud800\0 \u202Eabc';
    expect(normaliseText(normaliseText(raw))).toBe(normaliseText(raw));
  });
});
