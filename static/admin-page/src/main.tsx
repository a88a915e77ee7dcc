import { mountPage } from '../../shared/mount';
import { AdminPage } from './admin-page';

void mountPage(AdminPage);
