/**
 * Buttons that only open a URL still send Slack an interaction; acknowledging it keeps Slack from
 * showing the user a warning.
 */
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';

export const LINK_BUTTON_ACTIONS = /^(authorize_connection|open_in_gmail(:.*)?)$/;

export async function acknowledgeLinkButton({ ack }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  await ack();
}
