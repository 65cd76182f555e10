/** The Teams app package: its manifest validates against Microsoft's v1.17 schema, with icons of the right size. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { buildTeamsPackage } from '../scripts/package-teams.ts';
import { SCHEMAS_DIR } from './schemas.ts';

// ajv-draft-04 is CommonJS: its constructor is module.exports.
const Ajv04 = createRequire(import.meta.url)('ajv-draft-04') as typeof import('ajv-draft-04').default;
const APP_ID = '11111111-2222-3333-4444-555555555555';

describe('Teams app package', () => {
  it('builds a zip whose manifest validates and whose icons are 192×192 and 32×32 PNGs', async () => {
    const { zip, manifest } = await buildTeamsPackage(APP_ID, 'https://tally.example.com');
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, 'teams-manifest-v1.17.json'), 'utf8'));
    const validate = new Ajv04({ strict: false, allErrors: true }).compile(schema);
    expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(manifest).toMatchObject({
      id: APP_ID,
      bots: [{ botId: APP_ID }],
      validDomains: ['tally.example.com'],
    });

    const files = await JSZip.loadAsync(zip);
    expect(Object.keys(files.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const size = async (name: string) => {
      const png = await files.file(name)?.async('nodebuffer');
      return [png?.readUInt32BE(16), png?.readUInt32BE(20)];
    };
    expect(await size('color.png')).toEqual([192, 192]);
    expect(await size('outline.png')).toEqual([32, 32]);
    expect(JSON.parse((await files.file('manifest.json')?.async('string')) ?? '{}')).toEqual(manifest);
  });

  it('refuses to build without a real app id', async () => {
    await expect(buildTeamsPackage('', 'https://tally.example.com')).rejects.toThrow(
      /MicrosoftAppId must be/,
    );
  });
});
