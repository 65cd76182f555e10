/**
 * `npm run package:teams`: the Teams app package (manifest.json, color.png, outline.png) as a zip
 * to side-load or upload, with the bot's app id and public host filled in.
 *   MicrosoftAppId=<guid> PUBLIC_URL=https://tally.example.com npm run package:teams [-- out.zip]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import JSZip from 'jszip';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'manifest', 'teams');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function buildTeamsPackage(
  appId: string,
  publicUrl: string,
): Promise<{ zip: Buffer; manifest: Record<string, unknown> }> {
  if (!GUID.test(appId))
    throw new Error(`MicrosoftAppId must be the bot's Azure app id (a GUID); got "${appId || '(empty)'}".`);
  const host = new URL(publicUrl).host;
  const text = (await readFile(path.join(dir, 'manifest.json'), 'utf8'))
    .replaceAll('{{MICROSOFT_APP_ID}}', appId)
    .replaceAll('{{PUBLIC_HOST}}', host);
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  for (const icon of ['color', 'outline']) {
    const svg = await readFile(path.join(dir, `${icon}.svg`), 'utf8');
    zip.file(`${icon}.png`, new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng());
  }
  return { zip: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), manifest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'tally-teams.zip'));
  try {
    const { zip } = await buildTeamsPackage(
      process.env.MicrosoftAppId ?? '',
      process.env.PUBLIC_URL ?? 'https://localhost:3978',
    );
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, zip);
    console.log(`Teams app package: ${out}`);
  } catch (error) {
    console.error(`package:teams: ${(error as Error).message}`);
    process.exit(1);
  }
}
