/** The part of s3rver's Koa context the middleware reads and writes. */
export interface KoaContext {
  method: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}
export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/**
 * ListParts and AbortMultipartUpload, which @tus/s3-store calls and s3rver lacks, answered from
 * s3rver's upload directory under `root` for `bucket`, in the S3 wire format.
 */
export function multipartListAndAbort(root: string, bucket: string): KoaMiddleware;
