/**
 * The demo's regional manager, known by e-mail only: EMEA's sales rows and nothing else. An access
 * block to append to the demo catalog, shared by the tests of access and the bench of its cost.
 */
export const EMEA_MANAGER_ACCESS = `
access:
  default: nothing
  groups:
    - name: emea_sales
      members: [emea.manager@example.com]
      rows: ["r.region_name = 'EMEA'"]
`;
