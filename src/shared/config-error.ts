/**
 * Thrown at construction when an option is missing or invalid. The message always names the
 * option and, where one exists, the environment variable that can provide it.
 */
export class WorkOSConfigError extends Error {
  readonly code = 'config_invalid';
  /** The option at fault, as the user would write it (for example `apiKey` or `cache.ttlMs`). */
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.name = 'WorkOSConfigError';
    this.option = option;
  }
}
