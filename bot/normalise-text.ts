/**
 * What a person typed, made safe to read and to store, once at the door before anything else sees
 * it: unpaired surrogates and control characters removed (PostgreSQL refuses NUL in text and
 * `\ud800` in jsonb, so either would lose the audit row or the conversation), invisible bidi and
 * zero-width characters stripped (an RTL override can hide or reorder words, so the words read
 * would not be the words shown), then Unicode NFC (one spelling per letter, so "é" typed either way
 * matches the catalog).
 */

/** A surrogate half without its partner: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0 controls (NUL among them) except tab, line feed and carriage return; DEL; C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/**
 * Bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069), the LRM/RLM/ALM marks, and the
 * zero-width space, joiners, word joiner and BOM: none changes what a question means.
 */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

export function normaliseText(text: string): string {
  return text.replace(LONE_SURROGATE, '').replace(CONTROL, '').replace(INVISIBLE, '').normalize('NFC');
}
