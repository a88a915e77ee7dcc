import { accessRequestWorkflow } from '../jsm';
import { APPROVER_GROUP } from './demo-directory';

/** The DBA service desk's workflow; the app's own tests run on the same one (test/app/support/app-site.ts). */
export const dbaWorkflow = accessRequestWorkflow(APPROVER_GROUP, 'DBA lead approval');
