import { fileURLToPath } from 'node:url';
import { pageConfig } from '../shared/vite-page-config.mts';

export default pageConfig(fileURLToPath(new URL('.', import.meta.url)));
