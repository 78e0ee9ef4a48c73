/** Test helper: every text object ({type: 'mrkdwn' | 'plain_text', text}) anywhere in some blocks. */
export interface TextObject { type: 'mrkdwn' | 'plain_text'; text: string; verbatim?: boolean }

export function textObjects(value: unknown, found: TextObject[] = []): TextObject[] {
  if (Array.isArray(value)) {
    for (const item of value) textObjects(item, found);
  } else if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ((object.type === 'mrkdwn' || object.type === 'plain_text') && typeof object.text === 'string') {
      found.push(object as unknown as TextObject);
    }
    for (const child of Object.values(object)) textObjects(child, found);
  }
  return found;
}
