import { AppError, isAppError } from '../app-error';
import { cachedTransition, rememberTransitions } from '../storage/transition-cache';
import { jira } from './jira-client';

export type Move = { transition: string } | { toStatus: string };

const describe = (move: Move) => ('transition' in move ? `transition:${move.transition}` : `status:${move.toStatus}`);

/**
 * Runs a workflow transition chosen by its name (settings.transitions) or by the status it leads to.
 * Uses the cached id first (one call); when that id is refused or unknown, reads the ticket's
 * transitions, runs the match and remembers it, with the id of every other transition offered by name: a
 * transition with several source statuses keeps its id, so a later move from another status (granted
 * to expired, say) needs no lookup. A workflow without a match is `invalid_state`.
 */
export async function moveTicket(key: string, move: Move): Promise<void> {
  const project = key.split('-')[0] ?? key;
  const wanted = describe(move);
  const cached = await cachedTransition(project, wanted);
  if (cached !== undefined) {
    try {
      await jira.transition(key, cached);
      return;
    } catch (error) {
      if (!isAppError(error, 'jira_error') || error.context.status !== 400) throw error;
    }
  }
  const available = await jira.getTransitions(key);
  const match = available.find((candidate) =>
    'transition' in move ? candidate.name.toLowerCase() === move.transition.toLowerCase() : candidate.to.name.toLowerCase() === move.toStatus.toLowerCase(),
  );
  if (!match) {
    throw new AppError('invalid_state', `The workflow of ${key} offers no ${'transition' in move ? `transition "${move.transition}"` : `move to status "${move.toStatus}"`} from its current status; check the status and transition mapping in the app settings.`, { key });
  }
  await jira.transition(key, match.id);
  const byName = available.map((candidate) => ({ wanted: describe({ transition: candidate.name }), id: candidate.id }));
  await rememberTransitions(project, [{ wanted, id: match.id }, ...byName.filter((entry) => entry.wanted.toLowerCase() !== wanted.toLowerCase())]);
}
