// The one error type every IPC call rejects with.

/** The closed set of error codes from docs/ipc.md. */
export const ERROR_CODES = [
  'wrong_passphrase',
  'keyfile_required',
  'wrong_keyfile',
  'keyfile_not_used',
  'keyfile_unreadable',
  'vault_not_found',
  'vault_exists',
  'not_a_vault',
  'vault_damaged',
  'vault_unsupported',
  'vault_busy',
  'no_vault',
  'locked',
  'invalid_input',
  'key_not_found',
  'name_taken',
  'policy_violation',
  'not_allowed',
  'file_exists',
  'no_code',
  'io',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const INTERNAL_MESSAGE = 'Keywarden ran into an unexpected problem. Please report it, along with what you were doing.';

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * A failed command. `message` is safe to show to a person; branch on `code`, never on
 * `message`.
 */
export class IpcError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'IpcError';
    this.code = code;
  }

  /**
   * Normalises anything a command or plugin rejected with. Only a `{code, message}` object
   * with a known code keeps its message; anything else (a plain string from Tauri itself, an
   * unknown code, an exception) becomes `internal` with a generic message, because its text
   * was not written to be shown and might echo an argument.
   */
  static from(reason: unknown): IpcError {
    if (reason instanceof IpcError) return reason;
    if (typeof reason === 'object' && reason !== null) {
      const { code, message } = reason as { code?: unknown; message?: unknown };
      if (isErrorCode(code) && typeof message === 'string' && message.trim() !== '') {
        return new IpcError(code, message);
      }
    }
    return new IpcError('internal', INTERNAL_MESSAGE);
  }
}
