import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LogoFile, sniffImage } from './apply';
import { type TenantManifest, tenantManifest } from './manifest';

export interface TenantDeclaration {
  dir: string;
  manifest: TenantManifest;
  logo: LogoFile | null;
}

const MAX_LOGO_BYTES = 512 * 1024;

/** Reads every `<dir>/<slug>/tenant.json` (and its logo), failing with the file and field named. */
export async function loadTenantDeclarations(root: string): Promise<TenantDeclaration[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const declarations: TenantDeclaration[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(root, entry.name);
    const file = join(dir, 'tenant.json');
    const parsed = tenantManifest.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`${file}: ${problems}`);
    }
    if (parsed.data.slug !== entry.name) {
      throw new Error(`${file}: slug "${parsed.data.slug}" must match its folder name "${entry.name}"`);
    }
    declarations.push({ dir, manifest: parsed.data, logo: await readLogo(dir, parsed.data.brand.logo) });
  }
  return declarations;
}

async function readLogo(dir: string, name: string | undefined): Promise<LogoFile | null> {
  if (!name) return null;
  const data = new Uint8Array(await readFile(join(dir, name)));
  if (data.byteLength > MAX_LOGO_BYTES)
    throw new Error(`${join(dir, name)}: larger than ${MAX_LOGO_BYTES} bytes`);
  const mime = sniffImage(data);
  if (!mime) throw new Error(`${join(dir, name)}: not a PNG, JPEG or WebP image`);
  return { mime, data };
}
