/** What every signed-in staff page does, whatever its own script: the `/` shortcut to the search box. */
import { enableSearchShortcut } from './lib/search-shortcut.js';

enableSearchShortcut();
