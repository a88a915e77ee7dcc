import Heading from '@atlaskit/heading';
import { Stack, Text } from '@atlaskit/primitives';
import type { GrantRecord } from '../../../src/core';
import { EVENT_WORDS, nameOf, STATE_VIEW, utcTime, type GrantAnswer } from './grant-view';

/** The lifecycle from the `jit-access` property, oldest first. */
export function Timeline({ answer, grant }: { answer: GrantAnswer; grant: GrantRecord }) {
  return (
    <Stack space="space.100">
      <Heading size="xsmall" as="h3">
        History
      </Heading>
      {grant.historyDropped > 0 && <Text color="color.text.subtle">{grant.historyDropped} earlier entries are in the ticket's comments.</Text>}
      <ol aria-label="Lifecycle">
        {grant.history.map((entry, index) => (
          <li key={index}>
            <Text>
              <time dateTime={entry.at}>{utcTime(entry.at)}</time>: {EVENT_WORDS[entry.event]} ({STATE_VIEW[entry.from].label} → {STATE_VIEW[entry.to].label}), by {nameOf(answer, entry.actor)}
              {entry.rule ? ` (rule "${entry.rule.name}")` : ''}
              {entry.note ? `. ${asSentence(entry.note)}` : '.'}
            </Text>
          </li>
        ))}
      </ol>
    </Stack>
  );
}

/** Notes are recorded as clauses ("cancelled before approval"); after a full stop they start a sentence. */
function asSentence(note: string): string {
  const text = note.charAt(0).toUpperCase() + note.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
