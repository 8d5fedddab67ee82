/** @module */
export { ERRNO, type Errno } from './errno.js';
export {
  BackendError,
  backendUnavailable,
  type ErrorBody,
  type ErrorDetail,
  HttpError,
  type HttpErrorInit,
  invalidInput,
  invalidParameter,
  invalidPostedData,
  methodNotAllowed,
  modifiedMeanwhile,
  pathNotFound,
  recordNotFound,
  unauthorized,
} from './http-error.js';
