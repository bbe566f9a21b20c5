import { defineConfig } from 'drizzle-kit';

// Generates SQL into the repo's top-level drizzle/ folder. drizzle-kit writes tables, RLS
// and policies; GRANTs, FORCE and app_system functions live in hand-written (--custom) files.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: '../../drizzle',
  schemaFilter: ['app', 'platform'],
  entities: { roles: true },
});
