export {
  checkType,
  extensionRefused,
  inlineSafe,
  previewKind,
  SNIFF_BYTES,
  sniffedType,
} from './content-types';
export { createUploads } from './tus';
export type {
  AuthorizeResult,
  CompletedUpload,
  CompleteResult,
  PendingUpload,
  PreviewKind,
  Refusal,
  SniffedType,
  TypeCheck,
  Uploader,
  Uploads,
  UploadsOptions,
  UploadsStore,
} from './types';
