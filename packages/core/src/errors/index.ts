/** @module */
export { ERRNO, type Errno } from './errno.js';
export {
  HttpError,
  invalidInput,
  invalidParameter,
  invalidPostedData,
  methodNotAllowed,
  modifiedMeanwhile,
  pathNotFound,
  recordNotFound,
  unauthorized,
  type ErrorBody,
  type ErrorDetail,
  type HttpErrorInit,
} from './http-error.js';
