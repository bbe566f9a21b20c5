export * from './app';
export * from './branding';
export * from './clients';
export * from './platform';
export * from './projects';
export * from './roles';
export * from './tasks';
export * from './users';
