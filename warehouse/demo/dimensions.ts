/** The demo warehouse's dimension rows: regions, customers, products, cost centers, accounts, employees. */
import { addDays, daysBetween, type IsoDate } from '../../semantic-catalog/dates.ts';
import type { Random } from './random.ts';

export const REGIONS = [
  {
    id: 1,
    name: 'North America',
    share: 0.4,
    countries: [
      ['United States', 8],
      ['Canada', 2],
    ],
  },
  {
    id: 2,
    name: 'EMEA',
    share: 0.3,
    countries: [
      ['Germany', 4],
      ['United Kingdom', 4],
      ['France', 3],
      ['Netherlands', 2],
      ['Spain', 2],
      ['Italy', 2],
      ['Sweden', 1],
      ['United Arab Emirates', 1],
      ['South Africa', 1],
    ],
  },
  {
    id: 3,
    name: 'APAC',
    share: 0.2,
    countries: [
      ['Japan', 3],
      ['Australia', 3],
      ['India', 2],
      ['Singapore', 2],
      ['South Korea', 1],
    ],
  },
  {
    id: 4,
    name: 'LATAM',
    share: 0.1,
    countries: [
      ['Brazil', 4],
      ['Mexico', 3],
      ['Argentina', 1],
      ['Chile', 1],
      ['Colombia', 1],
    ],
  },
] as const;

export const SEGMENTS = [
  ['Enterprise', 0.15],
  ['Mid-Market', 0.35],
  ['SMB', 0.5],
] as const;

export interface Customer {
  id: number;
  name: string;
  segment: string;
  country: string;
  regionId: number;
  signup: IsoDate;
}

const NAME_A = [
  'Acme',
  'Apex',
  'Blue',
  'Bright',
  'Cedar',
  'Cobalt',
  'Crest',
  'Delta',
  'Echo',
  'Evergreen',
  'Falcon',
  'First',
  'Golden',
  'Granite',
  'Harbor',
  'Horizon',
  'Iron',
  'Lumen',
  'Maple',
  'Meridian',
  'Nova',
  'Oak',
  'Orbit',
  'Pacific',
  'Pinnacle',
  'Polar',
  'Quantum',
  'Red',
  'Silver',
  'Summit',
  'Terra',
  'Vertex',
];
const NAME_B = [
  'Analytics',
  'Bank',
  'Builders',
  'Capital',
  'Care',
  'Dynamics',
  'Energy',
  'Foods',
  'Freight',
  'Health',
  'Holdings',
  'Labs',
  'Logistics',
  'Media',
  'Motors',
  'Networks',
  'Partners',
  'Pharma',
  'Retail',
  'Robotics',
  'Systems',
  'Telecom',
  'Textiles',
  'Travel',
];
const NAME_C = ['Inc', 'Ltd', 'GmbH', 'Group', 'Co', 'AG', 'SA', 'LLC'];

export function makeCustomers(rng: Random, count: number, end: IsoDate): Customer[] {
  const names = new Set<string>();
  const earlySpan = daysBetween('2021-01-01', '2024-01-01');
  const lateSpan = Math.max(1, daysBetween('2024-01-01', end) + 1);
  const customers: Customer[] = [];
  for (let id = 1; id <= count; id++) {
    let name = '';
    do name = `${rng.pick(NAME_A)} ${rng.pick(NAME_B)} ${rng.pick(NAME_C)}`;
    while (names.has(name) && names.size < NAME_A.length * NAME_B.length * NAME_C.length);
    names.add(name);
    const region = rng.weighted(REGIONS.map((r) => [r, r.share] as const));
    // 45% signed up before the order history starts; later sign-ups grow over time (√ skew).
    const signup =
      rng.next() < 0.45
        ? addDays('2021-01-01', Math.floor(rng.next() * earlySpan))
        : addDays('2024-01-01', Math.floor(Math.sqrt(rng.next()) * lateSpan));
    customers.push({
      id,
      name,
      segment: rng.weighted(SEGMENTS),
      country: rng.weighted(region.countries),
      regionId: region.id,
      signup,
    });
  }
  return customers;
}

export interface Product {
  id: number;
  name: string;
  category: 'Hardware' | 'Software' | 'Services';
  listPrice: number;
  unitCost: number;
}

