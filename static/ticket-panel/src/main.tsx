import { mountPage } from '../../shared/mount';
import { TicketPanel } from './ticket-panel';

void mountPage(TicketPanel);
