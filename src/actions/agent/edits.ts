/**
 * Edit on a card the agent is waiting on (a step to approve, a proposed alert, a drafted reply):
 * the modal it opens is one edit, kept here. The modal carries only this edit's id; what it edits
 * and where its card is stay on our side. An edit is saved once, by the user who opened it, before
 * it expires; whether the step itself is still waiting is its own store's to say.
 */
import type { SlackUser } from '../../core/slackUser.ts';

/** As long as the step it edits can wait for Approve. */
export const EDIT_TTL_MS = 60 * 60_000;

export interface EditTarget {
  /** `step`: an agent step's approval (event, reply draft); `alert`: a proposed alert. */
  kind: 'step' | 'alert';
  id: string;
}

export interface CardPlace {
  channel: string;
  ts: string;
}

export interface StepEdit {
  id: string;
  owner: SlackUser;
  target: EditTarget;
  card: CardPlace;
  createdAt: Date;
  expiresAt: Date;
}

export type EditLookup = { ok: true; edit: StepEdit } | { ok: false; reason: 'not_yours' | 'gone' };

export interface StepEdits {
  open(owner: SlackUser, target: EditTarget, card: CardPlace, now: Date): Promise<StepEdit>;
  /** The edit while `user` may still save it (theirs, unsaved, unexpired). */
  peek(id: string, user: SlackUser, now: Date): Promise<EditLookup>;
  /** Saves it once: the first save for its owner before it expires wins; later ones find it gone. */
  take(id: string, user: SlackUser, now: Date): Promise<EditLookup>;
}