const PRODUCT_NAMES = {
  Hardware: [
    'Router',
    'Switch',
    'Gateway',
    'Sensor',
    'Edge Server',
    'Storage Array',
    'Access Point',
    'Firewall Appliance',
    'Camera',
    'Rack Unit',
  ],
  Software: [
    'Analytics Suite',
    'Security Cloud',
    'Backup Manager',
    'CRM Connector',
    'Data Pipeline',
    'Identity Hub',
    'Monitoring Pro',
    'Billing Engine',
    'Workflow Studio',
    'API Gateway License',
  ],
  Services: [
    'Onboarding Package',
    'Premium Support',
    'Training Day',
    'Migration Service',
    'Architecture Review',
    'Managed Operations',
    'Health Check',
    'Custom Integration',
    'On-site Install',
    'Success Plan',
  ],
} as const;

const PRICE = {
  Hardware: { min: 200, max: 3000, cost: [0.55, 0.7] },
  Software: { min: 100, max: 2000, cost: [0.1, 0.2] },
  Services: { min: 500, max: 5000, cost: [0.5, 0.65] },
} as const;

export function makeProducts(rng: Random): Product[] {
  const products: Product[] = [];
  for (const category of ['Hardware', 'Software', 'Services'] as const) {
    for (const base of PRODUCT_NAMES[category]) {
      for (const tier of ['Standard', 'Pro']) {
        const { min, max, cost } = PRICE[category];
        const listPrice = Math.round((min + rng.next() * (max - min)) * (tier === 'Pro' ? 1.6 : 1)) - 0.01;
        const unitCost = round2(listPrice * (cost[0] + rng.next() * (cost[1] - cost[0])));
        products.push({ id: products.length + 1, name: `${base} ${tier}`, category, listPrice, unitCost });
      }
    }
  }
  return products;
}

export const DEPARTMENTS = ['Sales', 'Marketing', 'Engineering', 'Operations', 'G&A'] as const;

export const COST_CENTERS = [
  ['Field Sales', 'Sales'],
  ['Inside Sales', 'Sales'],
  ['Sales Operations', 'Sales'],
  ['Brand & Content', 'Marketing'],
  ['Demand Generation', 'Marketing'],
  ['Events', 'Marketing'],
  ['Platform Engineering', 'Engineering'],
  ['Product Engineering', 'Engineering'],
  ['Infrastructure', 'Engineering'],
  ['Customer Support', 'Operations'],
  ['Supply Chain', 'Operations'],
  ['Facilities', 'Operations'],
  ['Finance', 'G&A'],
  ['Legal', 'G&A'],
  ['People Operations', 'G&A'],
] as const;

export const ACCOUNTS = [
  ['4000', 'Product revenue', 'Revenue'],
  ['4100', 'Services revenue', 'Revenue'],
  ['5000', 'Cost of goods sold', 'COGS'],
  ['6000', 'Payroll', 'Opex'],
  ['6100', 'Rent & facilities', 'Opex'],
  ['6200', 'Software & cloud', 'Opex'],
  ['6300', 'Marketing programs', 'Opex'],
  ['6400', 'Travel & entertainment', 'Opex'],
  ['6500', 'Professional services', 'Opex'],
  ['6600', 'Recruiting', 'Opex'],
  ['6700', 'Office & supplies', 'Opex'],
] as const;

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'Daniel',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Yara',
  'Zoe',
];
const LAST = [
  'Almeida',
  'Brown',
  'Chen',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lopez',
  'Murphy',
  'Nakamura',
  'Okafor',
  'Patel',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Varga',
  'Weber',
  'Yilmaz',
  'Zhang',
];
const SALARY = {
  Sales: 85_000,
  Marketing: 80_000,
  Engineering: 120_000,
  Operations: 65_000,
  'G&A': 75_000,
} as const;

export interface Employee {
  id: number;
  fullName: string;
  email: string;
  department: string;
  hireDate: IsoDate;
  salary: number;
}

export function makeEmployees(rng: Random, count: number, end: IsoDate): Employee[] {
  const span = daysBetween('2016-01-01', end);
  const employees: Employee[] = [];
  for (let id = 1; id <= count; id++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const department = rng.weighted([
      ['Sales', 3],
      ['Marketing', 1.5],
      ['Engineering', 4],
      ['Operations', 2],
      ['G&A', 1],
    ] as const);
    // A few accepted offers start after the last day of data: headcount must leave them out.
    const hireDate =
      id % 60 === 0
        ? addDays(end, rng.int(10, 60))
        : addDays('2016-01-01', Math.floor(Math.sqrt(rng.next()) * span));
    const salary = round2(SALARY[department] * (0.75 + rng.next() * 0.6));
    employees.push({
      id,
      fullName: `${first} ${last}`,
      email: `${first}.${last}${id}@example.com`.toLowerCase(),
      department,
      hireDate,
      salary,
    });
  }
  return employees;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
