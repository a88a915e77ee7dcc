import { mountPage } from '../../shared/mount';
import { PortalForm } from './portal-form';

void mountPage(PortalForm);
