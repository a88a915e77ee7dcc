import { ApiError, forbidden, notFound } from '../errors';
import { canSeeIssue, isStaff } from '../permissions';
import { json, type Route } from '../router';
import type { Attachment, Issue, State } from '../state';
import { attachmentView } from '../views/attachment-view';
import { visibleIssue } from './lookups';

/** Files one request may carry (the OpenAPI description of addAttachment: "more than 60 files" is a 413). */
const MAX_FILES = 60;

function findAttachment(state: State, id: string): { issue: Issue; attachment: Attachment } | undefined {
  for (const issue of state.issues.values()) {
    const attachment = issue.attachments.find((candidate) => candidate.id === id);
    if (attachment) return { issue, attachment };
  }
  return undefined;
}

export const attachmentRoutes: Route[] = [
  {
    method: 'POST',
    path: '/rest/api/3/issue/{issueIdOrKey}/attachments',
    flavour: 'jira',
    handler: async (ctx) => {
      // Jira's XSRF filter blocks a multipart POST without this header before the resource is looked at.
      if (ctx.headers.get('x-atlassian-token')?.toLowerCase() !== 'no-check') throw forbidden('XSRF check failed');
      const issue = visibleIssue(ctx);
      if (!isStaff(ctx.actor)) throw forbidden('You do not have permission to create attachments for this issue.');
      const files = (await ctx.form()).getAll('file').filter((entry): entry is File => typeof entry !== 'string');
      if (files.length === 0) throw new ApiError(400, "No file was found in the request: the multipart parameter must be named 'file'.");
      if (files.length > MAX_FILES) throw new ApiError(413, `At most ${MAX_FILES} files can be attached in one request.`);
      const added: Attachment[] = [];
      for (const file of files) {
        const attachment = {
          id: ctx.state.nextId('attachment'),
          filename: file.name,
          mimeType: file.type === '' ? 'application/octet-stream' : file.type,
          content: new Uint8Array(await file.arrayBuffer()),
          authorId: ctx.actor.accountId,
          created: ctx.state.now(),
        };
        issue.attachments.push(attachment);
        added.push(attachment);
      }
      issue.updated = ctx.state.now();
      return json(added.map((attachment) => attachmentView(ctx.state, attachment)));
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/attachment/content/{id}',
    flavour: 'jira',
    handler: (ctx) => {
      const found = findAttachment(ctx.state, ctx.params.id ?? '');
      if (!found || !canSeeIssue(ctx.actor, found.issue)) throw notFound('The attachment does not exist or you do not have permission to see it.');
      // Jira redirects to its media store unless the caller asks for the bytes with redirect=false.
      if (ctx.query.get('redirect') !== 'false') {
        return new Response(null, { status: 303, headers: { location: `${ctx.state.baseUrl}/rest/api/3/attachment/content/${found.attachment.id}?redirect=false` } });
      }
      return new Response(found.attachment.content, { status: 200, headers: { 'content-type': found.attachment.mimeType } });
    },
  },
];
