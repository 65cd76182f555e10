/** Text → comparable words: lower case, symbols spelled out, plural endings dropped. */

export function normalizeText(text: string): string {
  return (
    ` ${text} `
      .toLowerCase()
      .replace(/(\d),(?=\d{3}\b)/g, '$1')
      .replace(/[\u2018\u2019']/g, '')
      .replace(/>=|=>|≥/g, ' at least ')
      .replace(/<=|=<|≤/g, ' at most ')
      .replace(/>/g, ' more than ')
      .replace(/</g, ' less than ')
      .replace(/%/g, ' percent ')
      .replace(/&/g, ' and ')
      .replace(/\$/g, ' $ ')
      .replace(/[^a-z0-9$.\-/ ]+/g, ' ')
      // "highest-rated", "round-trip": one word each way of writing it.
      .replace(/(?<=[a-z])-(?=[a-z])/g, ' ')
      // A point only between digits (4.5); "in 2015." ends a sentence.
      .replace(/(?<![0-9])[.]|[.](?![0-9])/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

export function words(text: string): string[] {
  return normalizeText(text)
    .split(' ')
    .filter((w) => w.length > 0 && w !== '-' && w !== '/')
    .map(stem);
}

/** Damerau–Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (rows[i - 2]?.[j - 2] as number) + 1);
      row[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length]?.[b.length] as number;
}

/** Small misspellings of longer words are forgiven; short words must match exactly. */
export function similarWord(typed: string, known: string): boolean {
  if (typed === known) return true;
  if (/\d/.test(typed) || /\d/.test(known)) return false;
  const allowed = known.length >= 9 ? 2 : known.length >= 5 ? 1 : 0;
  return allowed > 0 && typed.length >= 4 && editDistance(typed, known, allowed) <= allowed;
}
