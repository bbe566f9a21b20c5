export * from './local';
export * from './s3';
export * from './storage';
