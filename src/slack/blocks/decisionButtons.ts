/**
 * The buttons a card that waits on its user ends with (Approve / Edit / Cancel and their kin: Send,
 * Post, Discard), one actions block for every such card. Each button's value is the id of what it
 * decides; the first is the primary one.
 */
import type { ActionsBlock, Button } from '@slack/types';

export interface DecisionButton {
  actionId: string;
  label: string;
}

export function buildDecisionButtons(blockId: string, decidedId: string, buttons: DecisionButton[]): ActionsBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: buttons.map(({ actionId, label }, index): Button => ({
      type: 'button',
      action_id: actionId,
      text: { type: 'plain_text', text: label },
      value: decidedId,
      ...(index === 0 ? { style: 'primary' as const } : {}),
    })),
  };
}
