// The error a backend request raises when it cannot be met: a TL43xx code and a message that
// says what was tried and how to install what is missing (printed as is, never with a stack).

export type BackendErrorCode =
  /** An explicitly requested backend is not installed or not usable. */
  | 'TL4301'
  /** No backend at all could be initialised. */
  | 'TL4302';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly code: BackendErrorCode,
    message: string,
  ) {
    super(message);
  }
}
