import { loadSearchPage } from '$lib/server/search';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => loadSearchPage(event);
