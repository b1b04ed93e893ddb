import type { FastifyRequest } from 'fastify';
import { AppError, validationError } from '../core/errors.js';

/**
 * The CSV text of a `multipart/form-data` upload (field `file`) or of a raw `text/csv` body.
 * Shared by the CSV imports (contacts, suppression list); each registers multipart with its own size limit.
 */
export async function readCsvUpload(request: FastifyRequest): Promise<string> {
  if (typeof request.body === 'string') return request.body;
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the CSV as multipart/form-data (field "file") or as text/csv');
  let buffer: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file' && part.fieldname === 'file' && !buffer) buffer = await part.toBuffer();
      else if (part.type === 'file') part.file.resume();
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('PAYLOAD_TOO_LARGE', 'CSV file must be at most 5 MB');
    throw err;
  }
  if (!buffer) throw validationError([{ field: 'file', message: 'A CSV file is required in the "file" field', code: 'invalid_type' }]);
  return buffer.toString('utf8');
}
