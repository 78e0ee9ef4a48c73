/**
 * A setting that passed validation but that the service it is for refused at start-up (a revoked
 * Slack token, a wrong Scalekit secret). Retrying cannot help, so the bot stops with exit code 78
 * (EX_CONFIG, as for a malformed setting) and a message naming the setting and where to copy it.
 */
export class SettingRefusedError extends Error {
  /** The settings to fix, e.g. ['SLACK_BOT_TOKEN']. */
  readonly settings: string[];

  constructor(settings: string[], message: string) {
    super(message);
    this.name = 'SettingRefusedError';
    this.settings = settings;
  }
}
