/** English word forms for names drawn from a schema: `order_items` → "order items", plural and singular. */

export const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function spaced(name: string): string {
  return name.replaceAll('_', ' ').trim();
}

export function capitalised(text: string): string {
  return text.replace(/^./, (c) => c.toUpperCase());
}

/** The last word made plural: "order item" → "order items", "category" → "categories". */
export function plural(text: string): string {
  return text.replace(/(\w+)$/, (word) => {
    if (/(ss|x|z|ch|sh)$/.test(word)) return `${word}es`;
    // Most table names ending in one s are plural already (users, orders).
    if (/s$/.test(word)) return word;
    if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
    return `${word}s`;
  });
}

/** The last word made singular: "categories" → "category", "users" → "user", "business" stays. */
export function singular(text: string): string {
  return text.replace(/(\w+)$/, (word) => {
    if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
    if (/(ss|us|is)$/.test(word)) return word;
    if (/(o|y|e)ses$/.test(word)) return `${word.slice(0, -2)}is`;
    if (/sses$/.test(word)) return word.slice(0, -2);
    if (/(x|z|ch|sh|sses)es$/.test(word)) return word.slice(0, -2);
    if (/s$/.test(word)) return word.slice(0, -1);
    return word;
  });
}

/** The other number of a table name, as people say it ("business" → "businesses", "users" → "user"). */
export function otherNumber(text: string): string {
  const one = singular(text);
  return one === text ? plural(text) : one;
}
