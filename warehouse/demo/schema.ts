/** DDL of the demo warehouse, exactly as demo-warehouse.md fixes it. */
export const DEMO_SCHEMAS = ['sales', 'finance', 'hr'] as const;

export const DEMO_DDL = `
CREATE SCHEMA sales;
CREATE SCHEMA finance;
CREATE SCHEMA hr;
CREATE TABLE sales.regions (region_id int PRIMARY KEY, region_name text NOT NULL);
CREATE TABLE sales.customers (
  customer_id int PRIMARY KEY, customer_name text NOT NULL, segment text NOT NULL, country text NOT NULL,
  region_id int NOT NULL REFERENCES sales.regions, signup_date date NOT NULL);
CREATE TABLE sales.products (
  product_id int PRIMARY KEY, product_name text NOT NULL, category text NOT NULL,
  list_price numeric(12,2) NOT NULL, unit_cost numeric(12,2) NOT NULL);
CREATE TABLE sales.orders (
  order_id bigint PRIMARY KEY, order_date date NOT NULL, customer_id int NOT NULL REFERENCES sales.customers,
  product_id int NOT NULL REFERENCES sales.products, channel text NOT NULL, quantity int NOT NULL,
  unit_price numeric(12,2) NOT NULL, discount_pct numeric(5,2) NOT NULL, net_amount numeric(14,2) NOT NULL,
  cost_amount numeric(14,2) NOT NULL, status text NOT NULL);
CREATE TABLE finance.cost_centers (cost_center_id int PRIMARY KEY, cost_center_name text NOT NULL, department text NOT NULL);
CREATE TABLE finance.gl_accounts (account_id int PRIMARY KEY, account_code text NOT NULL, account_name text NOT NULL, account_type text NOT NULL);
CREATE TABLE finance.gl_entries (
  entry_id bigint PRIMARY KEY, posting_date date NOT NULL, account_id int NOT NULL REFERENCES finance.gl_accounts,
  cost_center_id int NOT NULL REFERENCES finance.cost_centers, amount numeric(14,2) NOT NULL);
CREATE TABLE finance.invoices (
  invoice_id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES sales.customers, issue_date date NOT NULL,
  due_date date NOT NULL, amount numeric(14,2) NOT NULL, paid_date date);
CREATE TABLE hr.employees (
  employee_id int PRIMARY KEY, full_name text NOT NULL, email text NOT NULL, department text NOT NULL,
  hire_date date NOT NULL, salary numeric(12,2) NOT NULL);
`;

/** Built after loading: faster than maintaining them row by row. */
export const DEMO_INDEXES = `
CREATE INDEX ON sales.orders (order_date);
CREATE INDEX ON sales.orders (customer_id);
CREATE INDEX ON sales.customers (signup_date);
CREATE INDEX ON finance.gl_entries (posting_date);
CREATE INDEX ON finance.invoices (issue_date);
`;

export interface ColumnSpec {
  name: string;
  /** PostgreSQL array type used to ship the column in one parameter. */
  type: 'int[]' | 'bigint[]' | 'text[]' | 'date[]' | 'numeric[]';
}

export const COLUMNS = {
  'sales.regions': cols('region_id:int', 'region_name:text'),
  'sales.customers': cols(
    'customer_id:int',
    'customer_name:text',
    'segment:text',
    'country:text',
    'region_id:int',
    'signup_date:date',
  ),
  'sales.products': cols(
    'product_id:int',
    'product_name:text',
    'category:text',
    'list_price:numeric',
    'unit_cost:numeric',
  ),
  'sales.orders': cols(
    'order_id:bigint',
    'order_date:date',
    'customer_id:int',
    'product_id:int',
    'channel:text',
    'quantity:int',
    'unit_price:numeric',
    'discount_pct:numeric',
    'net_amount:numeric',
    'cost_amount:numeric',
    'status:text',
  ),
  'finance.cost_centers': cols('cost_center_id:int', 'cost_center_name:text', 'department:text'),
  'finance.gl_accounts': cols(
    'account_id:int',
    'account_code:text',
    'account_name:text',
    'account_type:text',
  ),
  'finance.gl_entries': cols(
    'entry_id:bigint',
    'posting_date:date',
    'account_id:int',
    'cost_center_id:int',
    'amount:numeric',
  ),
  'finance.invoices': cols(
    'invoice_id:bigint',
    'customer_id:int',
    'issue_date:date',
    'due_date:date',
    'amount:numeric',
    'paid_date:date',
  ),
  'hr.employees': cols(
    'employee_id:int',
    'full_name:text',
    'email:text',
    'department:text',
    'hire_date:date',
    'salary:numeric',
  ),
} satisfies Record<string, ColumnSpec[]>;

export type DemoTable = keyof typeof COLUMNS;

function cols(...specs: string[]): ColumnSpec[] {
  return specs.map((spec) => {
    const [name, type] = spec.split(':') as [string, string];
    return { name, type: `${type}[]` as ColumnSpec['type'] };
  });
}
