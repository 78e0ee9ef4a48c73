/** The settings for Calendar, team alerts and the optional chat model: defaults, forms, refusals. */
import { describe, expect, it } from 'vitest';
import { knownSecrets, loadConfig } from '../../../src/infrastructure/config.ts';
import { minimalSettings as minimal, problemsOf } from '../../helpers/settings.ts';

describe('feature settings', () => {
  it('has defaults for Calendar and alerts, and no chat model', () => {
    const config = loadConfig(minimal);
    expect(config.calendar).toEqual({ connectionName: 'googlecalendar', apiUrl: 'https://www.googleapis.com' });
    expect(config.alerts).toEqual({
      defaultChannel: undefined,
      policy: { raise: { kind: 'everyone' }, mentionChannel: { kind: 'nobody' }, configureChannel: { kind: 'nobody' } },
    });
    expect(config.llm).toBeUndefined();
  });

  it('has a budget per kind of request, generous for reading and tighter for links and the chat model', () => {
    const config = loadConfig(minimal);
    expect(config.budgets).toEqual({
      alert: { capacity: 5, refillEveryMs: 60_000 },
      read_mail: { capacity: 60, refillEveryMs: 1_000 },
      connect_link: { capacity: 3, refillEveryMs: 60_000 },
      chat_model: { capacity: 10, refillEveryMs: 10_000 },
      calendar_write: { capacity: 10, refillEveryMs: 30_000 },
    });
    expect(config.background).toEqual({ maxInFlight: 32, maxQueued: 500 });
    const set = loadConfig({ ...minimal, LINK_RATE_BURST: '1', LINK_RATE_REFILL_SECONDS: '120', BACKGROUND_MAX_IN_FLIGHT: '4' });
    expect(set.budgets.connect_link).toEqual({ capacity: 1, refillEveryMs: 120_000 });
    expect(set.background.maxInFlight).toBe(4);
    expect(problemsOf({ ...minimal, READ_RATE_BURST: 'lots' }).join('\n')).toMatch(/READ_RATE_BURST must be a whole number/);
  });

  it('reads alert audiences as user ids or a user group', () => {
    const config = loadConfig({ ...minimal, ALERT_ALLOWED: 'U01, U02', ALERT_CHANNEL_MENTION_ALLOWED: 'S0ONCALL', TEAM_ALERT_CHANNEL: '#ops' });
    expect(config.alerts.policy.raise).toEqual({ kind: 'users', userIds: ['U01', 'U02'] });
    expect(config.alerts.policy.mentionChannel).toEqual({ kind: 'userGroup', groupId: 'S0ONCALL' });
    expect(config.alerts.defaultChannel).toBe('#ops');
  });

  it('refuses an audience it cannot read, naming the setting', () => {
    expect(problemsOf({ ...minimal, ALERT_ALLOWED: 'the ops people' }).join('\n')).toMatch(/ALERT_ALLOWED must be everyone, nobody/);
  });

  it('takes all three LLM settings or none, and treats the key as a secret', () => {
    expect(problemsOf({ ...minimal, LLM_BASE_URL: 'https://api.example.com/v1' }).join('\n')).toMatch(/go together/);
    const config = loadConfig({ ...minimal, LLM_BASE_URL: 'https://api.example.com/v1/', LLM_API_KEY: 'sk-1', LLM_MODEL: 'm' });
    expect(config.llm).toEqual({ baseUrl: 'https://api.example.com/v1', apiKey: 'sk-1', model: 'm' });
    expect(knownSecrets(config)).toContain('sk-1');
  });
});
