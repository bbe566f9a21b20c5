import { randomBytes } from 'node:crypto';
import { migratePostgresDatabase } from '@foyer/db';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import './provided';

const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates one database for this run on the test server, migrates it, and drops it afterwards. */
export async function setup(project: TestProject) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin`select 1`;
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    throw new Error(
      `No PostgreSQL at TEST_DATABASE_URL (${serverUrl}): ${(error as Error).message}. ` +
        'Start one, or point TEST_DATABASE_URL at a superuser connection string.',
    );
  }
  const name = `foyer_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migratePostgresDatabase(url.toString());
  project.provide('postgresUrl', url.toString());

  return async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  };
}
