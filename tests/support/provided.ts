// Values the global setup hands to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of this run's own, freshly migrated PostgreSQL database. */
    postgresUrl: string;
  }
}

export {};
