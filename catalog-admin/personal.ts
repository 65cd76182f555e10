/**
 * Personal data and identifiers, told from a column's name and from sampled values. A draft
 * marks too much rather than too little: an admin un-marks a column that is not personal, but a
 * column left unmarked is shown to everyone from the first question.
 */

export interface PersonalFinding {
  kind: 'e-mail' | 'phone' | 'person name' | 'address' | 'birth date' | 'national id' | 'pay';
  by: 'name' | 'values';
}

/** Table names whose rows are people: their `name` column is a person's name. */
const PERSON_TABLES =
  /^(users?|persons?|people|authors?|customers?|clients?|patients?|employees?|staff|students?|members?|contacts?|doctors?|physicians?|instructors?|teachers?|professors?|actors?|writers?|directors?|players?|drivers?|passengers?|owners?|managers?|applicants?|candidates?|subscribers?|guests?|travell?ers?|reviewers?|accounts?|persons?|individuals?|residents?|voters?|donors?|volunteers?)$/;

const BY_NAME: [PersonalFinding['kind'], RegExp][] = [
  ['e-mail', /e_?mail/],
  ['phone', /(^|_)(phone|phones|mobile|cell|cellphone|tel|telephone|fax)(_|$)|phone/],
  ['person name', /(first|last|full|given|family|middle|maiden|sur|nick|user)_?name|^surname$/],
  ['address', /address|(^|_)(addr|street|zip|zipcode|postcode|postal_code|postal)(_|$)/],
  ['birth date', /birth|(^|_)(dob|born|bday)(_|$)/],
  [
    'national id',
    /(^|_)(ssn|sin|nino|passport|national_id|nationalid|tax_id|taxid|social_security|license_number|licence_number|driver_license)(_|$)|polic(y|ies)_?(num|number|no|id)/,
  ],
  [
    'pay',
    /(^|_)(salary|salaries|wage|wages|payroll|compensation|bonus|income)(_|$)|(^|_)pay$|^pay_(rate|grade|amount)$/,
  ],
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const NATIONAL_ID = /^\d{3}-\d{2}-\d{4}$/;
// North American (555-123-4567, (555) 123 4567) or international (+44 20 7946 0958); not codes
// like NDC 0078-0123-45, nor coordinates.
const PHONE = /^(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}$|^\+\d{1,3}([\s.-]?\d{2,4}){2,5}$/;
const STREET =
  /^\d+[a-z]?\s+\S.*\b(st|street|ave|avenue|rd|road|blvd|boulevard|ln|lane|dr|drive|way|ct|court|pl|place|sq|square|ter|terrace|pkwy|parkway|hwy|highway)\b\.?/i;

function looksLike(kind: PersonalFinding['kind'], value: string): boolean {
  switch (kind) {
    case 'e-mail':
      return EMAIL.test(value);
    case 'national id':
      return NATIONAL_ID.test(value);
    case 'phone':
      return PHONE.test(value) && /[\s().+-]/.test(value);
    case 'address':
      return STREET.test(value);
    default:
      return false;
  }
}

const BY_VALUES: PersonalFinding['kind'][] = ['e-mail', 'national id', 'phone', 'address'];

function words(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

/** Why a column is personal data, or undefined. `table` is the bare table name. */
export function personalFinding(
  table: string,
  column: string,
  values: string[] = [],
): PersonalFinding | undefined {
  const name = words(column);
  for (const [kind, pattern] of BY_NAME) if (pattern.test(name)) return { kind, by: 'name' };
  const bareTable = words(table);
  // `name` on a table of people, or `<person>_name` (author_name, patientname) anywhere.
  const personWord = PERSON_TABLES.source.slice(2, -2);
  if (
    (/(^|_)(name|names)$/.test(name) && PERSON_TABLES.test(bareTable) && !/_name$/.test(name)) ||
    new RegExp(`^(${personWord})_?name$`).test(name)
  )
    return { kind: 'person name', by: 'name' };
  const present = values.filter((v) => v.trim() !== '');
  if (present.length >= 3) {
    for (const kind of BY_VALUES) {
      const matching = present.filter((v) => looksLike(kind, v.trim())).length;
      if (matching / present.length >= 0.6) return { kind, by: 'values' };
    }
  }
  return undefined;
}

/**
 * Identifiers and keys: people never ask for them by name, but joins need them. `id`, `*_id`,
 * `*_key`, `*_uuid`, short ids (`aid`, `uid`), `<table>id` (`paperid`), and any column of a
 * primary, unique or foreign key.
 */
export function isKeyColumn(column: string, keyColumns: Set<string>, tableWords: Set<string>): boolean {
  const name = words(column);
  const stem = name.replace(/_?id$/, '');
  return (
    keyColumns.has(column) ||
    /(^|_)(id|ids|key|uuid|guid)$/.test(name) ||
    /^[a-z]{1,3}id$/.test(name) ||
    (name.endsWith('id') && tableWords.has(stem))
  );
}
