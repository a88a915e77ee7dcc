import type { Attachment, State } from '../state';
import { requireUser, userDetails } from './user-view';

/** Jira platform `Attachment`. */
export function attachmentView(state: State, attachment: Attachment) {
  return {
    self: `${state.baseUrl}/rest/api/3/attachment/${attachment.id}`,
    id: attachment.id,
    filename: attachment.filename,
    author: userDetails(state, requireUser(state, attachment.authorId)),
    created: attachment.created.toISOString(),
    size: attachment.content.byteLength,
    mimeType: attachment.mimeType,
    content: `${state.baseUrl}/rest/api/3/attachment/content/${attachment.id}`,
  };
}
