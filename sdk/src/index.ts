export { Mailwright } from './client.js';
export type { CsvInput, RequestInit, UntypedRequestInit } from './client.js';
export { newIdempotencyKey } from './http.js';
export type { ClientOptions } from './http.js';
export type { Method } from './method.js';
export { OPERATIONS } from './schema/index.js';
export type * from './schema/index.js';
export type {
  ApiResult,
  Body,
  CallOptions,
  ClientErrorCode,
  FieldError,
  MailwrightError,
  OperationKey,
  PathArgs,
  Query,
  Response,
  Result,
  ServerErrorCode,
} from './types.js';

export const SDK_VERSION = '0.1.0';
