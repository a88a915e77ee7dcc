import type { Route } from '../router';
import { attachmentRoutes } from './platform-attachments';
import { approvalRoutes } from './jsm-approvals';
import { requestCommentRoutes } from './jsm-comments';
import { requestRoutes } from './jsm-requests';
import { serviceDeskRoutes } from './jsm-service-desks';
import { commentRoutes } from './platform-comments';
import { fieldRoutes } from './platform-fields';
import { issueRoutes } from './platform-issues';
import { linkRoutes } from './platform-links';
import { notifyRoutes } from './platform-notify';
import { projectRoutes } from './platform-projects';
import { propertyRoutes } from './platform-properties';
import { searchRoutes } from './platform-search';
import { transitionRoutes } from './platform-transitions';
import { userRoutes } from './platform-users';

/** Every route the emulator serves: the Jira platform and JSM subset a JIT-access app uses. */
export const routes: Route[] = [
  ...projectRoutes,
  ...issueRoutes,
  ...transitionRoutes,
  ...commentRoutes,
  ...propertyRoutes,
  ...attachmentRoutes,
  ...linkRoutes,
  ...notifyRoutes,
  ...fieldRoutes,
  ...userRoutes,
  ...searchRoutes,
  ...serviceDeskRoutes,
  ...requestRoutes,
  ...approvalRoutes,
  ...requestCommentRoutes,
];
