import { DetailedError, Upload } from 'tus-js-client';
import { uploadErrorMessage } from './files';

/** Large parts keep requests few while bounding what a cut connection can lose (as the Uploader). */
const CHUNK_BYTES = 50 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000];

/**
 * Sends one file to the tus endpoint as an attachment of a message (the message is posted first,
 * then its files follow with its id, as task comment attachments do). Resolves with the server's
 * file id; rejects with a sentence for people.
 */
export function uploadToMessage(
  file: File,
  messageId: string,
  onProgress: (sent: number, total: number) => void,
  endpoint = '/uploads',
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let fileId: string | null = null;
    const upload = new Upload(file, {
      endpoint,
      metadata: { messageId, filename: file.name, filetype: file.type || 'application/octet-stream' },
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS,
      removeFingerprintOnSuccess: true,
      onProgress,
      onAfterResponse: (_request, response) => {
        fileId = response.getHeader('Foyer-File-Id') ?? fileId;
      },
      onSuccess: () => resolve(fileId),
      onError: (error) => {
        const response = error instanceof DetailedError ? error.originalResponse : null;
        const status = response?.getStatus() ?? 0;
        reject(
          new Error(
            status >= 400 && status < 500
              ? uploadErrorMessage(status, response?.getBody() ?? '')
              : 'The connection was lost before the file was sent.',
          ),
        );
      },
    });
    upload.start();
  });
}
